// Context validation and chain, Galois elements and NTT-form permutations, CRT composition.

#include <random>
#include <stdexcept>

#include "cipherformer/ckks/context.h"
#include "cipherformer/ckks/galois.h"
#include "cipherformer/ckks/rns_base.h"
#include "ckks_test_util.h"

using namespace cf;
using namespace cf::ckks;
using namespace cf::ckks::test;
using util::uint128_t;

namespace {

void test_validation() {
  const size_t n = 4096;
  const auto primes = primes_below(40, 3, n);
  expect_throws<std::invalid_argument>("N not power of two", [&] { Context(6000, primes); }, "6000");
  expect_throws<std::invalid_argument>("N too small", [&] { Context(2048, primes); }, "2048");
  expect_throws<std::invalid_argument>("N too large", [&] { Context(131072, primes); }, "131072");
  expect_throws<std::invalid_argument>("no primes", [&] { Context(n, {}); }, "0 primes");
  expect_throws<std::invalid_argument>("not 1 mod 2N", [&] { Context(n, {primes[0], 1000003}); }, "1000003");
  // 2 * 8192 * k + 1 that is composite: 8193 * 8193 = 67125249 = 1 mod 8192.
  expect_throws<std::invalid_argument>("composite", [&] { Context(n, {primes[0], 67125249}); }, "not prime");
  expect_throws<std::invalid_argument>("duplicate", [&] { Context(n, {primes[0], primes[1], primes[0]}); },
                                       "more than once");
  expect_throws<std::invalid_argument>("too wide", [&] { Context(n, {primes[0], (uint64_t{1} << 61) + 8193}); },
                                       "2^61");
}

void test_chain() {
  const size_t n = 4096;
  const auto primes = primes_below(45, 4, n);
  const Context ctx(n, primes);
  CF_EXPECT(ctx.level_count() == 4, "level_count %zu", ctx.level_count());
  CF_EXPECT(ctx.key_level() == 3 && ctx.first_level() == 2, "key %zu first %zu", ctx.key_level(), ctx.first_level());
  CF_EXPECT(ctx.using_key_switching(), "key switching expected");
  for (size_t l = 0; l < 4; ++l) {
    const auto &m = ctx.moduli(l);
    CF_EXPECT(m.size() == l + 1, "level %zu has %zu primes", l, m.size());
    for (size_t i = 0; i < m.size(); ++i) CF_EXPECT(m[i].value() == primes[i], "prime %zu of level %zu", i, l);
    const auto &inv = ctx.level(l).inv_last_mod();
    for (size_t i = 0; i < l; ++i) {
      const uint64_t prod = static_cast<uint64_t>(static_cast<uint128_t>(inv[i].operand) * primes[l] % primes[i]);
      CF_EXPECT(prod == 1, "q_last^-1 mod q_%zu at level %zu", i, l);
    }
    int bits = 0;
    double log_q = 0;
    for (const auto &q : m) log_q += std::log2(static_cast<double>(q.value()));
    bits = static_cast<int>(std::floor(log_q)) + 1;
    CF_EXPECT(ctx.level(l).total_bit_count() == bits, "bit count %d vs %d", ctx.level(l).total_bit_count(), bits);
  }
  expect_throws<std::out_of_range>("missing level", [&] { ctx.level(4); }, "level 4");
  const Context single(n, {primes[0]});
  CF_EXPECT(!single.using_key_switching() && single.first_level() == 0 && single.key_level() == 0, "single prime");
}

void test_is_prime() {
  for (uint64_t v = 0; v < 5000; ++v) {
    bool naive = v >= 2;
    for (uint64_t d = 2; d * d <= v && naive; ++d) naive = v % d != 0;
    CF_EXPECT(is_prime(v) == naive, "is_prime(%llu)", static_cast<unsigned long long>(v));
  }
  CF_EXPECT(is_prime(2305843009213693951ULL), "2^61 - 1 is prime");
  CF_EXPECT(!is_prime(3215031751ULL), "strong pseudoprime to bases 2,3,5,7");
}

void test_galois_elements() {
  const size_t n = 4096;
  const uint64_t m = 2 * n;
  CF_EXPECT(galois_elt_from_step(0, n) == m - 1, "conjugation");
  uint64_t p = 1;
  for (int k = 1; k < 40; ++k) {
    p = p * 3 % m;
    CF_EXPECT(galois_elt_from_step(k, n) == p, "step %d", k);
    // A right rotation by k composed with a left rotation by k is the identity: g(k) * g(-k) = 1 mod 2N.
    CF_EXPECT(static_cast<uint64_t>(galois_elt_from_step(-k, n)) * p % m == 1, "step -%d", k);
  }
  expect_throws<std::invalid_argument>("step too large", [&] { galois_elt_from_step(2048, n); }, "2048");
  const auto all = all_power_of_two_galois_elts(n);
  CF_EXPECT(all.size() == 1 + 2 * 11, "all elts count %zu", all.size());
  for (size_t i = 0; i + 1 < 12; ++i) {
    CF_EXPECT(all[1 + 2 * i] == galois_elt_from_step(1 << i, n), "elt +2^%zu", i);
    CF_EXPECT(all[2 + 2 * i] == galois_elt_from_step(-(1 << i), n), "elt -2^%zu", i);
  }
  const std::vector<int> naf = non_adjacent_form(7);
  CF_EXPECT(naf.size() == 2 && naf[0] == -1 && naf[1] == 8, "naf(7)");
  for (int v : {1, 5, -13, 255, 1000, -1023}) {
    int sum = 0;
    for (int t : non_adjacent_form(v)) sum += t;
    CF_EXPECT(sum == v, "naf sum %d", v);
  }
}

// The NTT-form permutation must equal the automorphism X -> X^g applied in coefficient form (reference).
void test_galois_permutation() {
  const size_t n = 4096;
  const Context ctx(n, primes_below(50, 2, n));
  const auto &ntt = ctx.ntt_tables(0);
  const uint64_t q = ntt.modulus().value();
  std::mt19937_64 rng(7);
  std::vector<uint64_t> a(n);
  for (auto &x : a) x = rng() % q;
  for (uint32_t g : {galois_elt_from_step(1, n), galois_elt_from_step(-5, n), uint32_t(2 * n - 1)}) {
    std::vector<uint64_t> expected(n, 0);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t e = static_cast<uint64_t>(i) * g % (2 * n);
      if (e < n) {
        expected[e] = a[i];
      } else {
        expected[e - n] = a[i] == 0 ? 0 : q - a[i];
      }
    }
    std::vector<uint64_t> f(a);
    ntt.forward(f.data());
    const auto &perm = ctx.galois_permutation(g);
    std::vector<uint64_t> permuted(n);
    for (size_t i = 0; i < n; ++i) permuted[i] = f[perm[i]];
    ntt.inverse(permuted.data());
    CF_EXPECT(permuted == expected, "automorphism %u", g);
  }
  expect_throws<std::invalid_argument>("even element", [&] { ctx.galois_permutation(4); }, "4");
}

