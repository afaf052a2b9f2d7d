#pragma once
// A CKKS ciphertext in SEAL's memory layout.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "cipherformer/util/prng.h"

namespace cf::ckks {

/// A ciphertext (c_0, ..., c_{size-1}) decrypting to c_0 + c_1 s + ... + c_{size-1} s^{size-1}.
/// data holds size polynomials of (level + 1) limbs of N coefficients: polynomial-major, then limb, then coefficient,
/// i.e. data[(p * (level + 1) + i) * N + j] is coefficient j of polynomial p modulo prime i (SEAL's layout).
struct Ciphertext {
  size_t level = 0;
  size_t size = 2;
  double scale = 1.0;
  /// Always true for CKKS (SEAL stores CKKS ciphertexts in NTT form).
  bool is_ntt_form = true;
  std::vector<uint64_t> data;
  /// Present iff c_1 is exactly sample_poly_uniform(Blake2xbPrng(*seed), moduli(level), N) (a fresh symmetric
  /// encryption or a key): SEAL then may serialize c_1 as the seed alone. Every evaluator operation clears it.
  std::optional<util::PrngSeed> seed;

  /// Polynomial p (all its limbs).
  uint64_t *poly(size_t p, size_t n) noexcept { return data.data() + p * (level + 1) * n; }
  const uint64_t *poly(size_t p, size_t n) const noexcept { return data.data() + p * (level + 1) * n; }
  /// Limb i of polynomial p.
  uint64_t *limb(size_t p, size_t i, size_t n) noexcept { return data.data() + (p * (level + 1) + i) * n; }
  const uint64_t *limb(size_t p, size_t i, size_t n) const noexcept {
    return data.data() + (p * (level + 1) + i) * n;
  }
};

}  // namespace cf::ckks
