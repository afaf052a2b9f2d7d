#pragma once
// Launchers of the CUDA kernels (implemented in *.cu). Plain C++ declarations over raw device pointers, so the host
// side (device_evaluator.cpp) compiles with the C++ compiler. Every launcher enqueues work on the legacy default
// stream and returns at once; launch errors throw CudaError.

#include <cstddef>
#include <cstdint>

#include "cipherformer/cuda/device_context.h"
#include "cipherformer/cuda/kernel_bodies.h"

namespace cf::cuda::kernels {

/// Forward NTT in place of `count` limbs of n words (limb b at data + b * stride, prime limb_prime(map, b)).
/// Input in [0, 4q), output in [0, q). Needs n >= 4096.
void ntt_forward(const DeviceNttTables &tables, uint64_t *data, size_t count, size_t stride, LimbPrimes map);
/// Inverse NTT (with 1/n) in place; input in [0, 2q), output in [0, q). Needs n >= 4096.
void ntt_inverse(const DeviceNttTables &tables, uint64_t *data, size_t count, size_t stride, LimbPrimes map);

using cf::cuda::BinaryOp;
/// a[b] = a[b] op other[b % other_limbs] for limbs b < limbs (contiguous, n words each), prime limb_prime(map, b).
void binary_limbs(BinaryOp op, uint64_t *a, const uint64_t *other, size_t limbs, size_t other_limbs, size_t n,
                  LimbPrimes map, const DevModulus *moduli);
/// a = -a for `limbs` contiguous limbs.
void negate_limbs(uint64_t *a, size_t limbs, size_t n, LimbPrimes map, const DevModulus *moduli);
/// out[b] = -in[b] (out-of-place negate).
void negate_limbs_to(uint64_t *out, const uint64_t *in, size_t limbs, size_t n, LimbPrimes map,
                     const DevModulus *moduli);
/// out_r = sum_{p + q = r} a_p * b_q (dyadic, per limb) for r < a_size + b_size - 1; k limbs per polynomial.
void tensor_product(uint64_t *out, const uint64_t *a, size_t a_size, const uint64_t *b, size_t b_size, size_t k,
                    size_t n, const DevModulus *moduli);
/// out[b][i] = in[b][perm[i]] for `limbs` contiguous limbs (out must not alias in).
void permute_limbs(uint64_t *out, const uint64_t *in, size_t limbs, size_t n, const uint32_t *perm);
/// Copies `rows` blocks of `words` words from src (rows src_pitch apart) to dst (rows dst_pitch apart).
void copy_rows(uint64_t *dst, size_t dst_pitch, const uint64_t *src, size_t src_pitch, size_t words, size_t rows);
/// True iff any of the `words` words is non-zero (waits for the result).
bool any_nonzero(const uint64_t *data, size_t words);

/// Key-switching decomposition: digits[(j (L + 1) + t) n + i] = coeffs[j n + i] mod m_t for j < L, t <= L, where
/// m_t = q_t for t < L and the special prime for t = L.
void decompose_digits(uint64_t *digits, const uint64_t *coeffs, size_t data_primes, size_t n, uint32_t special,
                      const DevModulus *moduli);

using cf::cuda::InnerProductArgs;
/// acc_c,t = sum_j digit'_j,t * K_j,c,t mod m_t (128-bit accumulation, one Barrett reduction).
void key_switch_inner_product(const InnerProductArgs &args);

/// v = (v + floor(q / 2)) mod q for `count` limbs of n words at data + b * stride, all under prime `prime`.
void add_half_limbs(uint64_t *data, size_t count, size_t stride, size_t n, uint32_t prime, const DevModulus *moduli);
/// temp[(p L + i) n + j] = (last_p[j] mod q_i - floor(q_last / 2) mod q_i) mod q_i, last_p = last + p * last_stride.
void divide_round_temp(uint64_t *temp, const uint64_t *last, size_t last_stride, size_t polys, size_t data_primes,
                       size_t n, uint32_t last_prime, const DevModulus *moduli);
/// out_p,i = (in_p,i - temp_p,i) * inv_last[i] mod q_i (accumulate: out_p,i += that instead), polynomial p of in at
/// in + p * in_stride and of out at out + p * out_stride.
void divide_round_finish(uint64_t *out, size_t out_stride, const uint64_t *in, size_t in_stride,
                         const uint64_t *temp, size_t polys, size_t data_primes, size_t n,
                         const DevMulOperand *inv_last, const DevModulus *moduli, bool accumulate);

/// Hoisting zero fix detection: for digit j < L (coefficient form, coeffs + j n), marks z[j n + e] = 1 where output
/// position e of the automorphism is negated (source[e] != UINT32_MAX) and the source coefficient is 0, and sets
/// flags[j] = 1 if any; z and flags must be zeroed first. source[e] = the input index mapped to -X^e, or UINT32_MAX.
void hoisting_zero_marks(uint64_t *z, uint32_t *flags, const uint64_t *coeffs, const uint32_t *source,
                         size_t data_primes, size_t n);
/// w[t] = neg - z (0/1 polynomial) replicated for t <= L into (L + 1) limbs at w (coefficient form).
void hoisting_fix_polys(uint64_t *w, const uint64_t *neg, const uint64_t *z, size_t key_limbs, size_t n);

}  // namespace cf::cuda::kernels