/// Naive reference: a little-endian multi-word integer modulo q by Horner's rule in 128-bit arithmetic.
uint64_t naive_mod(const uint64_t *words, size_t count, uint64_t q) {
  uint128_t r = 0;
  for (size_t w = count; w-- > 0;) r = ((r << 64) | words[w]) % q;
  return static_cast<uint64_t>(r);
}

/// Naive reference: the product of the primes by schoolbook multiplication, little-endian words.
std::vector<uint64_t> naive_product(const std::vector<uint64_t> &primes) {
  std::vector<uint64_t> acc(primes.size() + 1, 0);
  acc[0] = 1;
  for (uint64_t p : primes) {
    uint128_t carry = 0;
    for (auto &word : acc) {
      const uint128_t t = static_cast<uint128_t>(word) * p + carry;
      word = static_cast<uint64_t>(t);
      carry = t >> 64;
    }
  }
  acc.resize(primes.size());
  return acc;
}

/// Many primes (SEAL's N = 32768 default has 16): Q, compose and decompose each checked against the naive
/// references above, independently of one another (a round trip alone would not catch a wrong pair of inverses).
void test_rns_base_against_naive(size_t count, std::mt19937_64 &rng) {
  const auto primes = primes_below(60, count, 4096);
  std::vector<util::Modulus> mods;
  for (uint64_t p : primes) mods.emplace_back(p);
  const RnsBase base(mods);
  const auto q = naive_product(primes);
  for (size_t w = 0; w < count; ++w) CF_EXPECT(base.product()[w] == q[w], "Q word %zu of %zu primes", w, count);
  std::vector<uint64_t> r(count), v(count), back(count);
  for (int t = 0; t < 100; ++t) {
    for (size_t i = 0; i < count; ++i) r[i] = rng() % primes[i];
    base.compose(r.data(), v.data());
    for (size_t i = 0; i < count; ++i) {
      CF_EXPECT(naive_mod(v.data(), count, primes[i]) == r[i], "compose residue %zu of %zu primes", i, count);
    }
    // A random value below Q (top word cleared, so v < 2^(64(count-1)) < Q), decomposed.
    for (size_t w = 0; w < count; ++w) v[w] = rng();
    v[count - 1] = 0;
    base.decompose(v.data(), back.data());
    for (size_t i = 0; i < count; ++i) {
      CF_EXPECT(back[i] == naive_mod(v.data(), count, primes[i]), "decompose residue %zu of %zu primes", i, count);
    }
  }
}

