#include "cipherformer/ckks/encryptor.h"

#include <stdexcept>
#include <string>

#include "cipherformer/ckks/rlwe.h"
#include "cipherformer/ckks/validation.h"
#include "cipherformer/util/poly_arith.h"

namespace cf::ckks {
namespace {

void check_data_level(const Context &context, size_t level) {
  if (level > context.first_level()) {
    throw std::invalid_argument("level " + std::to_string(level) + " is not a data level (highest data level is " +
                                std::to_string(context.first_level()) + ")");
  }
}

void add_plain_to_c0(const Context &context, Ciphertext &ct, const Plaintext &plain, util::ThreadPool &pool) {
  const size_t n = context.poly_degree();
  const auto &moduli = context.moduli(ct.level);
  pool.parallel_for(moduli.size(), [&](size_t i) {
    util::add_poly_mod(ct.limb(0, i, n), plain.limb(i, n), n, moduli[i], ct.limb(0, i, n));
  });
  ct.scale = plain.scale;
}

}  // namespace

Encryptor::Encryptor(std::shared_ptr<const Context> context, const PublicKey &public_key, util::ThreadPool *pool)
    : context_(std::move(context)), pool_(pool), public_key_(public_key) {
  if (!context_) throw std::invalid_argument("context is null");
  check_key_ciphertext(*context_, public_key_->data, "public key");
}

Encryptor::Encryptor(std::shared_ptr<const Context> context, const SecretKey &secret_key, util::ThreadPool *pool)
    : context_(std::move(context)), pool_(pool), secret_key_(secret_key) {
  if (!context_) throw std::invalid_argument("context is null");
  check_secret_key(*context_, *secret_key_);
}

Encryptor::Encryptor(std::shared_ptr<const Context> context, const PublicKey &public_key, const SecretKey &secret_key,
                     util::ThreadPool *pool)
    : context_(std::move(context)), pool_(pool), public_key_(public_key), secret_key_(secret_key) {
  if (!context_) throw std::invalid_argument("context is null");
  check_key_ciphertext(*context_, public_key_->data, "public key");
  check_secret_key(*context_, *secret_key_);
}

Ciphertext Encryptor::encrypt_zero(size_t level) const {
  if (!public_key_) throw std::logic_error("public key is not set");
  context_->level(level);
  check_data_level(*context_, level);
  auto &pool = pool_or_default(pool_);
  if (level == context_->key_level()) {
    // Only with a single prime: no level above to switch down from.
    return encrypt_zero_asymmetric(*context_, *public_key_, level, pool);
  }
  // As SEAL: encrypt one level up, then divide by that level's last prime with rounding (halves the u * e noise).
  Ciphertext upper = encrypt_zero_asymmetric(*context_, *public_key_, level + 1, pool);
  const size_t n = context_->poly_degree();
  Ciphertext ct;
  ct.level = level;
  ct.size = 2;
  ct.scale = 1.0;
  ct.data.resize(2 * (level + 1) * n);
  divide_and_round_q_last_ntt(*context_, level + 1, upper.data.data(), 2, (level + 2) * n, pool);
  for (size_t p = 0; p < 2; ++p) {
    const uint64_t *poly = upper.poly(p, n);
    std::copy(poly, poly + (level + 1) * n, ct.poly(p, n));
  }
  return ct;
}

Ciphertext Encryptor::encrypt(const Plaintext &plain) const {
  if (!public_key_) throw std::logic_error("public key is not set");
  check_plaintext(*context_, plain, "plain");
  Ciphertext ct = encrypt_zero(plain.level);
  add_plain_to_c0(*context_, ct, plain, pool_or_default(pool_));
  return ct;
}

Ciphertext Encryptor::encrypt_zero_symmetric(size_t level) const {
  if (!secret_key_) throw std::logic_error("secret key is not set");
  context_->level(level);
  check_data_level(*context_, level);
  return cf::ckks::encrypt_zero_symmetric(*context_, *secret_key_, level, pool_or_default(pool_));
}

Ciphertext Encryptor::encrypt_symmetric(const Plaintext &plain) const {
  if (!secret_key_) throw std::logic_error("secret key is not set");
  check_plaintext(*context_, plain, "plain");
  Ciphertext ct = cf::ckks::encrypt_zero_symmetric(*context_, *secret_key_, plain.level, pool_or_default(pool_));
  add_plain_to_c0(*context_, ct, plain, pool_or_default(pool_));
  return ct;
}

}  // namespace cf::ckks
