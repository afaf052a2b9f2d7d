#include "cipherformer/ckks/rlwe.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cipherformer/util/poly_arith.h"
#include "cipherformer/util/sampling.h"

namespace cf::ckks {

util::ThreadPool &pool_or_default(util::ThreadPool *pool) noexcept {
  return pool != nullptr ? *pool : util::default_thread_pool();
}

void ntt_forward_limbs(const Context &context, uint64_t *poly, size_t limb_count, util::ThreadPool &pool) {
  const size_t n = context.poly_degree();
  pool.parallel_for(limb_count, [&](size_t i) { context.ntt_tables(i).forward(poly + i * n); });
}

void ntt_inverse_limbs(const Context &context, uint64_t *poly, size_t limb_count, util::ThreadPool &pool) {
  const size_t n = context.poly_degree();
  pool.parallel_for(limb_count, [&](size_t i) { context.ntt_tables(i).inverse(poly + i * n); });
}

Ciphertext encrypt_zero_symmetric(const Context &context, const SecretKey &secret_key, size_t level,
                                  util::ThreadPool &pool) {
  const size_t n = context.poly_degree();
  const auto &moduli = context.moduli(level);
  const size_t k = moduli.size();
  Ciphertext ct;
  ct.level = level;
  ct.size = 2;
  ct.scale = 1.0;
  ct.data.assign(2 * k * n, 0);

  // The bootstrap PRNG (fresh OS seed) draws the public seed first and the noise afterwards, as in SEAL.
  util::Blake2xbPrng bootstrap(util::os_random_seed());
  util::PrngSeed public_seed;
  bootstrap.generate(sizeof(public_seed), public_seed.data());
  util::Blake2xbPrng ciphertext_prng(public_seed);
  uint64_t *c0 = ct.poly(0, n);
  uint64_t *c1 = ct.poly(1, n);
  // In NTT form the uniform polynomial is used as NTT values directly (no transform), as SEAL does.
  util::sample_poly_uniform(ciphertext_prng, moduli, n, c1);
  std::vector<uint64_t> noise(k * n);
  util::sample_poly_cbd(bootstrap, moduli, n, noise.data());

  pool.parallel_for(k, [&](size_t i) {
    const util::Modulus &q = moduli[i];
    uint64_t *c0_i = c0 + i * n;
    util::dyadic_multiply_mod(secret_key.data.data() + i * n, c1 + i * n, n, q, c0_i);
    context.ntt_tables(i).forward(noise.data() + i * n);
    util::add_poly_mod(noise.data() + i * n, c0_i, n, q, c0_i);
    util::negate_poly_mod(c0_i, n, q, c0_i);
  });
  ct.seed = public_seed;
  return ct;
}

Ciphertext encrypt_zero_asymmetric(const Context &context, const PublicKey &public_key, size_t level,
                                   util::ThreadPool &pool) {
  const size_t n = context.poly_degree();
  const auto &moduli = context.moduli(level);
  const size_t k = moduli.size();
  Ciphertext ct;
  ct.level = level;
  ct.size = 2;
  ct.scale = 1.0;
  ct.data.assign(2 * k * n, 0);

  // u and both noise polynomials come from one OS-seeded PRNG, in this order, as in SEAL.
  util::Blake2xbPrng prng(util::os_random_seed());
  std::vector<uint64_t> u(k * n);
  util::sample_poly_ternary(prng, moduli, n, u.data());
  std::vector<uint64_t> e0(k * n);
  std::vector<uint64_t> e1(k * n);
  util::sample_poly_cbd(prng, moduli, n, e0.data());
  util::sample_poly_cbd(prng, moduli, n, e1.data());

  pool.parallel_for(k, [&](size_t i) {
    const util::Modulus &q = moduli[i];
    const util::NttTables &ntt = context.ntt_tables(i);
    ntt.forward(u.data() + i * n);
    ntt.forward(e0.data() + i * n);
    ntt.forward(e1.data() + i * n);
    uint64_t *c0_i = ct.limb(0, i, n);
    uint64_t *c1_i = ct.limb(1, i, n);
    util::dyadic_multiply_mod(u.data() + i * n, public_key.data.limb(0, i, n), n, q, c0_i);
    util::dyadic_multiply_mod(u.data() + i * n, public_key.data.limb(1, i, n), n, q, c1_i);
    util::add_poly_mod(e0.data() + i * n, c0_i, n, q, c0_i);
    util::add_poly_mod(e1.data() + i * n, c1_i, n, q, c1_i);
  });
  return ct;
}

void divide_and_round_q_last_ntt(const Context &context, size_t level, uint64_t *polys, size_t poly_count,
                                 size_t poly_stride, util::ThreadPool &pool) {
  if (level == 0) throw std::invalid_argument("cannot divide by the last prime at level 0");
  const size_t n = context.poly_degree();
  const LevelData &data = context.level(level);
  const auto &moduli = data.moduli();
  const util::Modulus &q_last = moduli[level];
  // Adding floor(q_last / 2) before the implicit floor turns the division into rounding.
  const uint64_t half = q_last.value() >> 1;
  // The last limbs of all polynomials at once, then every (polynomial, limb) pair as its own task: no serial inverse
  // NTT per polynomial between the parallel loops.
  pool.parallel_for(poly_count, [&](size_t p) {
    uint64_t *last = polys + p * poly_stride + level * n;
    context.ntt_tables(level).inverse(last);
    util::add_poly_scalar_mod(last, n, half, q_last, last);
  });

  pool.parallel_for(poly_count * level, [&](size_t task) {
    const size_t p = task / level;
    const size_t i = task % level;
    const util::Modulus &q = moduli[i];
    const uint64_t *last = polys + p * poly_stride + level * n;
    uint64_t *limb = polys + p * poly_stride + i * n;
    // Fully overwritten below, so not zero-filled.
    const std::unique_ptr<uint64_t[]> temp(new uint64_t[n]);
    const uint64_t half_mod = util::barrett_reduce_64(half, q);
    // One pass each for (r mod q_i) - (half mod q_i) and for (c_i - NTT(...)) * q_last^-1: the same exact values as
    // separate modulo / subtract / multiply passes, with half the memory traffic.
    for (size_t j = 0; j < n; ++j) temp[j] = util::sub_mod(util::barrett_reduce_64(last[j], q), half_mod, q);
    context.ntt_tables(i).forward(temp.get());
    const util::MulOperand &inv = data.inv_last_mod()[i];
    for (size_t j = 0; j < n; ++j) limb[j] = util::multiply_mod(util::sub_mod(limb[j], temp[j], q), inv, q);
  });
}

void divide_and_round_q_last_ntt(const Context &context, size_t level, uint64_t *poly, util::ThreadPool &pool) {
  divide_and_round_q_last_ntt(context, level, poly, 1, 0, pool);
}

void expand_seeded_c1(const Context &context, Ciphertext &ct) {
  if (!ct.seed) throw std::invalid_argument("ciphertext has no seed to expand");
  const size_t n = context.poly_degree();
  const auto &moduli = context.moduli(ct.level);
  if (ct.size < 2 || ct.data.size() != ct.size * moduli.size() * n) {
    throw std::invalid_argument("ciphertext data has " + std::to_string(ct.data.size()) +
                                " words, which does not match its size and level");
  }
  util::Blake2xbPrng prng(*ct.seed);
  util::sample_poly_uniform(prng, moduli, n, ct.poly(1, n));
}

}  // namespace cf::ckks
