#pragma once
// Encryption as SEAL 4.1's Encryptor for CKKS (NTT form throughout).

#include <cstddef>
#include <memory>
#include <optional>

#include "cipherformer/ckks/ciphertext.h"
#include "cipherformer/ckks/context.h"
#include "cipherformer/ckks/keys.h"
#include "cipherformer/ckks/plaintext.h"
#include "cipherformer/util/thread_pool.h"

namespace cf::ckks {

class Encryptor {
 public:
  /// Public-key encryptor. @throws std::invalid_argument naming the value if the key is malformed.
  Encryptor(std::shared_ptr<const Context> context, const PublicKey &public_key, util::ThreadPool *pool = nullptr);
  /// Secret-key (symmetric) encryptor. @throws std::invalid_argument if the key is malformed.
  Encryptor(std::shared_ptr<const Context> context, const SecretKey &secret_key, util::ThreadPool *pool = nullptr);
  /// Both keys. @throws std::invalid_argument if a key is malformed.
  Encryptor(std::shared_ptr<const Context> context, const PublicKey &public_key, const SecretKey &secret_key,
            util::ThreadPool *pool = nullptr);

  /// Public-key encryption of plain (SEAL's encrypt): an encryption of zero one level above plain's level (the key
  /// level for the first data level), switched down with divide_and_round_q_last, plus plain in c_0; scale = plain's.
  /// @throws std::invalid_argument if plain is malformed; std::logic_error if there is no public key.
  Ciphertext encrypt(const Plaintext &plain) const;
  /// Public-key encryption of zero at a data level (scale 1).
  Ciphertext encrypt_zero(size_t level) const;

  /// Symmetric encryption of plain (SEAL's encrypt_symmetric): (-(a s + e) + m, a) with a expanded from a fresh public
  /// seed, kept in the result's seed so it can be serialized seeded.
  /// @throws std::invalid_argument if plain is malformed; std::logic_error if there is no secret key.
  Ciphertext encrypt_symmetric(const Plaintext &plain) const;
  /// Symmetric encryption of zero at a data level (scale 1), seeded.
  Ciphertext encrypt_zero_symmetric(size_t level) const;

 private:
  std::shared_ptr<const Context> context_;
  util::ThreadPool *pool_;
  std::optional<PublicKey> public_key_;
  std::optional<SecretKey> secret_key_;
};

}  // namespace cf::ckks
