#include "cipherformer/util/prng.h"

#include <stdexcept>

namespace cf::util {

// Stub: the real implementation lands next.
Blake2xbPrng::Blake2xbPrng(const PrngSeed &seed) : seed_(seed), buffer_pos_(0) {
  throw std::logic_error("Blake2xbPrng not implemented");
}
void Blake2xbPrng::generate(size_t, void *) { throw std::logic_error("not implemented"); }
uint64_t Blake2xbPrng::next_u64() { throw std::logic_error("not implemented"); }
void Blake2xbPrng::refill() { throw std::logic_error("not implemented"); }
PrngSeed os_random_seed() { throw std::logic_error("os_random_seed not implemented"); }

}  // namespace cf::util
