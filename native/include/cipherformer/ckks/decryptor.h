#pragma once
// Decryption as SEAL 4.1's Decryptor for CKKS.

#include <memory>

#include "cipherformer/ckks/ciphertext.h"
#include "cipherformer/ckks/context.h"
#include "cipherformer/ckks/keys.h"
#include "cipherformer/ckks/plaintext.h"
#include "cipherformer/util/thread_pool.h"

namespace cf::ckks {

class Decryptor {
 public:
  /// @throws std::invalid_argument naming the value if the secret key is malformed.
  Decryptor(std::shared_ptr<const Context> context, const SecretKey &secret_key, util::ThreadPool *pool = nullptr);

  /// m = c_0 + c_1 s + ... + c_{size-1} s^{size-1} (NTT form, at the ciphertext's level and scale).
  /// @throws std::invalid_argument naming the value if the ciphertext is malformed.
  Plaintext decrypt(const Ciphertext &encrypted) const;

 private:
  std::shared_ptr<const Context> context_;
  util::ThreadPool *pool_;
  SecretKey secret_key_;
};

}  // namespace cf::ckks
