#include "cipherformer/cuda/device_memory.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "cuda_check.h"

namespace cf::cuda {

DeviceBuffer::DeviceBuffer(size_t words) : words_(words) {
  if (words == 0) return;
  void *p = nullptr;
  const cudaError_t status = cudaMallocAsync(&p, words * sizeof(uint64_t), 0);
  if (status != cudaSuccess) {
    words_ = 0;
    throw CudaError("cannot allocate " + std::to_string(words * sizeof(uint64_t)) + " bytes of device memory: " +
                    cudaGetErrorString(status));
  }
  data_ = static_cast<uint64_t *>(p);
}

DeviceBuffer::~DeviceBuffer() {
  if (data_ != nullptr) cudaFreeAsync(data_, 0);  // errors here cannot be reported (destructor)
}

DeviceBuffer::DeviceBuffer(DeviceBuffer &&other) noexcept
    : data_(std::exchange(other.data_, nullptr)), words_(std::exchange(other.words_, 0)) {}

DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) cudaFreeAsync(data_, 0);
    data_ = std::exchange(other.data_, nullptr);
    words_ = std::exchange(other.words_, 0);
  }
  return *this;
}

void DeviceBuffer::upload(const uint64_t *host, size_t words) {
  if (words != words_) {
    throw std::invalid_argument("upload of " + std::to_string(words) + " words into a device buffer of " +
                                std::to_string(words_));
  }
  if (words == 0) return;
  CF_CUDA_CHECK(cudaMemcpy(data_, host, words * sizeof(uint64_t), cudaMemcpyHostToDevice));
}

std::vector<uint64_t> DeviceBuffer::download() const {
  std::vector<uint64_t> host(words_);
  if (words_ != 0) CF_CUDA_CHECK(cudaMemcpy(host.data(), data_, words_ * sizeof(uint64_t), cudaMemcpyDeviceToHost));
  return host;
}

DeviceBuffer DeviceBuffer::clone() const {
  DeviceBuffer copy(words_);
  if (words_ != 0) {
    CF_CUDA_CHECK(cudaMemcpyAsync(copy.data_, data_, words_ * sizeof(uint64_t), cudaMemcpyDeviceToDevice, 0));
  }
  return copy;
}

void DeviceBuffer::zero() {
  if (words_ != 0) CF_CUDA_CHECK(cudaMemsetAsync(data_, 0, words_ * sizeof(uint64_t), 0));
}

void synchronize() { CF_CUDA_CHECK(cudaDeviceSynchronize()); }

}  // namespace cf::cuda
