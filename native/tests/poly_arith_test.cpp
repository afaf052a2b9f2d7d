// Checks the coefficient-wise limb kernels against per-element __int128 references, out of place and in place.

#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "cipherformer/util/modulus.h"
#include "cipherformer/util/poly_arith.h"
#include "test_support.h"

using cf::test::u128;
using cf::util::Modulus;

namespace {

std::mt19937_64 rng(99);

std::vector<uint64_t> random_below(size_t n, uint64_t q) {
  std::uniform_int_distribution<uint64_t> dist(0, q - 1);
  std::vector<uint64_t> v(n);
  for (auto &x : v) x = dist(rng);
  if (n > 2) {
    v[0] = 0;
    v[1] = q - 1;
  }
  return v;
}

using Binary = std::function<void(const uint64_t *, const uint64_t *, size_t, const Modulus &, uint64_t *)>;
using Unary = std::function<void(const uint64_t *, size_t, const Modulus &, uint64_t *)>;

void check_binary(const char *name, const Binary &kernel, const std::function<uint64_t(uint64_t, uint64_t, uint64_t)> &ref) {
  for (uint64_t qv : {3ULL, 65537ULL, 1152921504606584833ULL, (1ULL << 61) - 1}) {
    const Modulus q(qv);
    const size_t n = 1000;
    const auto a = random_below(n, qv);
    const auto b = random_below(n, qv);
    std::vector<uint64_t> out(n);
    kernel(a.data(), b.data(), n, q, out.data());
    bool ok = true;
    for (size_t i = 0; i < n; ++i) ok = ok && out[i] == ref(a[i], b[i], qv);
    auto in_place = a;
    kernel(in_place.data(), b.data(), n, q, in_place.data());
    ok = ok && in_place == out;
    CHECK_MSG(ok, "%s wrong for q=%llu", name, static_cast<unsigned long long>(qv));
  }
}

void check_unary(const char *name, const Unary &kernel, const std::function<uint64_t(uint64_t, uint64_t)> &ref,
                 bool any_input) {
  for (uint64_t qv : {3ULL, 65537ULL, 1152921504606584833ULL, (1ULL << 61) - 1}) {
    const Modulus q(qv);
    const size_t n = 1000;
    auto a = random_below(n, qv);
    if (any_input) {
      for (auto &x : a) x = rng();
      a[0] = ~uint64_t{0};
    }
    std::vector<uint64_t> out(n);
    kernel(a.data(), n, q, out.data());
    bool ok = true;
    for (size_t i = 0; i < n; ++i) ok = ok && out[i] == ref(a[i], qv);
    auto in_place = a;
    kernel(in_place.data(), n, q, in_place.data());
    ok = ok && in_place == out;
    CHECK_MSG(ok, "%s wrong for q=%llu", name, static_cast<unsigned long long>(qv));
  }
}

}  // namespace

int main() {
  check_binary("add_poly_mod", cf::util::add_poly_mod,
               [](uint64_t a, uint64_t b, uint64_t q) { return static_cast<uint64_t>((u128(a) + b) % q); });
  check_binary("sub_poly_mod", cf::util::sub_poly_mod,
               [](uint64_t a, uint64_t b, uint64_t q) { return static_cast<uint64_t>((u128(a) + q - b) % q); });
  check_binary("dyadic_multiply_mod", cf::util::dyadic_multiply_mod,
               [](uint64_t a, uint64_t b, uint64_t q) { return cf::test::ref_mulmod(a, b, q); });
  check_unary("negate_poly_mod", cf::util::negate_poly_mod, [](uint64_t a, uint64_t q) { return (q - a) % q; }, false);
  check_unary("modulo_poly", cf::util::modulo_poly, [](uint64_t a, uint64_t q) { return a % q; }, true);
  for (uint64_t s : {0ULL, 1ULL, 2ULL, 12345678901ULL}) {
    check_unary(
        "multiply_poly_scalar_mod",
        [s](const uint64_t *a, size_t n, const Modulus &q, uint64_t *out) {
          cf::util::MulOperand op;
          op.set(s % q.value(), q);
          cf::util::multiply_poly_scalar_mod(a, n, op, q, out);
        },
        [s](uint64_t a, uint64_t q) { return cf::test::ref_mulmod(a, s % q, q); }, false);
    check_unary(
        "add_poly_scalar_mod",
        [s](const uint64_t *a, size_t n, const Modulus &q, uint64_t *out) {
          cf::util::add_poly_scalar_mod(a, n, s % q.value(), q, out);
        },
        [s](uint64_t a, uint64_t q) { return static_cast<uint64_t>((u128(a) + s % q) % q); }, false);
  }
  return cf::test::test_exit_code();
}
