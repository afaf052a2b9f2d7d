// Key-switching and rounded-division kernels: SEAL 4.1's switch_key_inplace and divide_and_round_q_last_ntt as the
// CPU engine computes them (native/src/ckks/key_switch.cpp, rlwe.cpp), one thread per output word; the thread bodies
// are in kernel_bodies.h.

#include "cuda_check.h"
#include "kernels.h"

namespace cf::cuda::kernels {
namespace {

constexpr unsigned kThreads = 256;

unsigned blocks_for(size_t words) { return static_cast<unsigned>((words + kThreads - 1) / kThreads); }

__global__ void decompose_kernel(uint64_t *digits, const uint64_t *coeffs, size_t data_primes, size_t n,
                                 uint32_t special, const DevModulus *moduli) {
  const size_t idx = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < data_primes * (data_primes + 1) * n) decompose_body(digits, coeffs, data_primes, n, special, moduli, idx);
}

__global__ void inner_product_kernel(InnerProductArgs a) {
  const size_t idx = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < (a.data_primes + 1) * a.n) inner_product_body(a, idx);
}

__global__ void add_half_kernel(uint64_t *data, size_t count, size_t stride, size_t n, uint32_t prime,
                                const DevModulus *moduli) {
  const size_t idx = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < count * n) add_half_body(data, stride, n, prime, moduli, idx);
}

__global__ void divide_round_temp_kernel(uint64_t *temp, const uint64_t *last, size_t last_stride, size_t polys,
                                         size_t data_primes, size_t n, uint32_t last_prime,
                                         const DevModulus *moduli) {
  const size_t idx = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < polys * data_primes * n) {
    divide_round_temp_body(temp, last, last_stride, data_primes, n, last_prime, moduli, idx);
  }
}

__global__ void divide_round_finish_kernel(uint64_t *out, size_t out_stride, const uint64_t *in, size_t in_stride,
                                           const uint64_t *temp, size_t polys, size_t data_primes, size_t n,
                                           const DevMulOperand *inv_last, const DevModulus *moduli,
                                           bool accumulate) {
  const size_t idx = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < polys * data_primes * n) {
    divide_round_finish_body(out, out_stride, in, in_stride, temp, data_primes, n, inv_last, moduli, accumulate, idx);
  }
}

__global__ void zero_marks_kernel(uint64_t *z, uint32_t *flags, const uint64_t *coeffs, const uint32_t *source,
                                  size_t data_primes, size_t n) {
  const size_t idx = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < data_primes * n) zero_marks_body(z, flags, coeffs, source, n, idx);
}

__global__ void fix_polys_kernel(uint64_t *w, const uint64_t *neg, const uint64_t *z, size_t key_limbs, size_t n) {
  const size_t idx = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < key_limbs * n) fix_polys_body(w, neg, z, n, idx);
}

}  // namespace

void decompose_digits(uint64_t *digits, const uint64_t *coeffs, size_t data_primes, size_t n, uint32_t special,
                      const DevModulus *moduli) {
  decompose_kernel<<<blocks_for(data_primes * (data_primes + 1) * n), kThreads>>>(digits, coeffs, data_primes, n,
                                                                                   special, moduli);
  CF_CUDA_CHECK_LAUNCH("decompose_kernel");
}

void key_switch_inner_product(const InnerProductArgs &args) {
  inner_product_kernel<<<blocks_for((args.data_primes + 1) * args.n), kThreads>>>(args);
  CF_CUDA_CHECK_LAUNCH("inner_product_kernel");
}

void add_half_limbs(uint64_t *data, size_t count, size_t stride, size_t n, uint32_t prime, const DevModulus *moduli) {
  add_half_kernel<<<blocks_for(count * n), kThreads>>>(data, count, stride, n, prime, moduli);
  CF_CUDA_CHECK_LAUNCH("add_half_kernel");
}

void divide_round_temp(uint64_t *temp, const uint64_t *last, size_t last_stride, size_t polys, size_t data_primes,
                       size_t n, uint32_t last_prime, const DevModulus *moduli) {
  divide_round_temp_kernel<<<blocks_for(polys * data_primes * n), kThreads>>>(temp, last, last_stride, polys,
                                                                               data_primes, n, last_prime, moduli);
  CF_CUDA_CHECK_LAUNCH("divide_round_temp_kernel");
}

void divide_round_finish(uint64_t *out, size_t out_stride, const uint64_t *in, size_t in_stride,
                         const uint64_t *temp, size_t polys, size_t data_primes, size_t n,
                         const DevMulOperand *inv_last, const DevModulus *moduli, bool accumulate) {
  divide_round_finish_kernel<<<blocks_for(polys * data_primes * n), kThreads>>>(
      out, out_stride, in, in_stride, temp, polys, data_primes, n, inv_last, moduli, accumulate);
  CF_CUDA_CHECK_LAUNCH("divide_round_finish_kernel");
}

void hoisting_zero_marks(uint64_t *z, uint32_t *flags, const uint64_t *coeffs, const uint32_t *source,
                         size_t data_primes, size_t n) {
  zero_marks_kernel<<<blocks_for(data_primes * n), kThreads>>>(z, flags, coeffs, source, data_primes, n);
  CF_CUDA_CHECK_LAUNCH("zero_marks_kernel");
}

void hoisting_fix_polys(uint64_t *w, const uint64_t *neg, const uint64_t *z, size_t key_limbs, size_t n) {
  fix_polys_kernel<<<blocks_for(key_limbs * n), kThreads>>>(w, neg, z, key_limbs, n);
  CF_CUDA_CHECK_LAUNCH("fix_polys_kernel");
}

}  // namespace cf::cuda::kernels
