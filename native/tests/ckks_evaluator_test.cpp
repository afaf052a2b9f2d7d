// Evaluator: every operation against the plaintext operation, exact references for rescale, relinearization and
// hoisted rotation (simple per-coefficient loops with % and unsigned __int128), levels and scales, metadata errors.

#include <cmath>
#include <random>
#include <stdexcept>

#include "cipherformer/ckks/decryptor.h"
#include "cipherformer/ckks/encoder.h"
#include "cipherformer/ckks/encryptor.h"
#include "cipherformer/ckks/evaluator.h"
#include "cipherformer/ckks/galois.h"
#include "cipherformer/ckks/hoisted_key_switch.h"
#include "cipherformer/ckks/key_generator.h"
#include "cipherformer/ckks/key_switch.h"
#include "cipherformer/ckks/validation.h"
#include "ckks_test_util.h"

using namespace cf;
using namespace cf::ckks;
using namespace cf::ckks::test;
using Complex = std::complex<double>;
using util::uint128_t;

namespace {

uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m) { return static_cast<uint64_t>(static_cast<uint128_t>(a) * b % m); }
uint64_t powmod(uint64_t b, uint64_t e, uint64_t m) {
  uint64_t r = 1;
  for (b %= m; e; e >>= 1, b = mulmod(b, b, m)) {
    if (e & 1) r = mulmod(r, b, m);
  }
  return r;
}
uint64_t reduce_signed(int64_t v, uint64_t m) {
  const int64_t r = v % static_cast<int64_t>(m);
  return static_cast<uint64_t>(r < 0 ? r + static_cast<int64_t>(m) : r);
}

struct Fixture {
  std::shared_ptr<const Context> ctx;
  KeyGenerator keygen;
  PublicKey pk;
  RelinKeys rk;
  GaloisKeys gk;
  Encryptor encryptor;
  Decryptor decryptor;
  CkksEncoder encoder;
  Evaluator evaluator;
  double scale = std::pow(2.0, 40);
  size_t n;
  size_t slots;

  explicit Fixture(std::shared_ptr<const Context> c)
      : ctx(c),
        keygen(c),
        pk(keygen.create_public_key()),
        rk(keygen.create_relin_keys()),
        gk(keygen.create_galois_keys()),
        encryptor(c, pk, keygen.secret_key()),
        decryptor(c, keygen.secret_key()),
        encoder(c),
        evaluator(c),
        n(c->poly_degree()),
        slots(c->slot_count()) {
    // Two explicit non-power-of-two steps for the hoisting tests.
    for (auto &kv : keygen.create_galois_keys_for_steps({3, -7}).data) gk.data.emplace(kv.first, kv.second);
  }
  Ciphertext enc(const std::vector<Complex> &v, size_t level) { return encryptor.encrypt(encoder.encode(v, level, scale)); }
  std::vector<Complex> dec(const Ciphertext &ct) { return encoder.decode_complex(decryptor.decrypt(ct)); }
};

