#pragma once
// RLWE building blocks shared by the key generator, the encryptor and the evaluator, following SEAL 4.1's util/rlwe.cpp
// and RNSTool::divide_and_round_q_last_ntt_inplace.

#include <cstddef>
#include <cstdint>
#include <functional>

#include "cipherformer/ckks/ciphertext.h"
#include "cipherformer/ckks/context.h"
#include "cipherformer/ckks/keys.h"
#include "cipherformer/util/prng.h"
#include "cipherformer/util/thread_pool.h"

namespace cf::ckks {

/// pool if not null, else util::default_thread_pool().
util::ThreadPool &pool_or_default(util::ThreadPool *pool) noexcept;

/// Forward NTT of limbs 0..limb_count-1 of an RNS polynomial (limb i under prime i), limb-parallel.
void ntt_forward_limbs(const Context &context, uint64_t *poly, size_t limb_count, util::ThreadPool &pool);
/// Inverse NTT of limbs 0..limb_count-1, limb-parallel.
void ntt_inverse_limbs(const Context &context, uint64_t *poly, size_t limb_count, util::ThreadPool &pool);

/// SEAL's encrypt_zero_symmetric in NTT form at `level`: a fresh OS-seeded PRNG draws a 64-byte public seed, c_1 = a =
/// sample_poly_uniform(Blake2xbPrng(seed)) taken directly as NTT values, e = sample_poly_cbd from the first PRNG,
/// c_0 = -(a * s + NTT(e)). Returns (c_0, c_1) with scale 1 and seed set.
Ciphertext encrypt_zero_symmetric(const Context &context, const SecretKey &secret_key, size_t level,
                                  util::ThreadPool &pool);

/// SEAL's util::encrypt_zero_asymmetric in NTT form at `level` (no modulus switch): u ternary, then e_0, e_1 from the
/// same OS-seeded PRNG; c_j = NTT(u) * pk_j + NTT(e_j), using the first level + 1 limbs of the key-level public key.
Ciphertext encrypt_zero_asymmetric(const Context &context, const PublicKey &public_key, size_t level,
                                   util::ThreadPool &pool);

/// SEAL's divide_and_round_q_last_ntt_inplace on one NTT-form polynomial with level + 1 limbs (level >= 1):
/// with r = (INTT(c_last) + floor(q_last / 2)) mod q_last, limb i < level becomes
/// (c_i - NTT_i((r - floor(q_last / 2)) mod q_i)) * q_last^-1 mod q_i, i.e. round(c / q_last). Limb `level` is left
/// clobbered; the result is the first `level` limbs.
void divide_and_round_q_last_ntt(const Context &context, size_t level, uint64_t *poly, util::ThreadPool &pool);

/// divide_and_round_q_last_ntt on poly_count polynomials at once, polynomial p starting at polys + p * poly_stride
/// (words); all of them are processed in one parallel loop. Same results as one call per polynomial.
void divide_and_round_q_last_ntt(const Context &context, size_t level, uint64_t *polys, size_t poly_count,
                                 size_t poly_stride, util::ThreadPool &pool);

/// Regenerates c_1 of a seeded ciphertext from ct.seed (what a SEAL loader does for a seeded object).
/// @throws std::invalid_argument if ct has no seed or the wrong data size.
void expand_seeded_c1(const Context &context, Ciphertext &ct);

}  // namespace cf::ckks
