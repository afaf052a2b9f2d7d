#pragma once
// Key switching as SEAL 4.1's Evaluator::switch_key_inplace. The hoisted variant (one decomposition shared by several
// rotations) is in hoisted_key_switch.h and shares the final division by P (mod_down_and_add).
//
// With L = level + 1 data primes q_0..q_{L-1}, the special prime P and key-switching key parts K_j = (K_j0, K_j1):
//   d_j = INTT_{q_j}(target_j) as integers in [0, q_j)                       (the digits)
//   acc_c = sum_j d_j * K_jc  computed modulo every prime of {q_0..q_{L-1}, P} in NTT form
//   r_c = (INTT_P(acc_c mod P) + floor(P/2)) mod P
//   out_c,i += (acc_c mod q_i - NTT_i((r_c - floor(P/2)) mod q_i)) * P^-1  mod q_i     (rounded division by P)

#include <cstddef>
#include <cstdint>

#include "cipherformer/ckks/context.h"
#include "cipherformer/ckks/keys.h"
#include "cipherformer/util/thread_pool.h"

namespace cf::ckks {

/// The whole of switch_key_inplace for one target (no hoisting): adds the key switch of target (NTT form, level + 1
/// limbs) under `key` to c0 and c1. Each digit is NTT'd under each key prime and multiply-accumulated right away (per
/// key prime t: for j < L: acc_c,t += NTT_t(d_j mod m_t) * K_jc,t), so the L x (L + 1) digit array is never stored.
/// Same bits as decompose_for_hoisting + apply_hoisted_key_switch with Galois element 1.
/// @throws std::invalid_argument if the context has no key switching, level is above the first data level, or the key
/// does not have first_level + 1 key-level parts.
void switch_key(const Context &context, size_t level, const uint64_t *target, const KSwitchKeys &key, uint64_t *c0,
                uint64_t *c1, util::ThreadPool &pool);

/// Checks that key switching is possible at level. @throws std::invalid_argument naming the value if the context has
/// no key switching or level is above the first data level.
void check_key_switch_level(const Context &context, size_t level);

/// The rounded division by P that ends key switching (second half of SEAL's switch_key_inplace): acc holds
/// 2 x (L + 1) polynomials (c = 0, 1; key prime t = 0..L, the special prime last), NTT form, fully reduced; adds
/// (acc_c - NTT((INTT_P(acc_c,L) + floor(P/2)) mod P - floor(P/2))) * P^-1 mod q_i to c0 / c1 limb i. The special
/// prime's rows of acc are used as scratch (overwritten). Uses one N-word buffer per thread, kept for reuse.
void mod_down_and_add(const Context &context, size_t data_primes, uint64_t *acc, uint64_t *c0, uint64_t *c1,
                      util::ThreadPool &pool);

/// The part of mod_down_and_add that needs the special prime: p0, p1 hold acc_0 mod P and acc_1 mod P (NTT form, N
/// words each; overwritten). Subtracts NTT_i((((INTT_P(p_c) + floor(P/2)) mod P) - floor(P/2)) mod q_i) * P^-1 from
/// limb i of c0 (c = 0) and c1 (c = 1). Together with adding acc_c,i * P^-1 mod q_i to limb i of c_c (before or
/// after: the sum is exact modular arithmetic, so the bits equal mod_down_and_add's) this is the rounded division by
/// P; a caller can add that part while the products are still in cache and keep only the special prime's rows.
void subtract_special_prime_part(const Context &context, size_t data_primes, uint64_t *p0, uint64_t *p1, uint64_t *c0,
                                 uint64_t *c1, util::ThreadPool &pool);

}  // namespace cf::ckks
