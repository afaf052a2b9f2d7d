#include "cipherformer/util/blake2.h"

#include <stdexcept>

namespace cf::util {

// Stub: the real implementation lands next.
void blake2b(void *, size_t, const void *, size_t, const void *, size_t) {
  throw std::logic_error("blake2b not implemented");
}
void blake2xb(void *, size_t, const void *, size_t, const void *, size_t) {
  throw std::logic_error("blake2xb not implemented");
}

}  // namespace cf::util
