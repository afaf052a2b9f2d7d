#pragma once
// Noise flooding of a decrypted CKKS plaintext (the mitigation of Li-Micciancio key recovery, EUROCRYPT 2021).
//
// A CKKS decryption is m + e, not m: whoever holds the ciphertext (c_0, c_1) and the decoded value computes
// s = (m + e - c_0) / c_1 in R_q. Adding a fresh Gaussian e_f to the decrypted polynomial before anything is decoded
// and released makes the released value m + e + e_f; when sigma_f is large against e, m + e + e_f is statistically
// close to m + e_f whatever e was, so it says (almost) nothing about e and hence about s. SEAL has no such function.

#include "cipherformer/ckks/context.h"
#include "cipherformer/ckks/plaintext.h"
#include "cipherformer/util/prng.h"

namespace cf::ckks {

/// plain <- plain + e_f with e_f a fresh discrete Gaussian polynomial (coefficients D_{Z,sigma}, independent, the same
/// integer in every RNS limb) added in NTT form, i.e. the coefficient-form polynomial gains exactly e_f. Scale and
/// level are unchanged, so decoding gives the slots plus e_f's canonical embedding / scale (per real slot part a
/// Gaussian of standard deviation about sigma * sqrt(N / 2) / scale).
/// @throws std::invalid_argument naming the value if plain is malformed, sigma is not in (0, kMaxGaussianSigma], or
///         13 sigma is not below a quarter of the level's modulus product (the noise would wrap around it).
void add_flooding_noise(const Context &context, Plaintext &plain, double sigma, util::Blake2xbPrng &prng);

/// As above with a PRNG freshly seeded from the operating system's CSPRNG (getrandom).
void add_flooding_noise(const Context &context, Plaintext &plain, double sigma);

}  // namespace cf::ckks
