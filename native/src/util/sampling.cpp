#include "cipherformer/util/sampling.h"

#include <stdexcept>

namespace cf::util {

// Stub: the real implementation lands next.
void sample_poly_uniform(Blake2xbPrng &, const std::vector<Modulus> &, size_t, uint64_t *) {
  throw std::logic_error("sample_poly_uniform not implemented");
}
void sample_poly_ternary(Blake2xbPrng &, const std::vector<Modulus> &, size_t, uint64_t *) {
  throw std::logic_error("sample_poly_ternary not implemented");
}
void sample_poly_cbd(Blake2xbPrng &, const std::vector<Modulus> &, size_t, uint64_t *) {
  throw std::logic_error("sample_poly_cbd not implemented");
}

}  // namespace cf::util
