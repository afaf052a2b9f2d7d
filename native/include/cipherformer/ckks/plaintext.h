#pragma once
// A CKKS plaintext in SEAL's memory layout.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cf::ckks {

/// An encoded message: one polynomial over the primes of its level, in NTT form (as every CKKS plaintext in SEAL).
/// data holds (level + 1) limbs of N coefficients, limb-major: data[i * N + j] is coefficient j modulo prime i.
struct Plaintext {
  size_t level = 0;
  /// The scale Delta: the message m is encoded as round(Delta * m).
  double scale = 1.0;
  bool is_ntt_form = true;
  std::vector<uint64_t> data;

  /// Limb i (N coefficients modulo prime i).
  uint64_t *limb(size_t i, size_t n) noexcept { return data.data() + i * n; }
  const uint64_t *limb(size_t i, size_t n) const noexcept { return data.data() + i * n; }
};

}  // namespace cf::ckks
