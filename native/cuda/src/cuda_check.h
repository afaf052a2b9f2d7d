#pragma once
// Turns CUDA runtime errors into cf::cuda::CudaError naming the call. Internal to native/cuda/src.

#include <cuda_runtime.h>

#include <string>

#include "cipherformer/cuda/device_runtime.h"

namespace cf::cuda::detail {

inline void check_cuda(cudaError_t status, const char *call) {
  if (status != cudaSuccess) {
    throw CudaError(std::string(call) + " failed: " + cudaGetErrorName(status) + ": " + cudaGetErrorString(status));
  }
}

}  // namespace cf::cuda::detail

#define CF_CUDA_CHECK(call) ::cf::cuda::detail::check_cuda((call), #call)
/// After a kernel launch: reports launch-configuration errors at once (execution errors surface at the next sync).
#define CF_CUDA_CHECK_LAUNCH(name) ::cf::cuda::detail::check_cuda(cudaGetLastError(), name)
