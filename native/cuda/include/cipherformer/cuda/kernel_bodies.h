#pragma once
// The bodies of the CUDA kernels: what one thread does, given its index. The kernels in native/cuda/src/*.cu only
// compute the index (and, for the shared-memory NTT, stage the chunk and synchronize) and call these functions;
// native/tests/cuda_kernel_math_test.cpp calls the same functions from host loops that enumerate the indices of every
// launch, and compares the results with the CPU engine. So the data layout, index math and arithmetic of every kernel
// are tested on machines without a GPU; only the launch configuration and the synchronization are not.

#include <cstddef>
#include <cstdint>

#include "cipherformer/cuda/kernel_math.h"

namespace cf::cuda {

/// Device (or, in the emulation test, host) pointers to the NTT tables of all primes; prime p's arrays start at p * n.
struct DeviceNttTables {
  const uint64_t *root_operand;      // root_powers[bitrev(i)] = psi^i, Shoup operand
  const uint64_t *root_quotient;     // its Shoup quotient
  const uint64_t *inv_root_operand;  // inv_root_powers[bitrev(i - 1) + 1] = psi^-i
  const uint64_t *inv_root_quotient;
  const DevMulOperand *inv_n;        // n^-1 mod q_p
  const DevMulOperand *inv_n_w;      // n^-1 * psi^-(n/2) mod q_p
  const DevModulus *moduli;          // all key-level primes
  size_t n;
  int log_n;
};

/// Words per shared-memory NTT chunk (16 KiB); the chunk kernels run kNttChunk / 2 threads, one butterfly each per
/// stage, for the stages with gap <= kNttChunk / 2. Needs n >= 2 kNttChunk (the context's minimum is 4096).
constexpr size_t kNttChunk = 2048;
constexpr size_t kNttChunkThreads = kNttChunk / 2;

// ----- NTT -----

/// Butterfly k (< n / 2) of the forward stage with half-block size gap, on limb a under prime `prime`.
CF_HD void forward_stage_body(const DeviceNttTables &t, uint64_t *a, uint32_t prime, size_t gap, size_t k) {
  const unsigned log_gap = log2_pow2(gap);
  const ButterflyIndex bi = butterfly_index(k, log_gap);
  const size_t r = static_cast<size_t>(prime) * t.n + forward_root_index(t.n, log_gap, bi.block);
  forward_butterfly(a[bi.x], a[bi.y], t.root_operand[r], t.root_quotient[r], t.moduli[prime].value);
}

/// Two consecutive forward stages, gap = 2^log_gap and gap / 2 (log_gap >= 1), for quad k (< n / 4): words
/// x0, x0 + gap/2, x0 + gap, x0 + 3 gap/2 with x0 = 2 gap i + j, i = k / (gap/2), j = k % (gap/2). The first stage
/// pairs (x0, x0 + gap) and (x0 + gap/2, x0 + 3 gap/2) in block i; the second pairs (x0, x0 + gap/2) in block 2i and
/// (x0 + gap, x0 + 3 gap/2) in block 2i + 1. Same butterflies as two radix-2 stages, half the global memory passes.
CF_HD void forward_radix4_body(const DeviceNttTables &t, uint64_t *a, uint32_t prime, unsigned log_gap, size_t k) {
  const size_t half = size_t{1} << (log_gap - 1);
  const size_t i = k >> (log_gap - 1);
  const size_t x0 = (i << (log_gap + 1)) + (k & (half - 1));
  const size_t base = static_cast<size_t>(prime) * t.n;
  const uint64_t q = t.moduli[prime].value;
  const size_t r1 = base + forward_root_index(t.n, log_gap, i);
  forward_butterfly(a[x0], a[x0 + 2 * half], t.root_operand[r1], t.root_quotient[r1], q);
  forward_butterfly(a[x0 + half], a[x0 + 3 * half], t.root_operand[r1], t.root_quotient[r1], q);
  const size_t r2 = base + forward_root_index(t.n, log_gap - 1, 2 * i);
  forward_butterfly(a[x0], a[x0 + half], t.root_operand[r2], t.root_quotient[r2], q);
  forward_butterfly(a[x0 + 2 * half], a[x0 + 3 * half], t.root_operand[r2 + 1], t.root_quotient[r2 + 1], q);
}

/// Two consecutive inverse stages, gap = 2^log_gap and 2 gap (2 gap < n / 2), for quad k (< n / 4): words
/// x0 + {0, 1, 2, 3} gap with x0 = 4 gap i + j, i = k / gap, j = k % gap. The first stage pairs (x0, x0 + gap) in
/// block 2i and (x0 + 2 gap, x0 + 3 gap) in block 2i + 1; the second pairs (x0, x0 + 2 gap) and (x0 + gap, x0 + 3 gap)
/// in block i.
CF_HD void inverse_radix4_body(const DeviceNttTables &t, uint64_t *a, uint32_t prime, unsigned log_gap, size_t k) {
  const size_t gap = size_t{1} << log_gap;
  const size_t i = k >> log_gap;
  const size_t x0 = (i << (log_gap + 2)) + (k & (gap - 1));
  const size_t base = static_cast<size_t>(prime) * t.n;
  const uint64_t q = t.moduli[prime].value;
  const size_t r1 = base + inverse_root_index(t.n, log_gap, 2 * i);
  inverse_butterfly(a[x0], a[x0 + gap], t.inv_root_operand[r1], t.inv_root_quotient[r1], q);
  inverse_butterfly(a[x0 + 2 * gap], a[x0 + 3 * gap], t.inv_root_operand[r1 + 1], t.inv_root_quotient[r1 + 1], q);
  const size_t r2 = base + inverse_root_index(t.n, log_gap + 1, i);
  inverse_butterfly(a[x0], a[x0 + 2 * gap], t.inv_root_operand[r2], t.inv_root_quotient[r2], q);
  inverse_butterfly(a[x0 + gap], a[x0 + 3 * gap], t.inv_root_operand[r2], t.inv_root_quotient[r2], q);
}

/// Butterfly tid of a forward stage with gap <= kNttChunkThreads on chunk c, held in s (s[0] = word c * kNttChunk).
CF_HD void forward_chunk_body(const DeviceNttTables &t, uint64_t *s, uint32_t prime, size_t c, size_t gap,
                              size_t tid) {
  const unsigned log_gap = log2_pow2(gap);
  const ButterflyIndex bi = butterfly_index(c * kNttChunkThreads + tid, log_gap);
  const size_t r = static_cast<size_t>(prime) * t.n + forward_root_index(t.n, log_gap, bi.block);
  forward_butterfly(s[bi.x - c * kNttChunk], s[bi.y - c * kNttChunk], t.root_operand[r], t.root_quotient[r],
                    t.moduli[prime].value);
}

/// Butterfly tid of an inverse stage with gap <= kNttChunkThreads on chunk c, held in s.
CF_HD void inverse_chunk_body(const DeviceNttTables &t, uint64_t *s, uint32_t prime, size_t c, size_t gap,
                              size_t tid) {
  const unsigned log_gap = log2_pow2(gap);
  const ButterflyIndex bi = butterfly_index(c * kNttChunkThreads + tid, log_gap);
  const size_t r = static_cast<size_t>(prime) * t.n + inverse_root_index(t.n, log_gap, bi.block);
  inverse_butterfly(s[bi.x - c * kNttChunk], s[bi.y - c * kNttChunk], t.inv_root_operand[r], t.inv_root_quotient[r],
                    t.moduli[prime].value);
}

/// Butterfly k of the inverse stage with half-block size gap (kNttChunkThreads < gap < n / 2).
CF_HD void inverse_stage_body(const DeviceNttTables &t, uint64_t *a, uint32_t prime, size_t gap, size_t k) {
  const unsigned log_gap = log2_pow2(gap);
  const ButterflyIndex bi = butterfly_index(k, log_gap);
  const size_t r = static_cast<size_t>(prime) * t.n + inverse_root_index(t.n, log_gap, bi.block);
  inverse_butterfly(a[bi.x], a[bi.y], t.inv_root_operand[r], t.inv_root_quotient[r], t.moduli[prime].value);
}

/// Butterfly k of the last inverse stage (gap n / 2), with the factor 1/n.
CF_HD void inverse_last_body(const DeviceNttTables &t, uint64_t *a, uint32_t prime, size_t k) {
  inverse_last_butterfly(a[k], a[k + t.n / 2], t.inv_n[prime], t.inv_n_w[prime], t.moduli[prime].value);
}

// ----- coefficient-wise -----

enum class BinaryOp { kAdd, kSub, kMultiply };

/// Word idx of `a op other`: a's limb b = idx / n, other's limb b % other_limbs.
CF_HD void binary_body(BinaryOp op, uint64_t *a, const uint64_t *other, size_t other_limbs, size_t n, LimbPrimes map,
                       const DevModulus *moduli, size_t idx) {
  const size_t b = idx / n;
  const size_t i = idx - b * n;
  const DevModulus q = moduli[limb_prime(map, b)];
  const uint64_t y = other[(b % other_limbs) * n + i];
  const uint64_t x = a[idx];
  a[idx] = op == BinaryOp::kAdd ? add_mod(x, y, q) : op == BinaryOp::kSub ? sub_mod(x, y, q) : multiply_mod(x, y, q);
}

CF_HD void negate_body(uint64_t *out, const uint64_t *in, size_t n, LimbPrimes map, const DevModulus *moduli,
                       size_t idx) {
  out[idx] = negate_mod(in[idx], moduli[limb_prime(map, idx / n)]);
}

/// Word idx of out_r = sum_{p + q = r} a_p * b_q: each product reduced, then added mod q (the CPU's dyadic multiply
/// followed by add, in the same order).
CF_HD void tensor_body(uint64_t *out, const uint64_t *a, size_t a_size, const uint64_t *b, size_t b_size, size_t k,
                       size_t n, const DevModulus *moduli, size_t idx) {
  const size_t limb = idx / n;
  const size_t i = idx - limb * n;
  const size_t r = limb / k;
  const size_t prime = limb - r * k;
  const DevModulus q = moduli[prime];
  const size_t p_first = r >= b_size ? r - (b_size - 1) : 0;
  const size_t p_last = r < a_size - 1 ? r : a_size - 1;
  uint64_t sum = 0;
  for (size_t p = p_first; p <= p_last; ++p) {
    const uint64_t x = a[(p * k + prime) * n + i];
    const uint64_t y = b[((r - p) * k + prime) * n + i];
    sum = add_mod(sum, multiply_mod(x, y, q), q);
  }
  out[idx] = sum;
}

/// out[b][i] = in[b][perm[i]].
CF_HD void permute_body(uint64_t *out, const uint64_t *in, size_t n, const uint32_t *perm, size_t idx) {
  const size_t b = idx / n;
  out[idx] = in[b * n + perm[idx - b * n]];
}

// ----- key switching -----

/// Word idx of the digit array: digits[(j (L + 1) + t) n + i] = coeffs[j n + i] mod m_t.
CF_HD void decompose_body(uint64_t *digits, const uint64_t *coeffs, size_t data_primes, size_t n, uint32_t special,
                          const DevModulus *moduli, size_t idx) {
  const size_t key_limbs = data_primes + 1;
  const size_t limb = idx / n;
  const size_t i = idx - limb * n;
  const size_t j = limb / key_limbs;
  const size_t t = limb - j * key_limbs;
  const DevModulus m = moduli[t < data_primes ? t : special];
  digits[idx] = barrett_reduce_64(coeffs[j * n + i], m);
}

/// Inputs of the key-switching inner product.
struct InnerProductArgs {
  uint64_t *acc;                 // out: 2 x (L + 1) limbs: acc[(c (L + 1) + t) n + i]
  const uint64_t *digits;        // L x (L + 1) limbs, NTT form
  const uint64_t *key;           // DeviceKSwitchKey::data: ((j 2 + c) K + prime) n + i
  size_t data_primes;            // L
  size_t key_primes_total;       // K (all primes of the context)
  uint32_t special;              // K - 1
  size_t n;
  const DevModulus *moduli;
  const uint32_t *perm;          // null: no Galois permutation of the digits
  // Hoisting correction (null: none): W polynomial of digit j under key prime t at
  // correction + (correction_index[j] (L + 1) + t) n; added as (q_j mod m_t) * W for t != j.
  const uint64_t *correction;
  const uint32_t *correction_index;
  const DevMulOperand *qj_mod_p;  // (q_j mod q_p) Shoup-prepared for q_p at j K + p
};

/// Coefficient idx = t n + i (t <= L) of acc_c,t = sum_j digit'_j,t * K_j,c,t mod m_t for c = 0, 1, with 128-bit
/// accumulation and one Barrett reduction (the CPU's switch_key / apply_key_switch).
CF_HD void inner_product_body(const InnerProductArgs &a, size_t idx) {
  const size_t n = a.n;
  const size_t key_limbs = a.data_primes + 1;
  const size_t t = idx / n;
  const size_t i = idx - t * n;
  const uint32_t prime = t < a.data_primes ? static_cast<uint32_t>(t) : a.special;
  const DevModulus m = a.moduli[prime];
  const size_t source = a.perm != nullptr ? a.perm[i] : i;
  U128 sum0{0, 0};
  U128 sum1{0, 0};
  for (size_t j = 0; j < a.data_primes; ++j) {
    uint64_t d = a.digits[(j * key_limbs + t) * n + source];
    if (a.correction != nullptr && t != j) {
      const uint64_t w = a.correction[(static_cast<size_t>(a.correction_index[j]) * key_limbs + t) * n + i];
      d = corrected_digit(d, w, a.qj_mod_p[j * a.key_primes_total + prime], m);
    }
    multiply_accumulate(sum0, d, a.key[((j * 2 + 0) * a.key_primes_total + prime) * n + i]);
    multiply_accumulate(sum1, d, a.key[((j * 2 + 1) * a.key_primes_total + prime) * n + i]);
  }
  a.acc[t * n + i] = barrett_reduce_128(sum0.lo, sum0.hi, m);
  a.acc[(key_limbs + t) * n + i] = barrett_reduce_128(sum1.lo, sum1.hi, m);
}

/// Word idx (< count n) of the limbs data + b * stride: v = (v + floor(q / 2)) mod q.
CF_HD void add_half_body(uint64_t *data, size_t stride, size_t n, uint32_t prime, const DevModulus *moduli,
                         size_t idx) {
  const size_t b = idx / n;
  const DevModulus q = moduli[prime];
  uint64_t &v = data[b * stride + (idx - b * n)];
  v = add_mod(v, q.value >> 1, q);
}

/// Word idx of temp[(p L + i) n + j] = (last_p[j] mod q_i - floor(q_last / 2) mod q_i) mod q_i.
CF_HD void divide_round_temp_body(uint64_t *temp, const uint64_t *last, size_t last_stride, size_t data_primes,
                                  size_t n, uint32_t last_prime, const DevModulus *moduli, size_t idx) {
  const size_t limb = idx / n;
  const size_t j = idx - limb * n;
  const size_t p = limb / data_primes;
  const size_t i = limb - p * data_primes;
  const DevModulus q = moduli[i];
  const uint64_t half_mod = barrett_reduce_64(moduli[last_prime].value >> 1, q);
  temp[idx] = sub_mod(barrett_reduce_64(last[p * last_stride + j], q), half_mod, q);
}

/// Word idx (p, i, j) of out_p,i = (in_p,i - temp_p,i) * q_last^-1 mod q_i (or out_p,i += that).
CF_HD void divide_round_finish_body(uint64_t *out, size_t out_stride, const uint64_t *in, size_t in_stride,
                                    const uint64_t *temp, size_t data_primes, size_t n,
                                    const DevMulOperand *inv_last, const DevModulus *moduli, bool accumulate,
                                    size_t idx) {
  const size_t limb = idx / n;
  const size_t j = idx - limb * n;
  const size_t p = limb / data_primes;
  const size_t i = limb - p * data_primes;
  const DevModulus q = moduli[i];
  const size_t offset = i * n + j;
  const uint64_t v = divide_round_output(in[p * in_stride + offset], temp[idx], inv_last[i], q);
  uint64_t &o = out[p * out_stride + offset];
  o = accumulate ? add_mod(o, v, q) : v;
}

/// Word idx = j n + e: marks z[idx] = 1 and flags[j] = 1 where output e of the automorphism is negated and its source
/// coefficient of digit j is 0 (the Z_j of the hoisting sign correction).
CF_HD void zero_marks_body(uint64_t *z, uint32_t *flags, const uint64_t *coeffs, const uint32_t *source, size_t n,
                           size_t idx) {
  const size_t j = idx / n;
  const size_t e = idx - j * n;
  const uint32_t s = source[e];
  if (s != 0xFFFFFFFFu && coeffs[j * n + s] == 0) {
    z[idx] = 1;
    flags[j] = 1;  // on the device a benign race: every writer stores 1
  }
}

/// Word idx of w (key_limbs copies of NEG - Z_j; Z_j marks a subset of NEG, so the result is 0/1).
CF_HD void fix_polys_body(uint64_t *w, const uint64_t *neg, const uint64_t *z, size_t n, size_t idx) {
  const size_t i = idx % n;
  w[idx] = neg[i] - z[i];
}

}  // namespace cf::cuda
