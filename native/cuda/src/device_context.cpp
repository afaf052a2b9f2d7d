#include "cipherformer/cuda/device_context.h"

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "cipherformer/cuda/host_tables.h"
#include "cuda_check.h"
#include "kernels.h"

namespace cf::cuda {
namespace {

DeviceBuffer upload_words(const std::vector<uint64_t> &host) {
  DeviceBuffer buffer(host.size());
  buffer.upload(host.data(), host.size());
  return buffer;
}

/// n uint32 values packed two per word (little-endian, so the device reads them as a uint32 array).
DeviceBuffer upload_u32(const std::vector<uint32_t> &host) {
  std::vector<uint64_t> packed((host.size() + 1) / 2, 0);
  std::memcpy(packed.data(), host.data(), host.size() * sizeof(uint32_t));
  return upload_words(packed);
}

}  // namespace

DeviceContext::DeviceContext(std::shared_ptr<const ckks::Context> context) : context_(std::move(context)) {
  if (!context_) throw std::invalid_argument("context is null");
  if (device_count() == 0) throw CudaError("no usable CUDA device: " + device_description());
  // Keep freed stream-ordered allocations in the pool instead of returning them to the driver at every sync: the
  // evaluator allocates its temporaries per operation.
  cudaMemPool_t pool = nullptr;
  int device = 0;
  CF_CUDA_CHECK(cudaGetDevice(&device));
  CF_CUDA_CHECK(cudaDeviceGetDefaultMemPool(&pool, device));
  uint64_t threshold = UINT64_MAX;
  CF_CUDA_CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold));

  const size_t n = context_->poly_degree();
  const size_t k = context_->level_count();
  const HostTables h = build_host_tables(*context_);
  root_operand_ = upload_words(h.root_operand);
  root_quotient_ = upload_words(h.root_quotient);
  inv_root_operand_ = upload_words(h.inv_root_operand);
  inv_root_quotient_ = upload_words(h.inv_root_quotient);
  scalars_ = upload_words(h.scalars);
  moduli_ = upload_words(h.moduli);
  inv_last_ = upload_words(h.inv_last);
  qj_mod_p_ = upload_words(h.qj_mod_p);
  zero_indices_ = DeviceBuffer(ckks::Context::kMaxPrimeCount / 2);
  zero_indices_.zero();

  tables_.root_operand = root_operand_.data();
  tables_.root_quotient = root_quotient_.data();
  tables_.inv_root_operand = inv_root_operand_.data();
  tables_.inv_root_quotient = inv_root_quotient_.data();
  tables_.inv_n = reinterpret_cast<const DevMulOperand *>(scalars_.data());
  tables_.inv_n_w = reinterpret_cast<const DevMulOperand *>(scalars_.data() + 2 * k);
  tables_.moduli = reinterpret_cast<const DevModulus *>(moduli_.data());
  tables_.n = n;
  tables_.log_n = context_->log_poly_degree();
  synchronize();
}

const DevMulOperand *DeviceContext::inv_last_mod(size_t level) const {
  if (level == 0 || level >= prime_count()) {
    throw std::out_of_range("no q_last^-1 table for level " + std::to_string(level));
  }
  return reinterpret_cast<const DevMulOperand *>(inv_last_.data()) + level * prime_count();
}

DeviceGaloisTables DeviceContext::galois_tables(uint32_t galois_elt) const {
  std::lock_guard<std::mutex> lock(galois_mutex_);
  auto it = galois_tables_.find(galois_elt);
  if (it == galois_tables_.end()) {
    const size_t n = poly_degree();
    // Validates galois_elt (odd, < 2N) and caches the host table as well.
    const std::vector<uint32_t> &perm = context_->galois_permutation(galois_elt);
    // The Galois map on exponents, as the CPU engine applies it: X^i -> X^(i g mod 2N); exponents >= N land at
    // e - N with a sign flip.
    std::vector<uint64_t> negated(n, 0);
    std::vector<uint32_t> source(n, 0xFFFFFFFFu);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t e = static_cast<uint64_t>(i) * galois_elt % (2 * n);
      if (e >= n) {
        negated[e - n] = 1;
        source[e - n] = static_cast<uint32_t>(i);
      }
    }
    GaloisEntry entry{upload_u32(perm), upload_words(negated), upload_u32(source)};
    it = galois_tables_.emplace(galois_elt, std::move(entry)).first;
  }
  const GaloisEntry &e = it->second;
  return DeviceGaloisTables{reinterpret_cast<const uint32_t *>(e.permutation.data()), e.negated.data(),
                            reinterpret_cast<const uint32_t *>(e.source.data())};
}

const uint64_t *DeviceContext::hoisting_negated_ntt(uint32_t galois_elt, size_t level) const {
  const DeviceGaloisTables tables = galois_tables(galois_elt);
  std::lock_guard<std::mutex> lock(galois_mutex_);
  const auto key = std::make_pair(galois_elt, level);
  auto it = negated_ntt_.find(key);
  if (it == negated_ntt_.end()) {
    const size_t n = poly_degree();
    const size_t key_limbs = level + 2;
    DeviceBuffer buffer(key_limbs * n);
    for (size_t t = 0; t < key_limbs; ++t) {
      CF_CUDA_CHECK(cudaMemcpyAsync(buffer.data() + t * n, tables.negated, n * sizeof(uint64_t),
                                    cudaMemcpyDeviceToDevice, 0));
    }
    const LimbPrimes map{static_cast<uint32_t>(key_limbs), static_cast<uint32_t>(level + 1),
                         static_cast<uint32_t>(prime_count() - 1)};
    kernels::ntt_forward(tables_, buffer.data(), key_limbs, n, map);
    it = negated_ntt_.emplace(key, std::move(buffer)).first;
  }
  return it->second.data();
}

}  // namespace cf::cuda
