#include "cipherformer/util/ntt.h"

#include <stdexcept>

namespace cf::util {

// Stub: the real implementation lands next.
NttTables::NttTables(int log_n, const Modulus &q) : log_n_(log_n), n_(0), q_(q), root_(0) {
  throw std::logic_error("NttTables not implemented");
}
void NttTables::forward(uint64_t *) const noexcept {}
void NttTables::forward_lazy(uint64_t *) const noexcept {}
void NttTables::inverse(uint64_t *) const noexcept {}
bool is_primitive_root(uint64_t, uint64_t, const Modulus &) noexcept { return false; }
bool try_minimal_primitive_root(uint64_t, const Modulus &, uint64_t &) { throw std::logic_error("not implemented"); }

}  // namespace cf::util
