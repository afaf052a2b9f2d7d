#pragma once
// Homomorphic operations on CKKS ciphertexts, bit-identical to SEAL 4.1's Evaluator for every operation SEAL has, with
// SEAL's metadata checks; plus hoisted rotations (beyond SEAL).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "cipherformer/ckks/ciphertext.h"
#include "cipherformer/ckks/context.h"
#include "cipherformer/ckks/keys.h"
#include "cipherformer/ckks/plaintext.h"
#include "cipherformer/util/thread_pool.h"

namespace cf::ckks {

/// Stateless evaluator bound to a context. Thread-safe: operations on distinct outputs may run concurrently.
/// Limb-parallel loops run on `pool` (util::default_thread_pool() if null). Every operation clears the seed of its
/// result. Unless stated otherwise, every operation checks its operands (check_ciphertext / check_plaintext) and throws
/// std::invalid_argument naming the operand and the value, and (like SEAL built with
/// SEAL_THROW_ON_TRANSPARENT_CIPHERTEXT) throws std::logic_error "result ciphertext is transparent" if a result's
/// c_1..c_{size-1} are all zero.
class Evaluator {
 public:
  explicit Evaluator(std::shared_ptr<const Context> context, util::ThreadPool *pool = nullptr);

  const Context &context() const noexcept { return *context_; }

  /// a = -a.
  void negate_inplace(Ciphertext &a) const;
  Ciphertext negate(const Ciphertext &a) const;

  /// a = a + b. Sizes may differ (the result has the larger size).
  /// @throws std::invalid_argument on level mismatch or scale mismatch (are_same_scale).
  void add_inplace(Ciphertext &a, const Ciphertext &b) const;
  Ciphertext add(const Ciphertext &a, const Ciphertext &b) const;

  /// a = a - b. Sizes may differ. @throws std::invalid_argument on level or scale mismatch.
  void sub_inplace(Ciphertext &a, const Ciphertext &b) const;
  Ciphertext sub(const Ciphertext &a, const Ciphertext &b) const;

  /// a = a + p (p added to c_0). @throws std::invalid_argument on level or scale mismatch.
  void add_plain_inplace(Ciphertext &a, const Plaintext &p) const;
  Ciphertext add_plain(const Ciphertext &a, const Plaintext &p) const;

  /// a = a - p. @throws std::invalid_argument on level or scale mismatch.
  void sub_plain_inplace(Ciphertext &a, const Plaintext &p) const;
  Ciphertext sub_plain(const Ciphertext &a, const Plaintext &p) const;

  /// a = a * b: size s_a + s_b - 1 (2 x 2 -> 3), scale = scale_a * scale_b.
  /// @throws std::invalid_argument on level mismatch, or "scale out of bounds" if (int)log2(scale) >= the level's
  ///         total modulus bit count.
  void multiply_inplace(Ciphertext &a, const Ciphertext &b) const;
  Ciphertext multiply(const Ciphertext &a, const Ciphertext &b) const;

  /// a = a * a. @throws as multiply.
  void square_inplace(Ciphertext &a) const;
  Ciphertext square(const Ciphertext &a) const;

  /// a = a * p (every polynomial times p), scale = scale_a * scale_p.
  /// @throws std::invalid_argument on level mismatch or scale out of bounds.
  void multiply_plain_inplace(Ciphertext &a, const Plaintext &p) const;
  Ciphertext multiply_plain(const Ciphertext &a, const Plaintext &p) const;

  /// Reduces a size-3 (or larger, given enough keys) ciphertext to size 2 with the relinearization key(s).
  /// @throws std::invalid_argument if relin_keys has fewer than size - 2 keys or a key is malformed.
  void relinearize_inplace(Ciphertext &a, const RelinKeys &relin_keys) const;
  Ciphertext relinearize(const Ciphertext &a, const RelinKeys &relin_keys) const;

  /// Divides by the last prime of a's level with rounding (SEAL's divide_and_round_q_last_ntt) and drops it:
  /// level - 1, scale / q_last. @throws std::invalid_argument "end of modulus switching chain reached" at level 0.
  void rescale_to_next_inplace(Ciphertext &a) const;
  Ciphertext rescale_to_next(const Ciphertext &a) const;

  /// Drops the last prime without scaling (level - 1, scale unchanged).
  /// @throws std::invalid_argument at level 0 or if the scale is out of bounds for the next level.
  void mod_switch_to_next_inplace(Ciphertext &a) const;
  Ciphertext mod_switch_to_next(const Ciphertext &a) const;
  /// Repeated mod_switch_to_next down to `level`. @throws std::invalid_argument if level > a.level.
  void mod_switch_to_inplace(Ciphertext &a, size_t level) const;

  /// Drops the last prime of a plaintext (NTT form: the remaining limbs are unchanged).
  void mod_switch_to_next_inplace(Plaintext &p) const;
  /// Repeated mod_switch_to_next for a plaintext down to `level`.
  void mod_switch_to_inplace(Plaintext &p, size_t level) const;

  /// Applies X -> X^galois_elt and switches back to s with galois_keys (SEAL's apply_galois_inplace; size 2 only).
  /// @throws std::invalid_argument "Galois key not present" naming the element, or if a.size != 2.
  void apply_galois_inplace(Ciphertext &a, uint32_t galois_elt, const GaloisKeys &galois_keys) const;

  /// Rotates the slots left by steps (right if negative), as SEAL's rotate_vector: uses the key of
  /// galois_elt_from_step(steps) if present, else the non-adjacent form of steps, one key per term.
  /// steps = 0 is a copy. @throws std::invalid_argument if |steps| >= N/2 or a needed Galois key is missing.
  void rotate_vector_inplace(Ciphertext &a, int steps, const GaloisKeys &galois_keys) const;
  Ciphertext rotate_vector(const Ciphertext &a, int steps, const GaloisKeys &galois_keys) const;

  /// Conjugates every slot (Galois element 2N - 1).
  void complex_conjugate_inplace(Ciphertext &a, const GaloisKeys &galois_keys) const;
  Ciphertext complex_conjugate(const Ciphertext &a, const GaloisKeys &galois_keys) const;

  /// Hoisted rotations: one decomposition of c_1 (L inverse NTTs and L^2 NTTs of its digits, see
  /// hoisted_key_switch.h) shared by all steps; per step only the Galois permutation of the NTT-form digits (no NTT),
  /// the key products and one division by P. Result i is bit-identical to rotate_vector(a, steps[i]) when that
  /// rotation uses the key of steps[i] directly (0: a copy of a). Every non-zero step must have its own Galois key (no
  /// NAF fallback). Memory: the shared digits (L (L + 1) N words) plus one step's scratch, besides the results.
  /// @throws std::invalid_argument if a.size != 2, a step is out of range or its Galois key is missing.
  std::vector<Ciphertext> rotate_hoisted(const Ciphertext &a, const std::vector<int> &steps,
                                         const GaloisKeys &galois_keys) const;

 private:
  void check_galois_key(const GaloisKeys &galois_keys, uint32_t galois_elt) const;
  void check_not_transparent(const Ciphertext &result) const;

  std::shared_ptr<const Context> context_;
  util::ThreadPool *pool_;
};

}  // namespace cf::ckks