// SEAL's key-switching formula written out per coefficient: digits (signed integers, one polynomial per data prime)
// times key parts under every key prime, then division by P rounding with the balanced lift of the P-residue.
// Returns the two NTT-form polynomials (level + 1 limbs each) to add to c_0 and c_1.
std::vector<uint64_t> reference_key_switch(const Context &ctx, size_t level,
                                           const std::vector<std::vector<int64_t>> &digits, const KSwitchKeys &key) {
  const size_t n = ctx.poly_degree();
  const size_t L = level + 1;
  const size_t special = ctx.key_level();
  std::vector<std::vector<uint64_t>> acc(2 * (L + 1), std::vector<uint64_t>(n, 0));
  for (size_t t = 0; t <= L; ++t) {
    const size_t prime = t < L ? t : special;
    const uint64_t m = ctx.key_moduli()[prime].value();
    for (size_t j = 0; j < L; ++j) {
      std::vector<uint64_t> d(n);
      for (size_t i = 0; i < n; ++i) d[i] = reduce_signed(digits[j][i], m);
      ctx.ntt_tables(prime).forward(d.data());
      for (size_t c = 0; c < 2; ++c) {
        const uint64_t *k = key.data[j].data.limb(c, prime, n);
        auto &a = acc[c * (L + 1) + t];
        for (size_t i = 0; i < n; ++i) a[i] = (a[i] + mulmod(d[i], k[i], m)) % m;
      }
    }
  }
  const uint64_t p = ctx.key_moduli()[special].value();
  const uint64_t half = p / 2;
  std::vector<uint64_t> out(2 * L * n);
  for (size_t c = 0; c < 2; ++c) {
    std::vector<uint64_t> last = acc[c * (L + 1) + L];
    ctx.ntt_tables(special).inverse(last.data());
    for (size_t i = 0; i < L; ++i) {
      const uint64_t q = ctx.key_moduli()[i].value();
      std::vector<uint64_t> w(n);
      for (size_t x = 0; x < n; ++x) {
        const int64_t balanced = last[x] < p - half ? static_cast<int64_t>(last[x]) : static_cast<int64_t>(last[x]) - static_cast<int64_t>(p);
        w[x] = reduce_signed(balanced, q);
      }
      ctx.ntt_tables(i).forward(w.data());
      const uint64_t inv_p = powmod(p % q, q - 2, q);
      for (size_t x = 0; x < n; ++x) {
        out[(c * L + i) * n + x] = mulmod((acc[c * (L + 1) + i][x] + q - w[x]) % q, inv_p, q);
      }
    }
  }
  return out;
}

std::vector<std::vector<int64_t>> canonical_digits(const Context &ctx, size_t level, const uint64_t *target) {
  const size_t n = ctx.poly_degree();
  std::vector<std::vector<int64_t>> digits;
  for (size_t j = 0; j <= level; ++j) {
    std::vector<uint64_t> c(target + j * n, target + (j + 1) * n);
    ctx.ntt_tables(j).inverse(c.data());
    digits.emplace_back(c.begin(), c.end());
  }
  return digits;
}

void add_delta(const Context &ctx, Ciphertext &ct, const std::vector<uint64_t> &delta) {
  const size_t n = ctx.poly_degree();
  for (size_t c = 0; c < 2; ++c) {
    for (size_t i = 0; i <= ct.level; ++i) {
      const uint64_t q = ctx.key_moduli()[i].value();
      uint64_t *limb = ct.limb(c, i, n);
      for (size_t x = 0; x < n; ++x) limb[x] = (limb[x] + delta[(c * (ct.level + 1) + i) * n + x]) % q;
    }
  }
}

void test_linear(Fixture &f) {
  std::mt19937_64 rng(3);
  const auto x = random_complex(f.slots, rng);
  const auto y = random_complex(f.slots, rng);
  const Ciphertext cx = f.enc(x, 2);
  const Ciphertext cy = f.enc(y, 2);
  const Plaintext py = f.encoder.encode(y, 2, f.scale);
  std::vector<Complex> sum(f.slots), diff(f.slots), neg(f.slots);
  for (size_t i = 0; i < f.slots; ++i) {
    sum[i] = x[i] + y[i];
    diff[i] = x[i] - y[i];
    neg[i] = -x[i];
  }
  CF_EXPECT(max_abs_error(sum, f.dec(f.evaluator.add(cx, cy))) < 1e-6, "add");
  CF_EXPECT(max_abs_error(diff, f.dec(f.evaluator.sub(cx, cy))) < 1e-6, "sub");
  CF_EXPECT(max_abs_error(neg, f.dec(f.evaluator.negate(cx))) < 1e-6, "negate");
  CF_EXPECT(max_abs_error(sum, f.dec(f.evaluator.add_plain(cx, py))) < 1e-6, "add_plain");
  CF_EXPECT(max_abs_error(diff, f.dec(f.evaluator.sub_plain(cx, py))) < 1e-6, "sub_plain");
  // Sizes 3 + 2 and 2 - 3.
  const Ciphertext c3 = f.evaluator.multiply(cx, cy);
  const Ciphertext scaled_x = f.evaluator.multiply_plain(cx, f.encoder.encode(1.0, 2, f.scale));
  Ciphertext s = f.evaluator.add(scaled_x, c3);
  CF_EXPECT(s.size == 3, "size of size-2 + size-3 sum is %zu", s.size);
  Ciphertext d = f.evaluator.sub(scaled_x, c3);
  std::vector<Complex> expect_s(f.slots), expect_d(f.slots);
  for (size_t i = 0; i < f.slots; ++i) {
    expect_s[i] = x[i] + x[i] * y[i];
    expect_d[i] = x[i] - x[i] * y[i];
  }
  f.evaluator.rescale_to_next_inplace(s);
  f.evaluator.rescale_to_next_inplace(d);
  CF_EXPECT(max_abs_error(expect_s, f.dec(s)) < 1e-5, "add of different sizes");
  CF_EXPECT(max_abs_error(expect_d, f.dec(d)) < 1e-5, "sub of different sizes");
}

