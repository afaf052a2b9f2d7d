#pragma once
// What the host needs to know about the CUDA runtime before choosing the GPU backend. Plain C++ (no CUDA headers), so
// host code, JNI and tests include it without nvcc.

#include <stdexcept>
#include <string>

namespace cf::cuda {

/// A CUDA runtime call failed; the message names the call and the CUDA error string.
class CudaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Number of usable CUDA devices; 0 when there is no GPU, no driver, or the driver is too old for this runtime (never
/// throws: the caller falls back to the CPU).
int device_count() noexcept;

/// One line about device 0 ("NVIDIA H200, sm_90, 139 GiB") or, when none is usable, why ("no CUDA device: <error>").
std::string device_description() noexcept;

}  // namespace cf::cuda
