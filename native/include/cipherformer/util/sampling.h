#pragma once
// Sampling of polynomials in RNS form: dest holds moduli.size() limbs of n coefficients each, limb-major
// (dest[j * n + i] is coefficient i modulo moduli[j]), as SEAL stores them.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cipherformer/util/modulus.h"
#include "cipherformer/util/prng.h"

namespace cf::util {

/// Uniform coefficients in [0, q_j) for every limb, exactly as SEAL 4.1's sample_poly_uniform: the whole buffer is
/// first filled with PRNG output, then each limb's words are rejection-sampled against the largest multiple of q_j
/// that fits in 64 bits (rejected words are redrawn one uint64 at a time) and Barrett-reduced. A seeded object
/// therefore expands to the same polynomial here and in SEAL.
void sample_poly_uniform(Blake2xbPrng &prng, const std::vector<Modulus> &moduli, size_t n, uint64_t *dest);

/// Coefficients uniform in {-1, 0, 1} (the ternary secret-key distribution), the same integer in every limb
/// (-1 is stored as q_j - 1).
void sample_poly_ternary(Blake2xbPrng &prng, const std::vector<Modulus> &moduli, size_t n, uint64_t *dest);

/// Centered binomial coefficients (sum of 21 fair coin differences: mean 0, variance 10.5, std dev ~3.24, |e| <= 21),
/// SEAL's default error distribution for std dev 3.2; the same integer in every limb.
void sample_poly_cbd(Blake2xbPrng &prng, const std::vector<Modulus> &moduli, size_t n, uint64_t *dest);

}  // namespace cf::util