void test_products(Fixture &f) {
  std::mt19937_64 rng(4);
  const auto x = random_complex(f.slots, rng);
  const auto y = random_complex(f.slots, rng);
  const Ciphertext cx = f.enc(x, 2);
  const Ciphertext cy = f.enc(y, 2);
  std::vector<Complex> prod(f.slots), sq(f.slots);
  for (size_t i = 0; i < f.slots; ++i) {
    prod[i] = x[i] * y[i];
    sq[i] = x[i] * x[i];
  }
  Ciphertext m = f.evaluator.multiply(cx, cy);
  CF_EXPECT(m.size == 3 && m.scale == f.scale * f.scale && m.level == 2, "multiply metadata");
  CF_EXPECT(max_abs_error(prod, f.dec(m)) < 1e-5, "decrypt size-3 product");
  Ciphertext r = f.evaluator.relinearize(m, f.rk);
  CF_EXPECT(r.size == 2, "relinearized size %zu", r.size);
  CF_EXPECT(max_abs_error(prod, f.dec(r)) < 1e-5, "relinearized product");

  // Relinearization equals the per-coefficient reference exactly.
  Ciphertext expected = m;
  expected.size = 2;
  expected.data.resize(2 * 3 * f.n);
  add_delta(*f.ctx, expected, reference_key_switch(*f.ctx, 2, canonical_digits(*f.ctx, 2, m.poly(2, f.n)), f.rk.data[0]));
  CF_EXPECT(expected.data == r.data, "relinearize matches the reference bit for bit");

  // Rescale: exact reference, level and scale.
  const uint64_t q_last = f.ctx->moduli(2).back().value();
  Ciphertext rs = f.evaluator.rescale_to_next(r);
  CF_EXPECT(rs.level == 1 && rs.scale == r.scale / static_cast<double>(q_last), "rescale metadata");
  CF_EXPECT(max_abs_error(prod, f.dec(rs)) < 1e-5, "rescaled product");
  const uint64_t half = q_last / 2;
  for (size_t c = 0; c < 2; ++c) {
    std::vector<uint64_t> last(r.limb(c, 2, f.n), r.limb(c, 2, f.n) + f.n);
    f.ctx->ntt_tables(2).inverse(last.data());
    for (size_t i = 0; i < 2; ++i) {
      const uint64_t q = f.ctx->moduli(2)[i].value();
      std::vector<uint64_t> x_i(r.limb(c, i, f.n), r.limb(c, i, f.n) + f.n);
      f.ctx->ntt_tables(i).inverse(x_i.data());
      const uint64_t inv = powmod(q_last % q, q - 2, q);
      for (size_t k = 0; k < f.n; ++k) {
        const int64_t w = last[k] < q_last - half ? static_cast<int64_t>(last[k])
                                                  : static_cast<int64_t>(last[k]) - static_cast<int64_t>(q_last);
        x_i[k] = mulmod((x_i[k] + q - reduce_signed(w, q)) % q, inv, q);
      }
      f.ctx->ntt_tables(i).forward(x_i.data());
      CF_EXPECT(std::equal(x_i.begin(), x_i.end(), rs.limb(c, i, f.n)), "rescale limb %zu of c_%zu is exact", i, c);
    }
  }

  Ciphertext s2 = f.evaluator.relinearize(f.evaluator.square(cx), f.rk);
  f.evaluator.rescale_to_next_inplace(s2);
  CF_EXPECT(max_abs_error(sq, f.dec(s2)) < 1e-5, "square");
  Ciphertext mp = f.evaluator.multiply_plain(cx, f.encoder.encode(y, 2, f.scale));
  f.evaluator.rescale_to_next_inplace(mp);
  CF_EXPECT(max_abs_error(prod, f.dec(mp)) < 1e-5, "multiply_plain");
  CF_EXPECT(f.evaluator.multiply(cx, cx).data == f.evaluator.square(cx).data, "square == multiply by itself");

  // Depth 2: (x*y) rescaled, times x at the lower level after mod-switching x.
  Ciphertext cx1 = f.evaluator.mod_switch_to_next(cx);
  CF_EXPECT(cx1.level == 1 && cx1.scale == cx.scale, "mod switch metadata");
  CF_EXPECT(std::equal(cx1.data.begin(), cx1.data.begin() + static_cast<std::ptrdiff_t>(2 * f.n), cx.data.begin()),
            "mod switch keeps limbs");
  CF_EXPECT(max_abs_error(x, f.dec(cx1)) < 1e-6, "mod-switched decrypts");
  cx1.scale = rs.scale;  // deliberately align scales (values change by the ratio, ~1 + 1e-5)
  Ciphertext cube = f.evaluator.relinearize(f.evaluator.multiply(rs, cx1), f.rk);
  f.evaluator.rescale_to_next_inplace(cube);
  CF_EXPECT(cube.level == 0, "level after two rescales %zu", cube.level);
  const double ratio = rs.scale / f.scale;
  std::vector<Complex> expect_cube(f.slots);
  for (size_t i = 0; i < f.slots; ++i) expect_cube[i] = prod[i] * x[i] * (cx.scale / f.scale) / ratio * ratio;
  CF_EXPECT(max_abs_error(expect_cube, f.dec(cube)) < 1e-4, "depth-2 product");

  Plaintext p = f.encoder.encode(y, 2, f.scale);
  f.evaluator.mod_switch_to_inplace(p, 0);
  CF_EXPECT(p.level == 0 && p.data.size() == f.n, "plaintext mod switch");
  CF_EXPECT(max_abs_error(y, f.encoder.decode_complex(p)) < 1e-6, "mod-switched plaintext decodes");
}

