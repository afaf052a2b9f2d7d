// Coefficient-wise kernels over RNS limbs (native/src/util/poly_arith.cpp and the evaluator's loops): one thread per
// word; the thread bodies are in kernel_bodies.h.

#include <algorithm>

#include "cuda_check.h"
#include "kernels.h"

namespace cf::cuda::kernels {
namespace {

constexpr unsigned kThreads = 256;

unsigned blocks_for(size_t words) { return static_cast<unsigned>((words + kThreads - 1) / kThreads); }

__global__ void binary_kernel(BinaryOp op, uint64_t *a, const uint64_t *other, size_t limbs, size_t other_limbs,
                              size_t n, LimbPrimes map, const DevModulus *moduli) {
  const size_t idx = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < limbs * n) binary_body(op, a, other, other_limbs, n, map, moduli, idx);
}

__global__ void negate_kernel(uint64_t *out, const uint64_t *in, size_t limbs, size_t n, LimbPrimes map,
                              const DevModulus *moduli) {
  const size_t idx = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < limbs * n) negate_body(out, in, n, map, moduli, idx);
}

__global__ void tensor_kernel(uint64_t *out, const uint64_t *a, size_t a_size, const uint64_t *b, size_t b_size,
                              size_t k, size_t n, const DevModulus *moduli) {
  const size_t idx = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < (a_size + b_size - 1) * k * n) tensor_body(out, a, a_size, b, b_size, k, n, moduli, idx);
}

__global__ void permute_kernel(uint64_t *out, const uint64_t *in, size_t limbs, size_t n, const uint32_t *perm) {
  const size_t idx = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < limbs * n) permute_body(out, in, n, perm, idx);
}

__global__ void nonzero_kernel(const uint64_t *data, size_t words, unsigned *flag) {
  const size_t idx = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < words && data[idx] != 0) *flag = 1;  // benign race: every writer stores 1
}

}  // namespace

void binary_limbs(BinaryOp op, uint64_t *a, const uint64_t *other, size_t limbs, size_t other_limbs, size_t n,
                  LimbPrimes map, const DevModulus *moduli) {
  if (limbs == 0) return;
  binary_kernel<<<blocks_for(limbs * n), kThreads>>>(op, a, other, limbs, other_limbs, n, map, moduli);
  CF_CUDA_CHECK_LAUNCH("binary_kernel");
}

void negate_limbs(uint64_t *a, size_t limbs, size_t n, LimbPrimes map, const DevModulus *moduli) {
  negate_limbs_to(a, a, limbs, n, map, moduli);
}

void negate_limbs_to(uint64_t *out, const uint64_t *in, size_t limbs, size_t n, LimbPrimes map,
                     const DevModulus *moduli) {
  if (limbs == 0) return;
  negate_kernel<<<blocks_for(limbs * n), kThreads>>>(out, in, limbs, n, map, moduli);
  CF_CUDA_CHECK_LAUNCH("negate_kernel");
}

void tensor_product(uint64_t *out, const uint64_t *a, size_t a_size, const uint64_t *b, size_t b_size, size_t k,
                    size_t n, const DevModulus *moduli) {
  const size_t words = (a_size + b_size - 1) * k * n;
  tensor_kernel<<<blocks_for(words), kThreads>>>(out, a, a_size, b, b_size, k, n, moduli);
  CF_CUDA_CHECK_LAUNCH("tensor_kernel");
}

void permute_limbs(uint64_t *out, const uint64_t *in, size_t limbs, size_t n, const uint32_t *perm) {
  if (limbs == 0) return;
  permute_kernel<<<blocks_for(limbs * n), kThreads>>>(out, in, limbs, n, perm);
  CF_CUDA_CHECK_LAUNCH("permute_kernel");
}

bool any_nonzero(const uint64_t *data, size_t words) {
  if (words == 0) return false;
  unsigned *flag = nullptr;
  CF_CUDA_CHECK(cudaMallocAsync(reinterpret_cast<void **>(&flag), sizeof(unsigned), 0));
  unsigned host = 0;
  try {
    CF_CUDA_CHECK(cudaMemsetAsync(flag, 0, sizeof(unsigned), 0));
    nonzero_kernel<<<blocks_for(words), kThreads>>>(data, words, flag);
    CF_CUDA_CHECK_LAUNCH("nonzero_kernel");
    CF_CUDA_CHECK(cudaMemcpy(&host, flag, sizeof(unsigned), cudaMemcpyDeviceToHost));
  } catch (...) {
    cudaFreeAsync(flag, 0);
    throw;
  }
  CF_CUDA_CHECK(cudaFreeAsync(flag, 0));
  return host != 0;
}

}  // namespace cf::cuda::kernels
