#pragma once
// The CKKS context on the GPU: the host cf::ckks::Context plus device copies of everything the kernels read (moduli
// with their Barrett constants, the NTT tables of every prime, q_last^-1 mod q_i of every level, cached Galois
// permutations). Built once per context; shared by device objects through std::shared_ptr.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "cipherformer/ckks/context.h"
#include "cipherformer/cuda/device_memory.h"
#include "cipherformer/cuda/kernel_bodies.h"

namespace cf::cuda {


/// Device tables of one Galois element: the NTT-form permutation and what hoisted rotations need for SEAL's signs.
struct DeviceGaloisTables {
  const uint32_t *permutation;  // result[i] = input[permutation[i]] (Context::galois_permutation)
  const uint64_t *negated;      // NEG: 1 where X^i -> -X^e lands (coefficient form), else 0
  const uint32_t *source;       // the i mapped to -X^e at e, or UINT32_MAX
};

/// The device side of one cf::ckks::Context. Thread-safe for concurrent reads (the Galois cache has a mutex).
class DeviceContext {
 public:
  /// Uploads the tables of `context` to the current CUDA device.
  /// @throws CudaError if no device is usable or an allocation/copy fails; std::invalid_argument if context is null.
  explicit DeviceContext(std::shared_ptr<const ckks::Context> context);

  const ckks::Context &host() const noexcept { return *context_; }
  const std::shared_ptr<const ckks::Context> &host_ptr() const noexcept { return context_; }
  size_t poly_degree() const noexcept { return context_->poly_degree(); }
  /// Number of primes (key level + 1).
  size_t prime_count() const noexcept { return context_->level_count(); }

  const DeviceNttTables &ntt_tables() const noexcept { return tables_; }
  /// Device array of all DevModulus (index = prime index).
  const DevModulus *moduli() const noexcept { return tables_.moduli; }
  /// Device array of level l's q_last^-1 mod q_i for i < l (LevelData::inv_last_mod), l >= 1.
  const DevMulOperand *inv_last_mod(size_t level) const;
  /// Device tables of galois_elt, built and uploaded on first use.
  /// @throws std::invalid_argument if galois_elt is even or >= 2N; CudaError.
  DeviceGaloisTables galois_tables(uint32_t galois_elt) const;
  /// NTT_t(NEG) of galois_elt under the key-switching primes of `level` (level + 2 limbs: q_0..q_level, then P),
  /// computed on first use (the negated-coefficient masks of the hoisting sign correction).
  const uint64_t *hoisting_negated_ntt(uint32_t galois_elt, size_t level) const;
  /// (q_j mod q_p) Shoup-prepared for q_p, at j * prime_count() + p.
  const DevMulOperand *qj_mod_p() const noexcept { return reinterpret_cast<const DevMulOperand *>(qj_mod_p_.data()); }
  /// kMaxPrimeCount zero words of uint32 (the "no zero fix" correction index of every digit).
  const uint32_t *zero_indices() const noexcept { return reinterpret_cast<const uint32_t *>(zero_indices_.data()); }

 private:
  std::shared_ptr<const ckks::Context> context_;
  DeviceBuffer root_operand_, root_quotient_, inv_root_operand_, inv_root_quotient_, scalars_, moduli_, inv_last_;
  DeviceBuffer qj_mod_p_, zero_indices_;
  DeviceNttTables tables_{};
  struct GaloisEntry {
    DeviceBuffer permutation;  // n uint32, packed two per word
    DeviceBuffer negated;      // n words
    DeviceBuffer source;       // n uint32, packed
  };
  mutable std::mutex galois_mutex_;
  mutable std::map<uint32_t, GaloisEntry> galois_tables_;
  mutable std::map<std::pair<uint32_t, size_t>, DeviceBuffer> negated_ntt_;
};

}  // namespace cf::cuda
