#pragma once
// Key generation as SEAL 4.1's KeyGenerator: ternary secret key, public key = symmetric encryption of zero at the key
// level, and key-switching keys (relinearization, Galois) per SEAL's generate_one_kswitch_key.

#include <cstdint>
#include <memory>
#include <vector>

#include "cipherformer/ckks/context.h"
#include "cipherformer/ckks/keys.h"
#include "cipherformer/util/thread_pool.h"

namespace cf::ckks {

class KeyGenerator {
 public:
  /// Samples a fresh secret key: ternary coefficients from a Blake2xbPrng seeded by the OS CSPRNG, stored in NTT form
  /// over all key-level primes.
  explicit KeyGenerator(std::shared_ptr<const Context> context, util::ThreadPool *pool = nullptr);
  /// Uses an existing secret key. @throws std::invalid_argument naming the value if it has the wrong size or a
  ///         coefficient is not below its prime.
  KeyGenerator(std::shared_ptr<const Context> context, SecretKey secret_key, util::ThreadPool *pool = nullptr);

  const SecretKey &secret_key() const noexcept { return secret_key_; }

  /// (c_0, c_1) = (-(a s + e), a) at the key level, a from a fresh public seed (kept in data.seed).
  PublicKey create_public_key() const;

  /// One key switching s^2 -> s (RelinKeys::data[0]). @throws std::logic_error with a single prime.
  RelinKeys create_relin_keys() const;

  /// Galois keys for the given elements (duplicates are generated once): key g switches s(X^g) -> s.
  /// @throws std::invalid_argument naming the element if it is even or >= 2N; std::logic_error with a single prime.
  GaloisKeys create_galois_keys(const std::vector<uint32_t> &galois_elts) const;
  /// Galois keys for rotation steps (0 means conjugation), via galois_elt_from_step.
  /// @throws std::invalid_argument naming the step if |step| >= N/2.
  GaloisKeys create_galois_keys_for_steps(const std::vector<int> &steps) const;
  /// SEAL's default set: conjugation and +-2^i rotations (all_power_of_two_galois_elts).
  GaloisKeys create_galois_keys() const;

  /// SEAL's generate_one_kswitch_key: for each prime q_i of the first data level, a fresh symmetric encryption of zero
  /// at the key level whose c_0 limb i gets + (P mod q_i) * new_key_i. new_key is an NTT-form key-level polynomial.
  KSwitchKeys create_kswitch_key(const uint64_t *new_key) const;

 private:
  std::shared_ptr<const Context> context_;
  util::ThreadPool *pool_;
  SecretKey secret_key_;
};

}  // namespace cf::ckks