void test_rotations(Fixture &f) {
  std::mt19937_64 rng(5);
  const auto x = random_complex(f.slots, rng);
  const Ciphertext cx = f.enc(x, 2);
  for (int step : {1, 2, -1, 5, -6, 3, 1000}) {
    const Ciphertext r = f.evaluator.rotate_vector(cx, step, f.gk);
    std::vector<Complex> expected(f.slots);
    for (size_t i = 0; i < f.slots; ++i) {
      expected[i] = x[(i + f.slots + static_cast<size_t>(step % static_cast<int>(f.slots) + static_cast<int>(f.slots))) % f.slots];
    }
    CF_EXPECT(max_abs_error(expected, f.dec(r)) < 1e-5, "rotate by %d", step);
  }
  std::vector<Complex> conj(f.slots);
  for (size_t i = 0; i < f.slots; ++i) conj[i] = std::conj(x[i]);
  CF_EXPECT(max_abs_error(conj, f.dec(f.evaluator.complex_conjugate(cx, f.gk))) < 1e-5, "conjugate");
  CF_EXPECT(f.evaluator.rotate_vector(cx, 0, f.gk).data == cx.data, "rotation by 0 is a copy");

  // Rotation at a lower level, and SEAL's apply_galois == rotate for a step with a key.
  const Ciphertext low = f.evaluator.mod_switch_to_next(cx);
  std::vector<Complex> left1(f.slots);
  for (size_t i = 0; i < f.slots; ++i) left1[i] = x[(i + 1) % f.slots];
  CF_EXPECT(max_abs_error(left1, f.dec(f.evaluator.rotate_vector(low, 1, f.gk))) < 1e-5, "rotate at level 1");

  // Hoisted: each result is bit-identical to the sequential rotation (and so decrypts to the rotation).
  const std::vector<int> steps = {0, 1, -1, 3, 8, -7};
  const auto hoisted = f.evaluator.rotate_hoisted(cx, steps, f.gk);
  CF_EXPECT(hoisted.size() == steps.size(), "hoisted count");
  for (size_t s = 0; s < steps.size(); ++s) {
    const Ciphertext seq = f.evaluator.rotate_vector(cx, steps[s], f.gk);
    CF_EXPECT(hoisted[s].level == 2 && hoisted[s].scale == cx.scale && hoisted[s].size == 2, "hoisted metadata");
    CF_EXPECT(hoisted[s].data == seq.data, "hoisted step %d equals rotate_vector bit for bit", steps[s]);
  }
  // Digits with zero coefficients exercise the rare correction term (Z_j); equality must still hold. The ciphertext
  // is not a valid encryption any more, but both paths are deterministic functions of it.
  Ciphertext zeros = cx;
  for (size_t i = 0; i < 3; ++i) {
    uint64_t *limb = zeros.limb(1, i, f.n);
    f.ctx->ntt_tables(i).inverse(limb);
    for (size_t k = 0; k < f.n; k += 3 + i) limb[k] = 0;
    f.ctx->ntt_tables(i).forward(limb);
  }
  const auto hoisted_zeros = f.evaluator.rotate_hoisted(zeros, {1, -7, 3}, f.gk);
  CF_EXPECT(hoisted_zeros[0].data == f.evaluator.rotate_vector(zeros, 1, f.gk).data, "zero digits, step 1");
  CF_EXPECT(hoisted_zeros[1].data == f.evaluator.rotate_vector(zeros, -7, f.gk).data, "zero digits, step -7");
  CF_EXPECT(hoisted_zeros[2].data == f.evaluator.rotate_vector(zeros, 3, f.gk).data, "zero digits, step 3");
  // Hoisting at a lower level.
  const auto hoisted_low = f.evaluator.rotate_hoisted(low, {1, 8}, f.gk);
  CF_EXPECT(hoisted_low[1].data == f.evaluator.rotate_vector(low, 8, f.gk).data, "hoisted at level 1");
  // The sequential rotation equals the reference with canonical digits of the rotated c_1 (SEAL's definition).
  {
    const uint32_t g = galois_elt_from_step(3, f.n);
    const auto &perm = f.ctx->galois_permutation(g);
    Ciphertext expected;
    expected.level = 2;
    expected.size = 2;
    expected.data.assign(2 * 3 * f.n, 0);
    std::vector<uint64_t> target(3 * f.n);
    for (size_t i = 0; i < 3; ++i) {
      for (size_t k = 0; k < f.n; ++k) {
        expected.limb(0, i, f.n)[k] = cx.limb(0, i, f.n)[perm[k]];
        target[i * f.n + k] = cx.limb(1, i, f.n)[perm[k]];
      }
    }
    add_delta(*f.ctx, expected, reference_key_switch(*f.ctx, 2, canonical_digits(*f.ctx, 2, target.data()), f.gk.data.at(g)));
    CF_EXPECT(expected.data == f.evaluator.rotate_vector(cx, 3, f.gk).data, "rotate_vector matches the reference");
  }
}

