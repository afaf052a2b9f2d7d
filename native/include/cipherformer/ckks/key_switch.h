#pragma once
// Key switching as SEAL 4.1's Evaluator::switch_key_inplace, split in two halves so that the expensive first half (the
// per-prime decomposition of the target polynomial and its NTTs under every key prime) can be shared by several
// rotations (hoisting).
//
// With L = level + 1 data primes q_0..q_{L-1}, the special prime P and key-switching key parts K_j = (K_j0, K_j1):
//   d_j = INTT_{q_j}(target_j) as integers in [0, q_j)                       (the digits)
//   acc_c = sum_j d_j * K_jc  computed modulo every prime of {q_0..q_{L-1}, P} in NTT form
//   r_c = (INTT_P(acc_c mod P) + floor(P/2)) mod P
//   out_c,i += (acc_c mod q_i - NTT_i((r_c - floor(P/2)) mod q_i)) * P^-1  mod q_i     (rounded division by P)

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "cipherformer/ckks/context.h"
#include "cipherformer/ckks/keys.h"
#include "cipherformer/util/thread_pool.h"

namespace cf::ckks {

/// The digits of one target polynomial, each in NTT form under every key-switching prime.
struct KeySwitchDigits {
  size_t level = 0;
  /// L x (L + 1) polynomials of N words: digit j under prime t (t < L: q_t, t = L: the special prime P).
  std::vector<uint64_t> data;
  /// L polynomials of N words: digit j in coefficient form, in [0, q_j) (needed to make hoisted rotations exact).
  std::vector<uint64_t> coefficients;

  const uint64_t *digit(size_t j, size_t t, size_t n) const noexcept {
    return data.data() + (j * (level + 2) + t) * n;
  }
  uint64_t *digit(size_t j, size_t t, size_t n) noexcept { return data.data() + (j * (level + 2) + t) * n; }
};

/// What turns hoisted digits into SEAL's digits for one Galois element g.
///
/// SEAL decomposes the rotated c_1: its digit j is sigma_g(d_j) lifted to [0, q_j). Permuting the NTT-form digits of
/// c_1 instead gives sigma_g(d_j) with the automorphism's signs, i.e. -a (not q_j - a) at the output positions that
/// receive a negated coefficient a != 0. The two differ by q_j * (NEG - Z_j), where NEG is the 0/1 polynomial of the
/// negated output positions (depends on g only) and Z_j marks those of them whose source coefficient of d_j is 0
/// (rare: probability about 1/q_j per coefficient). Adding (q_j mod m_t) * NTT_t(NEG - Z_j) to every permuted digit
/// under key prime t makes hoisting bit-identical to SEAL's rotate (the term vanishes for t = j).
struct HoistingCorrection {
  /// (L + 1) polynomials: NTT_t(NEG) under each key-switching prime t.
  std::vector<uint64_t> negated;
  /// For the digits j with a non-empty Z_j: (L + 1) polynomials NTT_t(Z_j). Usually empty.
  std::vector<std::pair<size_t, std::vector<uint64_t>>> zero_fixes;
};

/// Computes the correction for Galois element galois_elt (odd, < 2N) and the given digits.
HoistingCorrection hoisting_correction(const Context &context, const KeySwitchDigits &digits, uint32_t galois_elt,
                                       util::ThreadPool &pool);

/// The whole of switch_key_inplace for one target (no hoisting): adds the key switch of target (NTT form, level + 1
/// limbs) under `key` to c0 and c1. Same result, bit for bit, as decompose_for_key_switch followed by apply_key_switch
/// without a permutation, but each digit is NTT'd under each key prime and multiply-accumulated right away (per key
/// prime t: for j < L: acc_c,t += NTT_t(d_j mod m_t) * K_jc,t), so the L x (L + 1) digit array is never stored.
/// @throws std::invalid_argument if the context has no key switching, level is above the first data level, or the key
/// does not have first_level + 1 key-level parts.
void switch_key(const Context &context, size_t level, const uint64_t *target, const KSwitchKeys &key, uint64_t *c0,
                uint64_t *c1, util::ThreadPool &pool);

/// Decomposes an NTT-form polynomial with level + 1 limbs into its digits (first half of switch_key_inplace).
/// @throws std::invalid_argument if the context has no key switching or level is above the first data level.
KeySwitchDigits decompose_for_key_switch(const Context &context, size_t level, const uint64_t *target,
                                         util::ThreadPool &pool);

/// Second half of switch_key_inplace: multiplies the digits (each permuted by `permutation` first when it is not null,
/// digit'[i] = digit[permutation[i]], i.e. the Galois automorphism applied in NTT form) with the key parts, divides by
/// P with rounding and adds the result to c0 and c1 (NTT form, level + 1 limbs each). With a permutation, pass the
/// hoisting_correction of the same Galois element to get exactly SEAL's result for the rotated target (null: the plain
/// permuted digits, which decrypt the same but are not SEAL's bits).
/// @throws std::invalid_argument naming the value if the key does not have first_level + 1 key-level parts.
void apply_key_switch(const Context &context, const KeySwitchDigits &digits, const KSwitchKeys &key,
                      const uint32_t *permutation, const HoistingCorrection *correction, uint64_t *c0, uint64_t *c1,
                      util::ThreadPool &pool);

}  // namespace cf::ckks
