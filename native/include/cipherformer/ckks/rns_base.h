#pragma once
// Chinese-remainder composition and decomposition over a basis of word-sized primes q_0..q_{k-1}: the bridge between
// a multi-precision integer (k little-endian 64-bit words) and its RNS residues. Used by the encoder for values wider
// than 128 bits and by the decoder, as SEAL's RNSBase::decompose / compose_array.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cipherformer/util/modulus.h"

namespace cf::ckks {

/// A CRT basis with the precomputed punctured products Q/q_i and their inverses (Q/q_i)^-1 mod q_i.
class RnsBase {
 public:
  /// @throws std::invalid_argument if moduli is empty (the moduli are assumed pairwise coprime).
  explicit RnsBase(std::vector<util::Modulus> moduli);

  size_t size() const noexcept { return moduli_.size(); }
  const std::vector<util::Modulus> &moduli() const noexcept { return moduli_; }
  /// Q = prod q_i as size() little-endian words.
  const std::vector<uint64_t> &product() const noexcept { return product_; }
  /// Number of significant bits of Q.
  int product_bit_count() const noexcept { return product_bit_count_; }
  /// ceil(Q / 2) = (Q + 1) / 2 as size() words: composed values at or above it represent negative integers.
  const std::vector<uint64_t> &upper_half_threshold() const noexcept { return upper_half_threshold_; }

  /// value = the unique integer in [0, Q) with value = residues[i] mod q_i (residues[i] in [0, q_i)):
  /// value = sum_i [residues[i] * (Q/q_i)^-1 mod q_i] * (Q/q_i) mod Q. Writes size() words.
  void compose(const uint64_t *residues, uint64_t *value) const;

  /// residues[i] = value mod q_i for a size()-word integer value (any value, not only < Q).
  void decompose(const uint64_t *value, uint64_t *residues) const;

 private:
  std::vector<util::Modulus> moduli_;
  std::vector<uint64_t> product_;
  std::vector<uint64_t> upper_half_threshold_;
  int product_bit_count_ = 0;
  std::vector<std::vector<uint64_t>> punctured_products_;  // Q / q_i, size() words each
  std::vector<util::MulOperand> inv_punctured_;            // (Q / q_i)^-1 mod q_i
};

}  // namespace cf::ckks