void test_thread_pool_determinism(Fixture &f) {
  std::mt19937_64 rng(6);
  const Ciphertext cx = f.enc(random_complex(f.slots, rng), 2);
  util::ThreadPool pool(3);
  Evaluator threaded(f.ctx, &pool);
  const Ciphertext a = f.evaluator.rescale_to_next(f.evaluator.relinearize(f.evaluator.square(cx), f.rk));
  const Ciphertext b = threaded.rescale_to_next(threaded.relinearize(threaded.square(cx), f.rk));
  CF_EXPECT(a.data == b.data, "3-thread pool gives the same bytes");
  CF_EXPECT(f.evaluator.rotate_vector(cx, -7, f.gk).data == threaded.rotate_vector(cx, -7, f.gk).data,
            "3-thread rotation gives the same bytes");
}

// The hoisted kernel (decompose_for_hoisting once, apply_hoisted_key_switch per Galois element) against the per-
// coefficient reference and the fused switch_key, both run on the permuted target (SEAL's order: rotate, then
// decompose), at every level, with 1 and 3 threads, for random targets, targets with zero coefficients (the Z_jg
// correction) and the zero target (every coefficient takes the Z_jg path).
void test_hoisted_key_switch(Fixture &f) {
  std::mt19937_64 rng(8);
  const uint32_t conj = conjugation_galois_elt(f.n);
  const std::vector<uint32_t> elts = {1, galois_elt_from_step(1, f.n), galois_elt_from_step(3, f.n),
                                      galois_elt_from_step(-7, f.n), conj};
  for (size_t threads : {1, 3}) {
    util::ThreadPool pool(threads);
    for (size_t level = 0; level <= f.ctx->first_level(); ++level) {
      const size_t k = level + 1;
      for (int kind = 0; kind < 3; ++kind) {
        // kind 0: uniform random limbs; 1: every 5th coefficient zero in each digit; 2: the zero polynomial.
        std::vector<uint64_t> target(k * f.n, 0);
        for (size_t i = 0; i < k && kind != 2; ++i) {
          const uint64_t q = f.ctx->key_moduli()[i].value();
          uint64_t *limb = target.data() + i * f.n;
          for (size_t j = 0; j < f.n; ++j) limb[j] = rng() % q;
          if (kind == 1) {
            f.ctx->ntt_tables(i).inverse(limb);
            for (size_t j = i; j < f.n; j += 5) limb[j] = 0;
            f.ctx->ntt_tables(i).forward(limb);
          }
        }
        const HoistedDigits digits = decompose_for_hoisting(*f.ctx, level, target.data(), pool);
        if (kind == 1) {
          for (size_t j = 0; j < k; ++j) {
            CF_EXPECT(digits.zero_coefficients[j].size() >= f.n / 5, "zero coefficients of digit %zu found", j);
          }
        }
        // All elements in one call (the special prime's rows are reused from step to step), each into its own outputs.
        std::vector<std::vector<uint64_t>> fused_out(2 * elts.size());
        std::vector<std::vector<uint64_t>> expected_out(2 * elts.size());
        std::vector<HoistedKeySwitch> fused;
        for (uint32_t g : elts) {
          const KSwitchKeys &key = g == 1 ? f.rk.data[0] : f.gk.data.at(g);
          const auto &perm = f.ctx->galois_permutation(g);
          std::vector<uint64_t> rotated(k * f.n);
          for (size_t i = 0; i < k; ++i) {
            for (size_t j = 0; j < f.n; ++j) rotated[i * f.n + j] = target[i * f.n + perm[j]];
          }
          // Start from non-zero outputs: every path adds to c0 and c1.
          std::vector<uint64_t> c0(k * f.n), c1(k * f.n);
          for (size_t i = 0; i < k; ++i) {
            const uint64_t q = f.ctx->key_moduli()[i].value();
            for (size_t j = 0; j < f.n; ++j) {
              c0[i * f.n + j] = rng() % q;
              c1[i * f.n + j] = rng() % q;
            }
          }
          std::vector<uint64_t> h0 = c0, h1 = c1;
          apply_hoisted_key_switch(*f.ctx, digits, g, key, h0.data(), h1.data(), pool);
          std::vector<uint64_t> s0 = c0, s1 = c1;
          switch_key(*f.ctx, level, rotated.data(), key, s0.data(), s1.data(), pool);
          CF_EXPECT(h0 == s0 && h1 == s1, "hoisted equals switch_key: level %zu, g %u, kind %d, %zu threads", level, g,
                    kind, threads);
          const size_t slot = 2 * fused.size();
          fused_out[slot] = c0;
          fused_out[slot + 1] = c1;
          expected_out[slot] = s0;
          expected_out[slot + 1] = s1;
          fused.push_back(HoistedKeySwitch{g, &key, fused_out[slot].data(), fused_out[slot + 1].data()});
          if (threads == 1) {
            const std::vector<uint64_t> delta =
                reference_key_switch(*f.ctx, level, canonical_digits(*f.ctx, level, rotated.data()), key);
            bool same = true;
            for (size_t c = 0; c < 2; ++c) {
              const std::vector<uint64_t> &got = c == 0 ? h0 : h1;
              const std::vector<uint64_t> &base = c == 0 ? c0 : c1;
              for (size_t i = 0; i < k; ++i) {
                const uint64_t q = f.ctx->key_moduli()[i].value();
                for (size_t j = 0; j < f.n; ++j) {
                  same = same && got[i * f.n + j] == (base[i * f.n + j] + delta[(c * k + i) * f.n + j]) % q;
                }
              }
            }
            CF_EXPECT(same, "hoisted equals the reference: level %zu, g %u, kind %d", level, g, kind);
          }
        }
        apply_hoisted_key_switches(*f.ctx, digits, fused, pool);
        CF_EXPECT(fused_out == expected_out, "hoisted steps in one call equal switch_key: level %zu, kind %d, %zu threads",
                  level, kind, threads);
      }
    }
  }
  util::ThreadPool pool(1);
  std::vector<uint64_t> buf(f.ctx->key_level() * 2 * f.n, 0);
  expect_throws<std::invalid_argument>("switch_key above the first level", [&] {
    switch_key(*f.ctx, f.ctx->first_level() + 1, buf.data(), f.rk.data[0], buf.data(), buf.data(), pool);
  }, "level");
  expect_throws<std::invalid_argument>("decompose above the first level", [&] {
    (void)decompose_for_hoisting(*f.ctx, f.ctx->first_level() + 1, buf.data(), pool);
  }, "level");
  const HoistedDigits digits = decompose_for_hoisting(*f.ctx, 0, buf.data(), pool);
  expect_throws<std::invalid_argument>("even Galois element", [&] {
    apply_hoisted_key_switch(*f.ctx, digits, 6, f.rk.data[0], buf.data(), buf.data(), pool);
  }, "Galois element 6");
  expect_throws<std::invalid_argument>("Galois element 2N", [&] {
    apply_hoisted_key_switch(*f.ctx, digits, static_cast<uint32_t>(2 * f.n + 1), f.rk.data[0], buf.data(),
                             buf.data(), pool);
  }, std::to_string(2 * f.n + 1).c_str());
  expect_throws<std::invalid_argument>("empty digits", [&] {
    apply_hoisted_key_switch(*f.ctx, HoistedDigits{}, 3, f.rk.data[0], buf.data(), buf.data(), pool);
  }, "hoisted digits do not match level 0");
  expect_throws<std::invalid_argument>("null key", [&] {
    apply_hoisted_key_switches(*f.ctx, digits, {HoistedKeySwitch{3, nullptr, buf.data(), buf.data()}}, pool);
  }, "null");
}

