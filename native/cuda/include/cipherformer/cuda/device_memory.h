#pragma once
// Device memory owned by host objects. All device work of the backend is ordered on one CUDA stream (the legacy
// default stream), so stream-ordered allocation (cudaMallocAsync / cudaFreeAsync from the device's default memory pool,
// whose release threshold DeviceContext raises so freed blocks are reused) is safe and cheap for temporaries.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cf::cuda {

/// A device array of 64-bit words (RAII, movable, not copyable). Contents are uninitialized after allocation.
class DeviceBuffer {
 public:
  DeviceBuffer() noexcept = default;
  /// @throws CudaError if the allocation fails (e.g. out of device memory; the message gives the size).
  explicit DeviceBuffer(size_t words);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer &&other) noexcept;
  DeviceBuffer &operator=(DeviceBuffer &&other) noexcept;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;

  uint64_t *data() noexcept { return data_; }
  const uint64_t *data() const noexcept { return data_; }
  size_t words() const noexcept { return words_; }
  bool empty() const noexcept { return words_ == 0; }

  /// Copies host words in (host.size() must equal words()). @throws CudaError, std::invalid_argument on size mismatch.
  void upload(const uint64_t *host, size_t words);
  /// Copies all words out (waits for preceding device work). @throws CudaError.
  std::vector<uint64_t> download() const;
  /// A device-side copy of this buffer. @throws CudaError.
  DeviceBuffer clone() const;
  /// Sets every word to zero (stream-ordered). @throws CudaError.
  void zero();

 private:
  uint64_t *data_ = nullptr;
  size_t words_ = 0;
};

/// Waits until all device work issued so far has finished. @throws CudaError if any of it failed.
void synchronize();

}  // namespace cf::cuda
