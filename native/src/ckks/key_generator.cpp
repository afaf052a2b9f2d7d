#include "cipherformer/ckks/key_generator.h"

#include <set>
#include <stdexcept>
#include <string>

#include "cipherformer/ckks/galois.h"
#include "cipherformer/ckks/rlwe.h"
#include "cipherformer/ckks/validation.h"
#include "cipherformer/util/poly_arith.h"
#include "cipherformer/util/sampling.h"

namespace cf::ckks {

KeyGenerator::KeyGenerator(std::shared_ptr<const Context> context, util::ThreadPool *pool)
    : context_(std::move(context)), pool_(pool) {
  if (!context_) throw std::invalid_argument("context is null");
  const size_t n = context_->poly_degree();
  const auto &moduli = context_->key_moduli();
  secret_key_.data.assign(moduli.size() * n, 0);
  util::Blake2xbPrng prng(util::os_random_seed());
  util::sample_poly_ternary(prng, moduli, n, secret_key_.data.data());
  ntt_forward_limbs(*context_, secret_key_.data.data(), moduli.size(), pool_or_default(pool_));
}

KeyGenerator::KeyGenerator(std::shared_ptr<const Context> context, SecretKey secret_key, util::ThreadPool *pool)
    : context_(std::move(context)), pool_(pool), secret_key_(std::move(secret_key)) {
  if (!context_) throw std::invalid_argument("context is null");
  check_secret_key(*context_, secret_key_);
  const size_t n = context_->poly_degree();
  const auto &moduli = context_->key_moduli();
  for (size_t i = 0; i < moduli.size(); ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (secret_key_.data[i * n + j] >= moduli[i].value()) {
        throw std::invalid_argument("secret key coefficient " + std::to_string(j) + " of limb " + std::to_string(i) +
                                    " is not below its prime " + std::to_string(moduli[i].value()));
      }
    }
  }
}

PublicKey KeyGenerator::create_public_key() const {
  PublicKey pk;
  pk.data = encrypt_zero_symmetric(*context_, secret_key_, context_->key_level(), pool_or_default(pool_));
  return pk;
}

KSwitchKeys KeyGenerator::create_kswitch_key(const uint64_t *new_key) const {
  if (!context_->using_key_switching()) throw std::logic_error("key switching is not supported with a single prime");
  const size_t n = context_->poly_degree();
  const auto &moduli = context_->key_moduli();
  const uint64_t special = moduli.back().value();
  const size_t parts = context_->first_level() + 1;
  auto &pool = pool_or_default(pool_);
  KSwitchKeys key;
  key.data.resize(parts);
  for (size_t i = 0; i < parts; ++i) {
    Ciphertext ct = encrypt_zero_symmetric(*context_, secret_key_, context_->key_level(), pool);
    // c_0 limb i += (P mod q_i) * new_key limb i: the part carries P * s' in the i-th CRT slot only.
    util::MulOperand factor;
    factor.set(util::barrett_reduce_64(special, moduli[i]), moduli[i]);
    std::vector<uint64_t> temp(n);
    util::multiply_poly_scalar_mod(new_key + i * n, n, factor, moduli[i], temp.data());
    util::add_poly_mod(ct.limb(0, i, n), temp.data(), n, moduli[i], ct.limb(0, i, n));
    key.data[i].data = std::move(ct);
  }
  return key;
}

RelinKeys KeyGenerator::create_relin_keys() const {
  const size_t n = context_->poly_degree();
  const auto &moduli = context_->key_moduli();
  std::vector<uint64_t> s2(moduli.size() * n);
  for (size_t i = 0; i < moduli.size(); ++i) {
    util::dyadic_multiply_mod(secret_key_.data.data() + i * n, secret_key_.data.data() + i * n, n, moduli[i],
                              s2.data() + i * n);
  }
  RelinKeys keys;
  keys.data.push_back(create_kswitch_key(s2.data()));
  return keys;
}

GaloisKeys KeyGenerator::create_galois_keys(const std::vector<uint32_t> &galois_elts) const {
  const size_t n = context_->poly_degree();
  for (uint32_t elt : galois_elts) {
    if ((elt & 1) == 0 || elt >= 2 * n) {
      throw std::invalid_argument("Galois element " + std::to_string(elt) + " is not valid (must be odd and < 2N = " +
                                  std::to_string(2 * n) + ")");
    }
  }
  const auto &moduli = context_->key_moduli();
  GaloisKeys keys;
  for (uint32_t elt : galois_elts) {
    if (keys.has_key(elt)) continue;
    const std::vector<uint32_t> &perm = context_->galois_permutation(elt);
    std::vector<uint64_t> rotated(moduli.size() * n);
    for (size_t i = 0; i < moduli.size(); ++i) {
      const uint64_t *s = secret_key_.data.data() + i * n;
      uint64_t *r = rotated.data() + i * n;
      for (size_t j = 0; j < n; ++j) r[j] = s[perm[j]];
    }
    keys.data.emplace(elt, create_kswitch_key(rotated.data()));
  }
  return keys;
}

GaloisKeys KeyGenerator::create_galois_keys_for_steps(const std::vector<int> &steps) const {
  std::vector<uint32_t> elts;
  for (int step : steps) elts.push_back(galois_elt_from_step(step, context_->poly_degree()));
  return create_galois_keys(elts);
}

GaloisKeys KeyGenerator::create_galois_keys() const {
  return create_galois_keys(all_power_of_two_galois_elts(context_->poly_degree()));
}

}  // namespace cf::ckks
