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

/// Tail cut of sample_discrete_gaussian in standard deviations: |x| <= ceil(13 sigma). The discrete Gaussian puts
/// mass below 2^-120 beyond it, so the cut changes the distribution by less than 2^-120 in statistical distance.
constexpr double kGaussianTailCut = 13.0;

/// Largest sigma accepted by the discrete Gaussian samplers: 13 sigma <= 2^52, so every candidate and its square are
/// exact in double precision (and far inside int64).
constexpr double kMaxGaussianSigma = 4503599627370496.0 / kGaussianTailCut;

/// n integers from the discrete Gaussian D_{Z,sigma} (Pr[x] proportional to exp(-x^2 / (2 sigma^2)), mean 0, standard
/// deviation ~sigma for sigma >= 1), cut at |x| <= ceil(kGaussianTailCut * sigma). Rejection sampling: x uniform on
/// [-T, T] (unbiased, by rejection on 64-bit words), accepted with probability exp(-x^2 / (2 sigma^2)) against a
/// 53-bit uniform; about 10 candidates per sample. Used for noise flooding, where sigma is large (2^10 .. 2^40).
/// @throws std::invalid_argument naming sigma unless 0 < sigma <= kMaxGaussianSigma.
void sample_discrete_gaussian(Blake2xbPrng &prng, double sigma, size_t n, int64_t *dest);

/// sample_discrete_gaussian's integers written into every limb as residues mod q_j (-x as q_j - x).
/// The caller keeps the noise small against the product of the moduli. @throws std::invalid_argument as
/// sample_discrete_gaussian.
void sample_poly_discrete_gaussian(Blake2xbPrng &prng, double sigma, const std::vector<Modulus> &moduli, size_t n,
                                   uint64_t *dest);

}  // namespace cf::util
