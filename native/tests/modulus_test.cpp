// Checks Modulus, Barrett and Shoup arithmetic against plain unsigned __int128 division on random and edge inputs.

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "cipherformer/util/modulus.h"
#include "test_support.h"

using cf::test::u128;
using cf::util::Modulus;
using cf::util::MulOperand;

namespace {

std::mt19937_64 rng(7);

std::vector<uint64_t> test_moduli() {
  std::vector<uint64_t> m = {2, 3, 17, 65537, 1152921504606584833ULL /* 60-bit NTT prime */,
                             (uint64_t{1} << 61) - 1, (uint64_t{1} << 61) - 3, (uint64_t{1} << 40) + 1,
                             (uint64_t{1} << 32) - 5, 1ULL << 30};
  std::uniform_int_distribution<uint64_t> dist(2, (uint64_t{1} << 61) - 1);
  for (int i = 0; i < 20; ++i) m.push_back(dist(rng));
  return m;
}

bool throws_naming(uint64_t value) {
  try {
    Modulus m(value);
  } catch (const std::invalid_argument &e) {
    return std::string(e.what()).find(std::to_string(value)) != std::string::npos;
  }
  return false;
}

void test_constructor() {
  CHECK(throws_naming(0));
  CHECK(throws_naming(1));
  CHECK(throws_naming(uint64_t{1} << 61));
  CHECK(throws_naming(~uint64_t{0}));
  for (uint64_t v : test_moduli()) {
    const Modulus q(v);
    CHECK(q.value() == v);
    int bits = 0;
    for (uint64_t t = v; t != 0; t >>= 1) ++bits;
    CHECK(q.bit_count() == bits);
    // ratio * q + remainder == 2^128 (i.e. 0 mod 2^128) with remainder < q.
    const auto &r = q.const_ratio();
    const u128 ratio = (static_cast<u128>(r[1]) << 64) | r[0];
    CHECK(r[2] < v);
    CHECK(static_cast<u128>(ratio * v + r[2]) == 0);
    CHECK(ratio != 0);
  }
  CHECK(Modulus(97) == Modulus(97));
  CHECK(Modulus(97) != Modulus(101));
}

void test_reductions() {
  for (uint64_t v : test_moduli()) {
    const Modulus q(v);
    std::vector<uint64_t> words = {0, 1, v - 1, v, v + 1, ~uint64_t{0}, ~uint64_t{0} - 1, 2 * v, 4 * v - 1};
    for (int i = 0; i < 2000; ++i) words.push_back(rng());
    bool ok64 = true;
    for (uint64_t x : words) ok64 = ok64 && cf::util::barrett_reduce_64(x, q) == x % v;
    CHECK_MSG(ok64, "barrett_reduce_64 wrong for q=%llu", static_cast<unsigned long long>(v));

    bool ok128 = true;
    for (size_t i = 0; i < words.size(); ++i) {
      const u128 x = (static_cast<u128>(words[i]) << 64) | words[words.size() - 1 - i];
      ok128 = ok128 && cf::util::barrett_reduce_128(x, q) == static_cast<uint64_t>(x % v);
    }
    ok128 = ok128 && cf::util::barrett_reduce_128(~static_cast<u128>(0), q) == static_cast<uint64_t>(~static_cast<u128>(0) % v);
    CHECK_MSG(ok128, "barrett_reduce_128 wrong for q=%llu", static_cast<unsigned long long>(v));

    std::uniform_int_distribution<uint64_t> below(0, v - 1);
    bool ok_ops = true;
    for (int i = 0; i < 2000; ++i) {
      const uint64_t a = i == 0 ? v - 1 : below(rng);
      const uint64_t b = i == 0 ? v - 1 : below(rng);
      ok_ops = ok_ops && cf::util::add_mod(a, b, q) == static_cast<uint64_t>((static_cast<u128>(a) + b) % v);
      ok_ops = ok_ops && cf::util::sub_mod(a, b, q) == static_cast<uint64_t>((static_cast<u128>(a) + v - b) % v);
      ok_ops = ok_ops && cf::util::negate_mod(a, q) == (v - a) % v;
      ok_ops = ok_ops && cf::util::multiply_mod(a, b, q) == cf::test::ref_mulmod(a, b, v);
      // Any 64-bit operands are allowed for multiply_mod.
      const uint64_t x = rng();
      const uint64_t y = rng();
      ok_ops = ok_ops && cf::util::multiply_mod(x, y, q) == cf::test::ref_mulmod(x % v, y % v, v);

      MulOperand s;
      s.set(b, q);
      ok_ops = ok_ops && s.quotient == static_cast<uint64_t>((static_cast<u128>(b) << 64) / v);
      const uint64_t lazy = cf::util::multiply_mod_lazy(x, s, q);
      ok_ops = ok_ops && lazy < 2 * v && lazy % v == cf::test::ref_mulmod(x % v, b, v);
      ok_ops = ok_ops && cf::util::multiply_mod(x, s, q) == cf::test::ref_mulmod(x % v, b, v);
    }
    CHECK_MSG(ok_ops, "add/sub/negate/multiply wrong for q=%llu", static_cast<unsigned long long>(v));
    CHECK(cf::util::negate_mod(0, q) == 0);
  }
}

void test_pow_and_inverse() {
  for (uint64_t v : test_moduli()) {
    const Modulus q(v);
    for (int i = 0; i < 50; ++i) {
      const uint64_t base = rng();
      const uint64_t exp = i < 3 ? static_cast<uint64_t>(i) : rng();
      CHECK(cf::util::pow_mod(base, exp, q) == cf::test::ref_powmod(base, exp, v));
    }
    CHECK(cf::util::pow_mod(0, 0, q) == 1 % v);
    uint64_t inv = 12345;
    CHECK(!cf::util::try_invert_mod(0, q, inv));
    CHECK(!cf::util::try_invert_mod(v, q, inv));
  }
  // Prime modulus: every non-zero value has an inverse.
  const Modulus p(1152921504606584833ULL);
  for (int i = 0; i < 1000; ++i) {
    const uint64_t a = rng();
    uint64_t inv = 0;
    if (a % p.value() == 0) continue;
    CHECK(cf::util::try_invert_mod(a, p, inv) && inv < p.value() &&
          cf::test::ref_mulmod(a % p.value(), inv, p.value()) == 1);
  }
  // Composite modulus: only units invert.
  const Modulus c(15);
  uint64_t inv = 0;
  CHECK(!cf::util::try_invert_mod(5, c, inv));
  CHECK(!cf::util::try_invert_mod(6, c, inv));
  CHECK(cf::util::try_invert_mod(7, c, inv) && inv == 13);
  CHECK(cf::util::try_invert_mod(22, c, inv) && inv == 13);  // 22 = 7 mod 15
}

void test_mul_operand_rejects_unreduced() {
  const Modulus q(101);
  MulOperand s;
  bool threw = false;
  try {
    s.set(101, q);
  } catch (const std::invalid_argument &e) {
    threw = std::string(e.what()).find("101") != std::string::npos;
  }
  CHECK(threw);
}

}  // namespace

int main() {
  test_constructor();
  test_reductions();
  test_pow_and_inverse();
  test_mul_operand_rejects_unreduced();
  return cf::test::test_exit_code();
}
