#pragma once
// Ciphertexts, plaintexts and key-switching keys resident in device memory, in the CPU engine's (= SEAL's) layout:
// a ciphertext is size x (level + 1) limbs of N words, polynomial-major. Host copies happen only in upload/download,
// so a sequence of evaluator operations runs without host round trips.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>

#include "cipherformer/ckks/ciphertext.h"
#include "cipherformer/ckks/keys.h"
#include "cipherformer/ckks/plaintext.h"
#include "cipherformer/cuda/device_context.h"
#include "cipherformer/cuda/device_memory.h"

namespace cf::cuda {

/// A CKKS ciphertext in device memory (always NTT form, never seeded).
struct DeviceCiphertext {
  size_t level = 0;
  size_t size = 0;
  double scale = 1.0;
  DeviceBuffer data;

  /// Checks ct (cf::ckks::check_ciphertext) and copies it to the device. @throws std::invalid_argument, CudaError.
  static DeviceCiphertext upload(const DeviceContext &context, const ckks::Ciphertext &ct);
  /// Copies back to the host (seed cleared, is_ntt_form set). @throws CudaError.
  ckks::Ciphertext download() const;
  /// A device-side deep copy. @throws CudaError.
  DeviceCiphertext clone() const;

  uint64_t *poly(size_t p, size_t n) noexcept { return data.data() + p * (level + 1) * n; }
  const uint64_t *poly(size_t p, size_t n) const noexcept { return data.data() + p * (level + 1) * n; }
};

/// A CKKS plaintext in device memory (NTT form).
struct DevicePlaintext {
  size_t level = 0;
  double scale = 1.0;
  DeviceBuffer data;

  /// Checks pt (cf::ckks::check_plaintext) and copies it to the device. @throws std::invalid_argument, CudaError.
  static DevicePlaintext upload(const DeviceContext &context, const ckks::Plaintext &pt);
  ckks::Plaintext download() const;
};

/// One key-switching key in device memory: part j (j <= first level) is the key-level ciphertext (K_j0, K_j1), stored
/// contiguously: word ((j * 2 + c) * K + prime) * N + i, K = number of key-level primes.
struct DeviceKSwitchKey {
  size_t parts = 0;
  DeviceBuffer data;

  /// Checks key (cf::ckks::check_kswitch_keys) and uploads it. @throws std::invalid_argument, CudaError.
  static DeviceKSwitchKey upload(const DeviceContext &context, const ckks::KSwitchKeys &key);
};

/// Relinearization keys on the device: data[p - 2] switches s^p to s.
struct DeviceRelinKeys {
  std::vector<DeviceKSwitchKey> data;
  static DeviceRelinKeys upload(const DeviceContext &context, const ckks::RelinKeys &keys);
};

/// Galois keys on the device, by Galois element.
struct DeviceGaloisKeys {
  std::map<uint32_t, DeviceKSwitchKey> data;
  bool has_key(uint32_t galois_elt) const { return data.count(galois_elt) != 0; }
  static DeviceGaloisKeys upload(const DeviceContext &context, const ckks::GaloisKeys &keys);
};

}  // namespace cf::cuda
