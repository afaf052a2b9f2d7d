// Batched negacyclic NTT kernels: the CPU engine's transform (native/src/util/ntt.cpp) for many limbs at once.
//
// Stages whose butterflies span more than one chunk of kNttChunk words run over global memory, two stages per launch
// (radix 4) where possible;
// the remaining stages (gap <= kNttChunk / 2) run in one launch over all chunks in shared memory, one butterfly per
// thread per stage. The thread bodies are in kernel_bodies.h (tested on the host by cuda_kernel_math_test).

#include <algorithm>
#include <stdexcept>
#include <string>

#include "cuda_check.h"
#include "kernels.h"

namespace cf::cuda::kernels {
namespace {

constexpr unsigned kStageThreads = 256;
constexpr size_t kMaxGridY = 65535;

__global__ void forward_stage(DeviceNttTables t, uint64_t *data, size_t count, size_t stride, LimbPrimes map,
                              size_t gap) {
  const size_t k = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (k >= t.n / 2) return;
  for (size_t b = blockIdx.y; b < count; b += gridDim.y) {
    forward_stage_body(t, data + b * stride, limb_prime(map, b), gap, k);
  }
}

__global__ void forward_radix4(DeviceNttTables t, uint64_t *data, size_t count, size_t stride, LimbPrimes map,
                               unsigned log_gap) {
  const size_t k = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (k >= t.n / 4) return;
  for (size_t b = blockIdx.y; b < count; b += gridDim.y) {
    forward_radix4_body(t, data + b * stride, limb_prime(map, b), log_gap, k);
  }
}

__global__ void inverse_radix4(DeviceNttTables t, uint64_t *data, size_t count, size_t stride, LimbPrimes map,
                               unsigned log_gap) {
  const size_t k = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (k >= t.n / 4) return;
  for (size_t b = blockIdx.y; b < count; b += gridDim.y) {
    inverse_radix4_body(t, data + b * stride, limb_prime(map, b), log_gap, k);
  }
}

// Stages gap = kNttChunkThreads .. 1 of chunk blockIdx.x; reduces the outputs to [0, q).
// 1024 threads per block: __launch_bounds__ caps registers at 64 per thread so the launch always fits an SM.
__global__ void __launch_bounds__(kNttChunkThreads)
    forward_chunk(DeviceNttTables t, uint64_t *data, size_t count, size_t stride, LimbPrimes map) {
  __shared__ uint64_t s[kNttChunk];
  const size_t c = blockIdx.x;
  const size_t tid = threadIdx.x;
  for (size_t b = blockIdx.y; b < count; b += gridDim.y) {
    const uint32_t prime = limb_prime(map, b);
    uint64_t *a = data + b * stride + c * kNttChunk;
    s[tid] = a[tid];
    s[tid + kNttChunkThreads] = a[tid + kNttChunkThreads];
    __syncthreads();
    for (size_t gap = kNttChunkThreads; gap >= 1; gap >>= 1) {
      forward_chunk_body(t, s, prime, c, gap, tid);
      __syncthreads();
    }
    const uint64_t q = t.moduli[prime].value;
    a[tid] = reduce_from_4q(s[tid], q);
    a[tid + kNttChunkThreads] = reduce_from_4q(s[tid + kNttChunkThreads], q);
    __syncthreads();
  }
}

// Stages gap = 1 .. kNttChunkThreads of chunk blockIdx.x (all below the last stage, since n >= 2 kNttChunk).
__global__ void __launch_bounds__(kNttChunkThreads)
    inverse_chunk(DeviceNttTables t, uint64_t *data, size_t count, size_t stride, LimbPrimes map) {
  __shared__ uint64_t s[kNttChunk];
  const size_t c = blockIdx.x;
  const size_t tid = threadIdx.x;
  for (size_t b = blockIdx.y; b < count; b += gridDim.y) {
    const uint32_t prime = limb_prime(map, b);
    uint64_t *a = data + b * stride + c * kNttChunk;
    s[tid] = a[tid];
    s[tid + kNttChunkThreads] = a[tid + kNttChunkThreads];
    __syncthreads();
    for (size_t gap = 1; gap <= kNttChunkThreads; gap <<= 1) {
      inverse_chunk_body(t, s, prime, c, gap, tid);
      __syncthreads();
    }
    a[tid] = s[tid];
    a[tid + kNttChunkThreads] = s[tid + kNttChunkThreads];
    __syncthreads();
  }
}

__global__ void inverse_stage(DeviceNttTables t, uint64_t *data, size_t count, size_t stride, LimbPrimes map,
                              size_t gap) {
  const size_t k = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (k >= t.n / 2) return;
  for (size_t b = blockIdx.y; b < count; b += gridDim.y) {
    inverse_stage_body(t, data + b * stride, limb_prime(map, b), gap, k);
  }
}

__global__ void inverse_last_stage(DeviceNttTables t, uint64_t *data, size_t count, size_t stride, LimbPrimes map) {
  const size_t k = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (k >= t.n / 2) return;
  for (size_t b = blockIdx.y; b < count; b += gridDim.y) inverse_last_body(t, data + b * stride, limb_prime(map, b), k);
}

dim3 stage_grid(size_t n, size_t count) {
  return dim3(static_cast<unsigned>((n / 2 + kStageThreads - 1) / kStageThreads),
              static_cast<unsigned>(std::min(count, kMaxGridY)));
}

dim3 quad_grid(size_t n, size_t count) {
  return dim3(static_cast<unsigned>((n / 4 + kStageThreads - 1) / kStageThreads),
              static_cast<unsigned>(std::min(count, kMaxGridY)));
}

dim3 chunk_grid(size_t n, size_t count) {
  return dim3(static_cast<unsigned>(n / kNttChunk), static_cast<unsigned>(std::min(count, kMaxGridY)));
}

void check_degree(size_t n) {
  if (n < 2 * kNttChunk || (n & (n - 1)) != 0) {
    throw std::invalid_argument("the CUDA NTT needs a power-of-two degree >= " + std::to_string(2 * kNttChunk) +
                                ", got " + std::to_string(n));
  }
}

}  // namespace

void ntt_forward(const DeviceNttTables &tables, uint64_t *data, size_t count, size_t stride, LimbPrimes map) {
  if (count == 0) return;
  const size_t n = tables.n;
  check_degree(n);
  // Global stages two at a time (radix 4) while two remain above the chunk, then possibly one alone.
  size_t gap = n / 2;
  for (; gap / 2 > kNttChunkThreads; gap >>= 2) {
    forward_radix4<<<quad_grid(n, count), kStageThreads>>>(tables, data, count, stride, map, log2_pow2(gap));
    CF_CUDA_CHECK_LAUNCH("forward_radix4");
  }
  if (gap > kNttChunkThreads) {
    forward_stage<<<stage_grid(n, count), kStageThreads>>>(tables, data, count, stride, map, gap);
    CF_CUDA_CHECK_LAUNCH("forward_stage");
  }
  forward_chunk<<<chunk_grid(n, count), static_cast<unsigned>(kNttChunkThreads)>>>(tables, data, count, stride, map);
  CF_CUDA_CHECK_LAUNCH("forward_chunk");
}

void ntt_inverse(const DeviceNttTables &tables, uint64_t *data, size_t count, size_t stride, LimbPrimes map) {
  if (count == 0) return;
  const size_t n = tables.n;
  check_degree(n);
  inverse_chunk<<<chunk_grid(n, count), static_cast<unsigned>(kNttChunkThreads)>>>(tables, data, count, stride, map);
  CF_CUDA_CHECK_LAUNCH("inverse_chunk");
  size_t gap = 2 * kNttChunkThreads;
  for (; 2 * gap < n / 2; gap <<= 2) {
    inverse_radix4<<<quad_grid(n, count), kStageThreads>>>(tables, data, count, stride, map, log2_pow2(gap));
    CF_CUDA_CHECK_LAUNCH("inverse_radix4");
  }
  if (gap < n / 2) {
    inverse_stage<<<stage_grid(n, count), kStageThreads>>>(tables, data, count, stride, map, gap);
    CF_CUDA_CHECK_LAUNCH("inverse_stage");
  }
  inverse_last_stage<<<stage_grid(n, count), kStageThreads>>>(tables, data, count, stride, map);
  CF_CUDA_CHECK_LAUNCH("inverse_last_stage");
}

}  // namespace cf::cuda::kernels
