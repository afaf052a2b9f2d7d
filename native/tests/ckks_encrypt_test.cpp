// Key generation, public-key and symmetric encryption, decryption: precision at N = 8192 and 16384, exact noise bounds
// of keys, seeded re-expansion, lower-level encryption and input errors.

#include <chrono>
#include <cmath>
#include <random>
#include <stdexcept>

#include "cipherformer/ckks/decryptor.h"
#include "cipherformer/ckks/encoder.h"
#include "cipherformer/ckks/encryptor.h"
#include "cipherformer/ckks/key_generator.h"
#include "cipherformer/ckks/rlwe.h"
#include "cipherformer/util/poly_arith.h"
#include "ckks_test_util.h"

using namespace cf;
using namespace cf::ckks;
using namespace cf::ckks::test;
using Complex = std::complex<double>;

namespace {

// c_0 + c_1 s at every limb of a key-level ciphertext, minus `expected` (NTT form, may be null), must be a small
// (|e| <= 21, the centered-binomial bound) polynomial.
void expect_small_key_noise(const Context &ctx, const Ciphertext &ct, const SecretKey &sk,
                            const std::vector<uint64_t> *expected, const char *what) {
  const size_t n = ctx.poly_degree();
  for (size_t i = 0; i <= ct.level; ++i) {
    const util::Modulus &q = ctx.key_moduli()[i];
    std::vector<uint64_t> m(n);
    util::dyadic_multiply_mod(ct.limb(1, i, n), sk.data.data() + i * n, n, q, m.data());
    util::add_poly_mod(m.data(), ct.limb(0, i, n), n, q, m.data());
    if (expected != nullptr) util::sub_poly_mod(m.data(), expected->data() + i * n, n, q, m.data());
    const uint64_t noise = centered_max(ctx, m.data(), i);
    CF_EXPECT(noise <= 21, "%s: limb %zu noise %llu", what, i, static_cast<unsigned long long>(noise));
  }
}

void test_keys(const std::shared_ptr<const Context> &ctx) {
  const size_t n = ctx->poly_degree();
  KeyGenerator keygen(ctx);
  const SecretKey &sk = keygen.secret_key();
  // The secret is ternary: every limb's coefficient form is in {-1, 0, 1}, the same integer in every limb.
  for (size_t i = 0; i <= ctx->key_level(); ++i) {
    CF_EXPECT(centered_max(*ctx, sk.data.data() + i * n, i) == 1, "secret key limb %zu is ternary", i);
  }
  const PublicKey pk = keygen.create_public_key();
  CF_EXPECT(pk.data.level == ctx->key_level() && pk.data.size == 2 && pk.data.seed.has_value(), "public key shape");
  expect_small_key_noise(*ctx, pk.data, sk, nullptr, "public key");
  Ciphertext expanded = pk.data;
  std::fill(expanded.poly(1, n), expanded.poly(1, n) + (ctx->key_level() + 1) * n, 0);
  expand_seeded_c1(*ctx, expanded);
  CF_EXPECT(expanded.data == pk.data.data, "public key c_1 re-expands from its seed");

  // Relinearization key part i: c_0 + c_1 s = e + (P mod q_i) s^2 in limb i only.
  const RelinKeys rk = keygen.create_relin_keys();
  CF_EXPECT(rk.data.size() == 1 && rk.data[0].data.size() == ctx->first_level() + 1, "relin key shape");
  const uint64_t special = ctx->key_moduli().back().value();
  for (size_t part = 0; part < rk.data[0].data.size(); ++part) {
    std::vector<uint64_t> expected((ctx->key_level() + 1) * n, 0);
    const util::Modulus &q = ctx->key_moduli()[part];
    util::dyadic_multiply_mod(sk.data.data() + part * n, sk.data.data() + part * n, n, q, expected.data() + part * n);
    util::MulOperand p_mod;
    p_mod.set(util::barrett_reduce_64(special, q), q);
    util::multiply_poly_scalar_mod(expected.data() + part * n, n, p_mod, q, expected.data() + part * n);
    expect_small_key_noise(*ctx, rk.data[0].data[part].data, sk, &expected, "relin key part");
  }
}

void test_precision(size_t n, const std::vector<int> &bits, double log_scale, double min_bits_margin) {
  auto ctx = make_context(n, bits);
  test_keys(ctx);
  KeyGenerator keygen(ctx);
  const PublicKey pk = keygen.create_public_key();
  Encryptor encryptor(ctx, pk, keygen.secret_key());
  Decryptor decryptor(ctx, keygen.secret_key());
  CkksEncoder encoder(ctx);
  std::mt19937_64 rng(n);
  const auto values = random_complex(encoder.slot_count(), rng);
  const double scale = std::pow(2.0, log_scale);
  const double required = log_scale - (std::log2(static_cast<double>(n)) + 2) + min_bits_margin;
  for (size_t level : {ctx->first_level(), size_t{0}}) {
    const Plaintext pt = encoder.encode(values, level, scale);
    const auto t0 = std::chrono::steady_clock::now();
    const Ciphertext ct_pk = encryptor.encrypt(pt);
    const Ciphertext ct_sym = encryptor.encrypt_symmetric(pt);
    const auto t1 = std::chrono::steady_clock::now();
    CF_EXPECT(ct_pk.level == level && ct_pk.scale == scale && ct_pk.size == 2 && !ct_pk.seed, "pk ct metadata");
    CF_EXPECT(ct_sym.level == level && ct_sym.seed.has_value(), "symmetric ct metadata");
    const double bits_pk = mean_log2_precision(values, encoder.decode_complex(decryptor.decrypt(ct_pk)));
    const double bits_sym = mean_log2_precision(values, encoder.decode_complex(decryptor.decrypt(ct_sym)));
    std::printf("N=%zu level %zu scale 2^%g: mean precision %.2f bits (public key), %.2f bits (symmetric), "
                "required %.2f; 2 encryptions %.1f ms\n",
                n, level, log_scale, bits_pk, bits_sym, required,
                std::chrono::duration<double, std::milli>(t1 - t0).count());
    CF_EXPECT(bits_pk >= required, "public-key precision %.2f < %.2f", bits_pk, required);
    CF_EXPECT(bits_sym >= required, "symmetric precision %.2f < %.2f", bits_sym, required);
    Ciphertext expanded = ct_sym;
    std::fill(expanded.poly(1, n), expanded.poly(1, n) + (level + 1) * n, 0);
    expand_seeded_c1(*ctx, expanded);
    CF_EXPECT(expanded.data == ct_sym.data, "symmetric c_1 re-expands from its seed");
    // Two encryptions of the same plaintext differ (fresh randomness).
    CF_EXPECT(encryptor.encrypt(pt).data != ct_pk.data, "public-key encryption is randomized");
  }
}

void test_errors() {
  auto ctx = make_context(4096, {50, 40, 50});
  KeyGenerator keygen(ctx);
  const PublicKey pk = keygen.create_public_key();
  Encryptor encryptor(ctx, pk);
  Decryptor decryptor(ctx, keygen.secret_key());
  CkksEncoder encoder(ctx);
  const Plaintext at_key_level = encoder.encode(1.0, 2, 1e6);
  expect_throws<std::invalid_argument>("plain at key level", [&] { encryptor.encrypt(at_key_level); }, "key level");
  expect_throws<std::logic_error>("no secret key", [&] { encryptor.encrypt_symmetric(encoder.encode(1.0, 1, 1e6)); },
                                  "secret key");
  Ciphertext ct = encryptor.encrypt(encoder.encode(1.0, 1, 1e6));
  ct.data.resize(ct.data.size() - 1);
  expect_throws<std::invalid_argument>("short ciphertext", [&] { decryptor.decrypt(ct); }, "words");
  SecretKey short_key = keygen.secret_key();
  short_key.data.pop_back();
  expect_throws<std::invalid_argument>("short secret key", [&] { Decryptor(ctx, short_key); }, "secret key");
  PublicKey bad_pk = pk;
  bad_pk.data.level = 1;
  expect_throws<std::invalid_argument>("public key level", [&] { Encryptor(ctx, bad_pk); }, "key level");
  SecretKey out_of_range = keygen.secret_key();
  out_of_range.data[5] = ctx->key_moduli()[0].value();
  expect_throws<std::invalid_argument>("secret key coefficient", [&] { KeyGenerator(ctx, out_of_range); },
                                       "coefficient 5");
}

}  // namespace

int main() {
  test_precision(8192, {60, 40, 40, 60}, 40, 0);
  test_precision(16384, {60, 50, 50, 50, 60}, 50, 0);
  test_errors();
  return finish("ckks_encrypt_test");
}
