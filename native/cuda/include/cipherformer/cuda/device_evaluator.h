#pragma once
// The CKKS evaluator on the GPU: the operations of cf::ckks::Evaluator on device-resident ciphertexts, with the same
// checks and error messages and bit-identical results (same exact modular arithmetic, canonical residues).
//
// All work is issued on the legacy default stream: operations are asynchronous with respect to the host and ordered
// with respect to each other. Synchronization happens in DeviceBuffer::download, in the transparency check (one 4-byte
// read-back per operation; see set_check_transparent) and in hoisted rotations (the rare zero-digit correction needs a
// read-back of L flags).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "cipherformer/cuda/device_context.h"
#include "cipherformer/cuda/device_objects.h"

namespace cf::cuda {

class DeviceEvaluator {
 public:
  /// @throws std::invalid_argument if context is null.
  explicit DeviceEvaluator(std::shared_ptr<const DeviceContext> context);

  const DeviceContext &context() const noexcept { return *context_; }

  /// SEAL (and the CPU engine) throw "result ciphertext is transparent" when c_1.. are all zero. Checking costs one
  /// device-to-host read per operation; on by default (same behaviour as the CPU backend).
  void set_check_transparent(bool on) noexcept { check_transparent_ = on; }

  void negate_inplace(DeviceCiphertext &a) const;
  void add_inplace(DeviceCiphertext &a, const DeviceCiphertext &b) const;
  void sub_inplace(DeviceCiphertext &a, const DeviceCiphertext &b) const;
  void add_plain_inplace(DeviceCiphertext &a, const DevicePlaintext &p) const;
  void sub_plain_inplace(DeviceCiphertext &a, const DevicePlaintext &p) const;
  /// a = a * b (size s_a + s_b - 1, scale product). @throws as cf::ckks::Evaluator::multiply_inplace.
  void multiply_inplace(DeviceCiphertext &a, const DeviceCiphertext &b) const;
  void square_inplace(DeviceCiphertext &a) const;
  void multiply_plain_inplace(DeviceCiphertext &a, const DevicePlaintext &p) const;
  /// @throws as cf::ckks::Evaluator::relinearize_inplace.
  void relinearize_inplace(DeviceCiphertext &a, const DeviceRelinKeys &keys) const;
  /// @throws std::invalid_argument at level 0.
  void rescale_to_next_inplace(DeviceCiphertext &a) const;
  /// @throws std::invalid_argument at level 0 or if the scale is out of bounds for the next level.
  void mod_switch_to_next_inplace(DeviceCiphertext &a) const;
  void mod_switch_to_next_inplace(DevicePlaintext &p) const;
  /// X -> X^galois_elt plus key switch (size 2 only). @throws as cf::ckks::Evaluator::apply_galois_inplace.
  void apply_galois_inplace(DeviceCiphertext &a, uint32_t galois_elt, const DeviceGaloisKeys &keys) const;
  /// SEAL's rotate_vector (own key if present, else the non-adjacent form). @throws as the CPU evaluator.
  void rotate_vector_inplace(DeviceCiphertext &a, int steps, const DeviceGaloisKeys &keys) const;
  void complex_conjugate_inplace(DeviceCiphertext &a, const DeviceGaloisKeys &keys) const;
  /// Hoisted rotations, bit-identical to cf::ckks::Evaluator::rotate_hoisted. @throws as the CPU evaluator.
  std::vector<DeviceCiphertext> rotate_hoisted(const DeviceCiphertext &a, const std::vector<int> &steps,
                                               const DeviceGaloisKeys &keys) const;

  /// Raw forward NTT of every limb of every polynomial of a (limb i under prime i); metadata unchanged. For tests and
  /// benchmarks (the CKKS operations keep ciphertexts in NTT form). Input limbs in [0, q_i), output in [0, q_i).
  void ntt_forward_limbs(DeviceCiphertext &a) const;
  /// Raw inverse NTT of every limb (including the factor 1/N). Input in [0, q_i), output in [0, q_i).
  void ntt_inverse_limbs(DeviceCiphertext &a) const;

 private:
  void switch_key(size_t level, const uint64_t *target, const DeviceKSwitchKey &key, uint64_t *c0,
                  uint64_t *c1) const;
  void check_not_transparent(const DeviceCiphertext &a) const;
  void check_galois_key(const DeviceGaloisKeys &keys, uint32_t galois_elt) const;

  std::shared_ptr<const DeviceContext> context_;
  bool check_transparent_ = true;
};

}  // namespace cf::cuda
