#pragma once
// Hoisted key switching: one decomposition of c_1 shared by rotations with several Galois elements, each result
// bit-identical to SEAL 4.1's rotation of the same ciphertext (apply_galois_inplace followed by switch_key_inplace).
//
// Notation as in key_switch.h: L data primes q_0..q_{L-1}, the special prime P, key primes m_t (m_t = q_t for t < L,
// m_L = P), d_j = INTT_{q_j}(c_1 limb j) lifted to [0, q_j), sigma_g: X -> X^g.
//
// SEAL rotates first: its digit j is the lift to [0, q_j) of sigma_g(d_j) mod q_j. A coefficient that sigma_g moves
// with a sign flip (X^i -> -X^(ig mod 2N - N) when ig mod 2N >= N) becomes q_j - d (0 if d = 0), not -d. Permuting
// the NTT-form digits NTT_t(d_j mod m_t) would give -d mod m_t at those positions, which differs from SEAL's digit
// by q_j mod m_t. Hoisting removes the difference without any per-step NTT by decomposing shifted digits:
//
//   h_jt = q_j * 2^-1 mod m_t,   U = 1 + X + ... + X^(N-1),   D_jt = NTT_t((d_j - h_jt U) mod m_t).
//
// Both signs then work out: sigma_g(d - h) + h = d where the sign is kept and -(d - h) + h = q_j - d where it flips
// (2 h = q_j mod m_t). So SEAL's digit j under m_t for every g is
//
//   perm_g(D_jt) + h_jt * NTT_t(U)  -  (q_j mod m_t) * NTT_t(Z_jg)
//
// where perm_g is the Galois permutation of NTT-form vectors (no NTT) and Z_jg is the 0/1 polynomial of the flipped
// positions whose source coefficient of d_j is 0 (there SEAL keeps 0 but the shift gives q_j). Z_jg is empty except
// with probability about N / (2 q_j) per digit, so its NTTs are only computed when it is not. For t = j the digit is
// the rotated c_1 limb itself (h_jj = 0 and q_j = 0 mod q_j): no correction.
//
// Cost (N coefficients, L data primes): decompose = L inverse NTTs + L^2 forward NTTs (+ L + 1 NTTs of U), once; each
// step = L (L + 1) permuted multiply-accumulates of 2 key polynomials (plus one Shoup product per coefficient for the
// h_jt correction, shared by the two steps of a pass; no NTT) and one division by P (2 inverse + 2L forward NTTs). A
// single rotation costs a decomposition plus one step; k hoisted rotations cost one decomposition plus k steps.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cipherformer/ckks/context.h"
#include "cipherformer/ckks/keys.h"
#include "cipherformer/util/thread_pool.h"
#include "cipherformer/util/word_buffer.h"

namespace cf::ckks {

/// The shifted digits of one target polynomial, each in NTT form under every key-switching prime. Move-only: data is
/// L (L + 1) N words (9.4 MB at N = 16384 with 8 data primes, 63 MB at N = 32768 with 15), allocated once (huge pages,
/// see WordBuffer) and shared by every step.
struct HoistedDigits {
  size_t level = 0;
  /// L x (L + 1) polynomials of N words: D_jt at (j * (L + 1) + t) * N (t = L: the special prime P).
  util::WordBuffer data;
  /// L + 1 polynomials: NTT_t(U) with U the all-ones polynomial.
  util::WordBuffer all_ones;
  /// Per digit j: the coefficient indices i with d_j[i] = 0 (usually none).
  std::vector<std::vector<uint32_t>> zero_coefficients;

  const uint64_t *digit(size_t j, size_t t, size_t n) const noexcept {
    return data.get() + (j * (level + 2) + t) * n;
  }
};

/// Decomposes an NTT-form polynomial with level + 1 limbs into the shifted digits above (L inverse NTTs, L^2 forward
/// NTTs, L + 1 NTTs of U). Parallel over (digit, key prime) pairs on pool.
/// @throws std::invalid_argument if the context has no key switching or level is above the first data level.
HoistedDigits decompose_for_hoisting(const Context &context, size_t level, const uint64_t *target,
                                     util::ThreadPool &pool);

/// One key switch of apply_hoisted_key_switches: the Galois element g (odd, < 2N; 1 is the identity), its key, and
/// the outputs (NTT form, level + 1 limbs each) to add the result to.
struct HoistedKeySwitch {
  uint32_t galois_elt = 1;
  const KSwitchKeys *key = nullptr;
  uint64_t *c0 = nullptr;
  uint64_t *c1 = nullptr;
};

/// For every step: adds to c0 and c1 the key switch under `key` of sigma_g(target), where target is the polynomial
/// `digits` was made from, i.e. exactly switch_key(context, level, perm_g(target), key, c0, c1) (SEAL's bits),
/// without any NTT of the digits. Steps run two at a time (one pass over the digits serves both permutations), each
/// pass parallel over (key prime, chunk of coefficients) on pool. The outputs of different steps must not overlap.
/// All steps are checked before anything is written. Memory beyond digits: 4 N words for the special prime's rows of
/// two steps (reused), per thread the 128-bit sums of one chunk (N / 2 x 16 bytes) and one N-word temporary (both kept
/// for reuse), and (L + 1) N words per digit with a non-empty Z_jg (usually none).
/// @throws std::invalid_argument naming the value if digits are not a decomposition at their level, a Galois element
/// is even or >= 2N, a key is null or does not have first_level + 1 key-level parts.
void apply_hoisted_key_switches(const Context &context, const HoistedDigits &digits,
                                const std::vector<HoistedKeySwitch> &steps, util::ThreadPool &pool);

/// apply_hoisted_key_switches with one step.
void apply_hoisted_key_switch(const Context &context, const HoistedDigits &digits, uint32_t galois_elt,
                              const KSwitchKeys &key, uint64_t *c0, uint64_t *c1, util::ThreadPool &pool);

}  // namespace cf::ckks
