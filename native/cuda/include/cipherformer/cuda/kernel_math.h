#pragma once
// Per-element arithmetic of the CUDA kernels, written once for host and device.
//
// Every kernel in native/cuda/src is a thin loop around these functions, and
// native/tests/cuda_kernel_math_test.cpp runs the very same functions on the host (with the kernels' thread-index
// mapping emulated by loops) against the CPU engine. That is how the index math and the reductions are checked on a
// machine without a GPU.
//
// The reductions are the CPU engine's (native/include/cipherformer/util/modulus.h, itself SEAL 4.1's): Barrett with
// floor(2^128 / q) and Shoup products with precomputed quotients. Every public result is the canonical residue in
// [0, q), so the device output is bit-identical to the CPU output whenever the exact modular value is the same.

#include <cstddef>
#include <cstdint>

#if defined(__CUDACC__)
#define CF_HD __host__ __device__ __forceinline__
#else
#define CF_HD inline
#endif

namespace cf::cuda {

/// A modulus q < 2^61 with floor(2^128 / q) = ratio1 * 2^64 + ratio0 (SEAL's const_ratio words 0 and 1).
struct DevModulus {
  uint64_t value;
  uint64_t ratio0;
  uint64_t ratio1;
};

/// A Shoup-prepared constant: quotient = floor(operand * 2^64 / q).
struct DevMulOperand {
  uint64_t operand;
  uint64_t quotient;
};

/// High word of the 128-bit product a * b.
CF_HD uint64_t mul_hi64(uint64_t a, uint64_t b) {
#if defined(__CUDA_ARCH__)
  return __umul64hi(a, b);
#else
  __extension__ typedef unsigned __int128 u128;
  return static_cast<uint64_t>((static_cast<u128>(a) * b) >> 64);
#endif
}

/// An unsigned 128-bit accumulator as two words (the device has no native 128-bit type).
struct U128 {
  uint64_t lo;
  uint64_t hi;
};

/// acc += a * b (mod 2^128). With products < 2^122 and at most 63 terms the sum never wraps.
CF_HD void multiply_accumulate(U128 &acc, uint64_t a, uint64_t b) {
  const uint64_t lo = a * b;
  const uint64_t hi = mul_hi64(a, b);
  acc.lo += lo;
  acc.hi += hi + (acc.lo < lo ? 1 : 0);
}

/// x mod q for any 64-bit x (barrett_reduce_64 of the CPU engine).
CF_HD uint64_t barrett_reduce_64(uint64_t x, const DevModulus &q) {
  const uint64_t estimate = mul_hi64(x, q.ratio1);
  const uint64_t r = x - estimate * q.value;
  return r >= q.value ? r - q.value : r;
}

/// (x1 * 2^64 + x0) mod q (barrett_reduce_128 of the CPU engine, word for word).
CF_HD uint64_t barrett_reduce_128(uint64_t x0, uint64_t x1, const DevModulus &q) {
  const uint64_t low_hi = mul_hi64(x0, q.ratio0);
  uint64_t mid_lo = x0 * q.ratio1;
  uint64_t mid_hi = mul_hi64(x0, q.ratio1);
  mid_lo += low_hi;
  mid_hi += mid_lo < low_hi ? 1 : 0;
  uint64_t mid2_lo = x1 * q.ratio0;
  uint64_t mid2_hi = mul_hi64(x1, q.ratio0);
  mid2_lo += mid_lo;
  mid2_hi += mid2_lo < mid_lo ? 1 : 0;
  const uint64_t estimate = x1 * q.ratio1 + mid_hi + mid2_hi;
  const uint64_t r = x0 - estimate * q.value;
  return r >= q.value ? r - q.value : r;
}

/// (a * b) mod q for any 64-bit a, b.
CF_HD uint64_t multiply_mod(uint64_t a, uint64_t b, const DevModulus &q) {
  return barrett_reduce_128(a * b, mul_hi64(a, b), q);
}

CF_HD uint64_t add_mod(uint64_t a, uint64_t b, const DevModulus &q) {
  const uint64_t s = a + b;
  return s >= q.value ? s - q.value : s;
}

CF_HD uint64_t sub_mod(uint64_t a, uint64_t b, const DevModulus &q) {
  return a >= b ? a - b : a + (q.value - b);
}

CF_HD uint64_t negate_mod(uint64_t a, const DevModulus &q) { return a == 0 ? 0 : q.value - a; }

/// x * w mod q in [0, 2q) (Shoup), for any 64-bit x.
CF_HD uint64_t shoup_lazy(uint64_t x, uint64_t w, uint64_t w_quotient, uint64_t q) {
  return x * w - mul_hi64(x, w_quotient) * q;
}

/// x * w mod q in [0, q) (Shoup).
CF_HD uint64_t shoup_mod(uint64_t x, const DevMulOperand &w, uint64_t q) {
  const uint64_t r = shoup_lazy(x, w.operand, w.quotient, q);
  return r >= q ? r - q : r;
}

// ----- NTT -----
//
// The negacyclic NTT of native/src/util/ntt.cpp: Cooley-Tukey forward (natural in, bit-reversed out) with the table
// root_powers[bitrev(i)] = psi^i, Gentleman-Sande inverse with inv_root_powers[bitrev(i - 1) + 1] = psi^-i, Harvey's
// lazy butterflies. A stage with half-block size `gap` has m = n / (2 gap) blocks; butterfly k (0 <= k < n / 2) of
// the stage is pair (x, y) = (2 gap i + j, 2 gap i + j + gap) with i = k / gap, j = k % gap. The forward stage reads
// root index m + i; the inverse stage reads n - 2m + 1 + i (the CPU walks the inverse table sequentially from 1:
// stages with n/2, n/4, ..., 2m blocks come before, 1 + n/2 + ... + 2m = n - 2m + 1).

/// log2(x) for a power of two x (count of trailing zeros). The NTT index math uses shifts, not divisions: a 64-bit
/// division is a long instruction sequence on the GPU.
CF_HD unsigned log2_pow2(size_t x) {
#if defined(__CUDA_ARCH__)
  return static_cast<unsigned>(__ffsll(static_cast<long long>(x)) - 1);
#else
  return static_cast<unsigned>(__builtin_ctzll(static_cast<unsigned long long>(x)));
#endif
}

/// Position of butterfly k in a stage with half-block size gap = 2^log_gap.
struct ButterflyIndex {
  size_t x;
  size_t y;
  size_t block;
};

CF_HD ButterflyIndex butterfly_index(size_t k, unsigned log_gap) {
  const size_t block = k >> log_gap;
  const size_t x = (block << (log_gap + 1)) + (k & ((size_t{1} << log_gap) - 1));
  return ButterflyIndex{x, x + (size_t{1} << log_gap), block};
}

/// Harvey forward butterfly: inputs and outputs in [0, 4q).
CF_HD void forward_butterfly(uint64_t &x, uint64_t &y, uint64_t w, uint64_t w_quotient, uint64_t q) {
  const uint64_t two_q = 2 * q;
  uint64_t u = x;
  u -= (u >= two_q) ? two_q : 0;
  const uint64_t v = shoup_lazy(y, w, w_quotient, q);
  x = u + v;
  y = u + two_q - v;
}

/// [0, 4q) -> [0, q).
CF_HD uint64_t reduce_from_4q(uint64_t v, uint64_t q) {
  const uint64_t two_q = 2 * q;
  v -= (v >= two_q) ? two_q : 0;
  v -= (v >= q) ? q : 0;
  return v;
}

/// Gentleman-Sande inverse butterfly: values kept in [0, 2q).
CF_HD void inverse_butterfly(uint64_t &x, uint64_t &y, uint64_t w, uint64_t w_quotient, uint64_t q) {
  const uint64_t two_q = 2 * q;
  const uint64_t u = x;
  const uint64_t v = y;
  uint64_t s = u + v;
  s -= (s >= two_q) ? two_q : 0;
  x = s;
  y = shoup_lazy(u + two_q - v, w, w_quotient, q);
}

/// The last inverse stage (one block of n): (x, y) -> ((x + y) / n, (x - y) psi^-(n/2) / n), fully reduced.
CF_HD void inverse_last_butterfly(uint64_t &x, uint64_t &y, const DevMulOperand &inv_n, const DevMulOperand &inv_n_w,
                                  uint64_t q) {
  const uint64_t two_q = 2 * q;
  uint64_t u = x;
  u -= (u >= two_q) ? two_q : 0;
  const uint64_t v = y;
  uint64_t s = u + v;
  s -= (s >= two_q) ? two_q : 0;
  const uint64_t r0 = shoup_lazy(s, inv_n.operand, inv_n.quotient, q);
  const uint64_t r1 = shoup_lazy(u + two_q - v, inv_n_w.operand, inv_n_w.quotient, q);
  x = r0 >= q ? r0 - q : r0;
  y = r1 >= q ? r1 - q : r1;
}

/// Forward root index of butterfly block `block` in a stage with half-block size 2^log_gap: m + block, m = n / (2 gap).
CF_HD size_t forward_root_index(size_t n, unsigned log_gap, size_t block) { return (n >> (log_gap + 1)) + block; }

/// Inverse root index of butterfly block `block` in a stage with half-block size 2^log_gap < n / 2: n - 2m + 1 + block.
CF_HD size_t inverse_root_index(size_t n, unsigned log_gap, size_t block) { return n - (n >> log_gap) + 1 + block; }

// ----- which prime a limb of a batch uses -----

/// Batched kernels process `count` limbs of n words, limb b at base + b * stride. Limb b uses prime index
/// t = b % period if t < data_primes, else `special` (the key-switching prime). Examples: the limbs of a ciphertext at
/// level l: period = data_primes = l + 1; the key-switching digits (digit j under key prime t, L data primes):
/// period = L + 1, data_primes = L, special = index of P.
struct LimbPrimes {
  uint32_t period;
  uint32_t data_primes;
  uint32_t special;
};

CF_HD uint32_t limb_prime(const LimbPrimes &map, size_t b) {
  const uint32_t t = static_cast<uint32_t>(b % map.period);
  return t < map.data_primes ? t : map.special;
}

// ----- key switching -----

/// Digit j of the key-switching decomposition under key prime t, after the Galois permutation and SEAL's sign
/// correction for hoisting: d = permuted digit + (q_j mod m_t) * W, where W (0 or 1 per coefficient, in NTT form) is
/// NTT_t(NEG - Z_j) (the sign correction of hoisted key switching; the CPU engine now uses shifted digits instead,
/// native/src/ckks/hoisted_key_switch.cpp). No correction (w_ntt = 0) when t = j or without hoisting.
CF_HD uint64_t corrected_digit(uint64_t permuted, uint64_t w_ntt, const DevMulOperand &qj_mod_t,
                               const DevModulus &mt) {
  return add_mod(permuted, shoup_mod(w_ntt, qj_mod_t, mt.value), mt);
}

/// One output coefficient of the rounded division by the last prime (rescale and key-switching mod-down):
/// (c - NTT((r - floor(q_last / 2)) mod q_i)) * q_last^-1 mod q_i, with `c_minus` = that NTT value already computed.
CF_HD uint64_t divide_round_output(uint64_t c, uint64_t ntt_of_last, const DevMulOperand &inv_last,
                                   const DevModulus &qi) {
  return shoup_mod(sub_mod(c, ntt_of_last, qi), inv_last, qi.value);
}

}  // namespace cf::cuda
