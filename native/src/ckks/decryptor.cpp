#include "cipherformer/ckks/decryptor.h"

#include <stdexcept>
#include <vector>

#include "cipherformer/ckks/rlwe.h"
#include "cipherformer/ckks/validation.h"
#include "cipherformer/util/poly_arith.h"

namespace cf::ckks {

Decryptor::Decryptor(std::shared_ptr<const Context> context, const SecretKey &secret_key, util::ThreadPool *pool)
    : context_(std::move(context)), pool_(pool), secret_key_(secret_key) {
  if (!context_) throw std::invalid_argument("context is null");
  check_secret_key(*context_, secret_key_);
}

Plaintext Decryptor::decrypt(const Ciphertext &encrypted) const {
  check_ciphertext(*context_, encrypted, "encrypted");
  const size_t n = context_->poly_degree();
  const auto &moduli = context_->moduli(encrypted.level);
  Plaintext plain;
  plain.level = encrypted.level;
  plain.scale = encrypted.scale;
  plain.is_ntt_form = true;
  plain.data.assign(moduli.size() * n, 0);
  // Horner in NTT form: m = (((c_{s-1}) s + c_{s-2}) s + ...) s + c_0; exact mod q_i, so equal to SEAL's sum of
  // c_j * s^j.
  pool_or_default(pool_).parallel_for(moduli.size(), [&](size_t i) {
    const util::Modulus &q = moduli[i];
    const uint64_t *s = secret_key_.data.data() + i * n;
    uint64_t *m = plain.limb(i, n);
    std::copy(encrypted.limb(encrypted.size - 1, i, n), encrypted.limb(encrypted.size - 1, i, n) + n, m);
    for (size_t p = encrypted.size - 1; p-- > 0;) {
      util::dyadic_multiply_mod(m, s, n, q, m);
      util::add_poly_mod(m, encrypted.limb(p, i, n), n, q, m);
    }
  });
  return plain;
}

}  // namespace cf::ckks
