// Host emulation of the kernel launchers of native/cuda/src/kernels.h: each launcher enumerates the thread indices of
// its launch and runs the same thread body (kernel_bodies.h) that the .cu kernel runs. The shared-memory NTT kernels
// are mirrored chunk by chunk: stage the chunk, run every thread of one stage, then the next stage (what
// __syncthreads() guarantees on the device), write back.

#include <stdexcept>
#include <string>

#include "kernels.h"

namespace cf::cuda::kernels {
namespace {

void check_degree(size_t n) {
  if (n < 2 * kNttChunk || (n & (n - 1)) != 0) {
    throw std::invalid_argument("the CUDA NTT needs a power-of-two degree >= " + std::to_string(2 * kNttChunk) +
                                ", got " + std::to_string(n));
  }
}

}  // namespace

void ntt_forward(const DeviceNttTables &t, uint64_t *data, size_t count, size_t stride, LimbPrimes map) {
  if (count == 0) return;
  const size_t n = t.n;
  check_degree(n);
  size_t gap = n / 2;
  for (; gap / 2 > kNttChunkThreads; gap >>= 2) {
    for (size_t b = 0; b < count; ++b) {
      for (size_t k = 0; k < n / 4; ++k) {
        forward_radix4_body(t, data + b * stride, limb_prime(map, b), log2_pow2(gap), k);
      }
    }
  }
  if (gap > kNttChunkThreads) {
    for (size_t b = 0; b < count; ++b) {
      for (size_t k = 0; k < n / 2; ++k) forward_stage_body(t, data + b * stride, limb_prime(map, b), gap, k);
    }
  }
  uint64_t s[kNttChunk];
  for (size_t b = 0; b < count; ++b) {
    const uint32_t prime = limb_prime(map, b);
    for (size_t c = 0; c < n / kNttChunk; ++c) {
      uint64_t *a = data + b * stride + c * kNttChunk;
      for (size_t i = 0; i < kNttChunk; ++i) s[i] = a[i];
      for (size_t chunk_gap = kNttChunkThreads; chunk_gap >= 1; chunk_gap >>= 1) {
        for (size_t tid = 0; tid < kNttChunkThreads; ++tid) forward_chunk_body(t, s, prime, c, chunk_gap, tid);
      }
      for (size_t i = 0; i < kNttChunk; ++i) a[i] = reduce_from_4q(s[i], t.moduli[prime].value);
    }
  }
}

void ntt_inverse(const DeviceNttTables &t, uint64_t *data, size_t count, size_t stride, LimbPrimes map) {
  if (count == 0) return;
  const size_t n = t.n;
  check_degree(n);
  uint64_t s[kNttChunk];
  for (size_t b = 0; b < count; ++b) {
    const uint32_t prime = limb_prime(map, b);
    for (size_t c = 0; c < n / kNttChunk; ++c) {
      uint64_t *a = data + b * stride + c * kNttChunk;
      for (size_t i = 0; i < kNttChunk; ++i) s[i] = a[i];
      for (size_t chunk_gap = 1; chunk_gap <= kNttChunkThreads; chunk_gap <<= 1) {
        for (size_t tid = 0; tid < kNttChunkThreads; ++tid) inverse_chunk_body(t, s, prime, c, chunk_gap, tid);
      }
      for (size_t i = 0; i < kNttChunk; ++i) a[i] = s[i];
    }
  }
  size_t gap = 2 * kNttChunkThreads;
  for (; 2 * gap < n / 2; gap <<= 2) {
    for (size_t b = 0; b < count; ++b) {
      for (size_t k = 0; k < n / 4; ++k) {
        inverse_radix4_body(t, data + b * stride, limb_prime(map, b), log2_pow2(gap), k);
      }
    }
  }
  if (gap < n / 2) {
    for (size_t b = 0; b < count; ++b) {
      for (size_t k = 0; k < n / 2; ++k) inverse_stage_body(t, data + b * stride, limb_prime(map, b), gap, k);
    }
  }
  for (size_t b = 0; b < count; ++b) {
    for (size_t k = 0; k < n / 2; ++k) inverse_last_body(t, data + b * stride, limb_prime(map, b), k);
  }
}

void binary_limbs(BinaryOp op, uint64_t *a, const uint64_t *other, size_t limbs, size_t other_limbs, size_t n,
                  LimbPrimes map, const DevModulus *moduli) {
  for (size_t idx = 0; idx < limbs * n; ++idx) binary_body(op, a, other, other_limbs, n, map, moduli, idx);
}

void negate_limbs(uint64_t *a, size_t limbs, size_t n, LimbPrimes map, const DevModulus *moduli) {
  negate_limbs_to(a, a, limbs, n, map, moduli);
}

void negate_limbs_to(uint64_t *out, const uint64_t *in, size_t limbs, size_t n, LimbPrimes map,
                     const DevModulus *moduli) {
  for (size_t idx = 0; idx < limbs * n; ++idx) negate_body(out, in, n, map, moduli, idx);
}

void tensor_product(uint64_t *out, const uint64_t *a, size_t a_size, const uint64_t *b, size_t b_size, size_t k,
                    size_t n, const DevModulus *moduli) {
  for (size_t idx = 0; idx < (a_size + b_size - 1) * k * n; ++idx) {
    tensor_body(out, a, a_size, b, b_size, k, n, moduli, idx);
  }
}

void permute_limbs(uint64_t *out, const uint64_t *in, size_t limbs, size_t n, const uint32_t *perm) {
  for (size_t idx = 0; idx < limbs * n; ++idx) permute_body(out, in, n, perm, idx);
}

bool any_nonzero(const uint64_t *data, size_t words) {
  for (size_t i = 0; i < words; ++i) {
    if (data[i] != 0) return true;
  }
  return false;
}

void decompose_digits(uint64_t *digits, const uint64_t *coeffs, size_t data_primes, size_t n, uint32_t special,
                      const DevModulus *moduli) {
  for (size_t idx = 0; idx < data_primes * (data_primes + 1) * n; ++idx) {
    decompose_body(digits, coeffs, data_primes, n, special, moduli, idx);
  }
}

void key_switch_inner_product(const InnerProductArgs &args) {
  for (size_t idx = 0; idx < (args.data_primes + 1) * args.n; ++idx) inner_product_body(args, idx);
}

void add_half_limbs(uint64_t *data, size_t count, size_t stride, size_t n, uint32_t prime, const DevModulus *moduli) {
  for (size_t idx = 0; idx < count * n; ++idx) add_half_body(data, stride, n, prime, moduli, idx);
}

void divide_round_temp(uint64_t *temp, const uint64_t *last, size_t last_stride, size_t polys, size_t data_primes,
                       size_t n, uint32_t last_prime, const DevModulus *moduli) {
  for (size_t idx = 0; idx < polys * data_primes * n; ++idx) {
    divide_round_temp_body(temp, last, last_stride, data_primes, n, last_prime, moduli, idx);
  }
}

void divide_round_finish(uint64_t *out, size_t out_stride, const uint64_t *in, size_t in_stride,
                         const uint64_t *temp, size_t polys, size_t data_primes, size_t n,
                         const DevMulOperand *inv_last, const DevModulus *moduli, bool accumulate) {
  for (size_t idx = 0; idx < polys * data_primes * n; ++idx) {
    divide_round_finish_body(out, out_stride, in, in_stride, temp, data_primes, n, inv_last, moduli, accumulate, idx);
  }
}

void hoisting_zero_marks(uint64_t *z, uint32_t *flags, const uint64_t *coeffs, const uint32_t *source,
                         size_t data_primes, size_t n) {
  for (size_t idx = 0; idx < data_primes * n; ++idx) zero_marks_body(z, flags, coeffs, source, n, idx);
}

void hoisting_fix_polys(uint64_t *w, const uint64_t *neg, const uint64_t *z, size_t key_limbs, size_t n) {
  for (size_t idx = 0; idx < key_limbs * n; ++idx) fix_polys_body(w, neg, z, n, idx);
}

}  // namespace cf::cuda::kernels