void test_rns_base() {
  const size_t n = 4096;
  std::mt19937_64 rng(11);
  // Two primes: compare with unsigned __int128 CRT.
  const auto two = primes_below(60, 2, n);
  const RnsBase base2({util::Modulus(two[0]), util::Modulus(two[1])});
  const uint128_t big_q = static_cast<uint128_t>(two[0]) * two[1];
  for (int t = 0; t < 1000; ++t) {
    const uint128_t x = ((static_cast<uint128_t>(rng()) << 64) | rng()) % big_q;
    const uint64_t residues[2] = {static_cast<uint64_t>(x % two[0]), static_cast<uint64_t>(x % two[1])};
    uint64_t words[2];
    base2.compose(residues, words);
    CF_EXPECT(words[0] == static_cast<uint64_t>(x) && words[1] == static_cast<uint64_t>(x >> 64), "compose 2");
    uint64_t back[2];
    const uint64_t in[2] = {static_cast<uint64_t>(x), static_cast<uint64_t>(x >> 64)};
    base2.decompose(in, back);
    CF_EXPECT(back[0] == residues[0] && back[1] == residues[1], "decompose 2");
  }
  // Five primes: decompose(compose(r)) == r and the composed value is below Q.
  const auto five = primes_below(59, 5, n);
  std::vector<util::Modulus> mods;
  for (uint64_t p : five) mods.emplace_back(p);
  const RnsBase base5(mods);
  for (int t = 0; t < 200; ++t) {
    uint64_t r[5], v[5], back[5];
    for (int i = 0; i < 5; ++i) r[i] = rng() % five[static_cast<size_t>(i)];
    base5.compose(r, v);
    base5.decompose(v, back);
    bool below = false;
    for (int w = 4; w >= 0; --w) {
      if (v[w] != base5.product()[static_cast<size_t>(w)]) {
        below = v[w] < base5.product()[static_cast<size_t>(w)];
        break;
      }
    }
    CF_EXPECT(below, "composed value below Q");
    for (int i = 0; i < 5; ++i) CF_EXPECT(back[i] == r[i], "round trip residue %d", i);
  }
  CF_EXPECT(base5.product_bit_count() > 290 && base5.product_bit_count() <= 295, "bits %d",
            base5.product_bit_count());
  for (size_t count : {3u, 8u, 16u}) test_rns_base_against_naive(count, rng);
}

}  // namespace

int main() {
  test_validation();
  test_chain();
  test_is_prime();
  test_galois_elements();
  test_galois_permutation();
  test_rns_base();
  return finish("ckks_context_test");
}