void test_errors(Fixture &f) {
  std::mt19937_64 rng(7);
  const auto x = random_complex(f.slots, rng);
  const Ciphertext c2 = f.enc(x, 2);
  const Ciphertext c1 = f.enc(x, 1);
  const Ciphertext c0 = f.enc(x, 0);
  auto &ev = f.evaluator;
  expect_throws<std::invalid_argument>("level mismatch", [&] { ev.add(c2, c1); }, "levels 2 and 1");
  Ciphertext other_scale = c2;
  other_scale.scale *= 1.0 + 1e-9;
  expect_throws<std::invalid_argument>("scale mismatch", [&] { ev.add(c2, other_scale); }, "scale mismatch");
  expect_throws<std::invalid_argument>("plain scale mismatch",
                                       [&] { ev.add_plain(c2, f.encoder.encode(x, 2, f.scale * 2)); }, "scale mismatch");
  expect_throws<std::invalid_argument>("plain level mismatch",
                                       [&] { ev.multiply_plain(c2, f.encoder.encode(x, 1, f.scale)); }, "levels 2 and 1");
  expect_throws<std::invalid_argument>("end of chain", [&] { ev.rescale_to_next(c0); }, "end of modulus switching");
  expect_throws<std::invalid_argument>("mod switch end", [&] { ev.mod_switch_to_next(c0); }, "end of modulus switching");
  expect_throws<std::invalid_argument>("scale out of bounds", [&] { ev.multiply(c0, c0); }, "scale out of bounds");
  GaloisKeys none;
  expect_throws<std::invalid_argument>("missing Galois key", [&] { ev.rotate_vector(c2, 1, none); },
                                       "Galois key not present for Galois element 3");
  expect_throws<std::invalid_argument>("missing hoisted key", [&] { ev.rotate_hoisted(c2, {1, 11}, f.gk); },
                                       "Galois key not present");
  expect_throws<std::invalid_argument>("step too large", [&] { ev.rotate_vector(c2, 2048, f.gk); }, "2048");
  const Ciphertext c3 = ev.multiply(c2, c2);
  expect_throws<std::invalid_argument>("galois on size 3", [&] { ev.rotate_vector(c3, 1, f.gk); }, "size must be 2");
  expect_throws<std::invalid_argument>("not enough relin keys",
                                       [&] { ev.relinearize(ev.multiply(c3, c2), f.rk); }, "not enough");
  Ciphertext malformed = c2;
  malformed.data.pop_back();
  expect_throws<std::invalid_argument>("malformed", [&] { ev.negate(malformed); }, "words");
  Ciphertext key_level = c2;
  key_level.level = 3;
  key_level.data.resize(2 * 4 * f.n);
  expect_throws<std::invalid_argument>("key level ciphertext", [&] { ev.negate(key_level); }, "key level");
  Ciphertext zero_scale = c2;
  zero_scale.scale = 0;
  expect_throws<std::invalid_argument>("zero scale", [&] { ev.negate(zero_scale); }, "scale");
  expect_throws<std::logic_error>("transparent result", [&] { ev.multiply_plain(c2, f.encoder.encode(0.0, 2, f.scale)); },
                                  "transparent");
  KSwitchKeys short_key = f.rk.data[0];
  short_key.data.pop_back();
  RelinKeys bad_rk{{short_key}};
  expect_throws<std::invalid_argument>("short relin key", [&] { ev.relinearize(c3, bad_rk); }, "decomposition parts");
  // SEAL's scale comparison: |a - b| < 2^-52 * max(|a|, |b|, 1).
  const double s = std::pow(2.0, 40);
  const double up1 = std::nextafter(s, INFINITY);
  CF_EXPECT(are_same_scale(s, up1), "1 ulp is the same scale");
  CF_EXPECT(!are_same_scale(s, std::nextafter(up1, INFINITY)), "2 ulps above a power of two are a mismatch");
  CF_EXPECT(are_same_scale(0.5, 0.5 + 1e-17), "below 1 the tolerance is absolute");
}

}  // namespace

int main() {
  Fixture f(make_context(4096, {50, 40, 40, 50}));
  test_linear(f);
  test_products(f);
  test_rotations(f);
  test_thread_pool_determinism(f);
  test_hoisted_key_switch(f);
  test_errors(f);
  return finish("ckks_evaluator_test");
}
