#include "cipherformer/cuda/device_runtime.h"

#include <cuda_runtime.h>

#include <cstdio>

namespace cf::cuda {

int device_count() noexcept {
  int count = 0;
  // Without a driver or GPU this returns cudaErrorNoDevice / cudaErrorInsufficientDriver: report "none".
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky-free error so later calls start clean
    return 0;
  }
  return count;
}

std::string device_description() noexcept {
  try {
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
      cudaGetLastError();
      return std::string("no CUDA device: ") + cudaGetErrorName(status) + ": " + cudaGetErrorString(status);
    }
    if (count == 0) return "no CUDA device: the driver reports 0 devices";
    cudaDeviceProp prop{};
    const cudaError_t prop_status = cudaGetDeviceProperties(&prop, 0);
    if (prop_status != cudaSuccess) {
      return std::string("CUDA device 0 unreadable: ") + cudaGetErrorString(prop_status);
    }
    char buf[512];
    std::snprintf(buf, sizeof(buf), "%s, sm_%d%d, %.0f GiB, %d device(s)", prop.name, prop.major, prop.minor,
                  static_cast<double>(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0), count);
    return buf;
  } catch (...) {
    return "no CUDA device: description failed";
  }
}

}  // namespace cf::cuda
