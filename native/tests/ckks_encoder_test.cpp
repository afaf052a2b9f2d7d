// CkksEncoder: round trips in the 64-bit, 128-bit and multi-word coefficient ranges, slot order against a naive
// evaluation of the plaintext polynomial, constants, and input errors.

#include <cmath>
#include <random>
#include <stdexcept>

#include "cipherformer/ckks/encoder.h"
#include "ckks_test_util.h"

using namespace cf;
using namespace cf::ckks;
using namespace cf::ckks::test;
using Complex = std::complex<double>;

namespace {

const double kPi = 3.14159265358979323846;

// Reference decoder: centered integer coefficients (exact CRT through long double for up to 2 primes) evaluated at
// zeta^(3^i), zeta = exp(i pi / N), for the first `count` slots.
std::vector<Complex> naive_decode(const Context &ctx, const Plaintext &pt, size_t count) {
  const size_t n = ctx.poly_degree();
  std::vector<uint64_t> c0(pt.data.begin(), pt.data.begin() + static_cast<std::ptrdiff_t>(n));
  ctx.ntt_tables(0).inverse(c0.data());
  const uint64_t q = ctx.moduli(pt.level)[0].value();
  std::vector<long double> coeff(n);
  for (size_t j = 0; j < n; ++j) {
    coeff[j] = c0[j] > q / 2 ? -static_cast<long double>(q - c0[j]) : static_cast<long double>(c0[j]);
  }
  std::vector<Complex> out(count);
  uint64_t e = 1;
  for (size_t i = 0; i < count; ++i) {
    std::complex<long double> acc(0, 0);
    for (size_t j = 0; j < n; ++j) {
      const long double angle = static_cast<long double>(kPi) * static_cast<long double>((e * j) % (2 * n)) /
                                static_cast<long double>(n);
      acc += coeff[j] * std::complex<long double>(std::cos(angle), std::sin(angle));
    }
    out[i] = Complex(static_cast<double>(acc.real() / pt.scale), static_cast<double>(acc.imag() / pt.scale));
    e = e * 3 % (2 * n);
  }
  return out;
}

void test_round_trip_and_slot_order() {
  const size_t n = 4096;
  auto ctx = make_context(n, {50, 40, 40, 50});
  CkksEncoder encoder(ctx);
  CF_EXPECT(encoder.slot_count() == 2048, "slots %zu", encoder.slot_count());
  std::mt19937_64 rng(1);
  const auto values = random_complex(2048, rng);
  const double scale = std::pow(2.0, 40);
  for (size_t level = 0; level <= 2; ++level) {
    const Plaintext pt = encoder.encode(values, level, scale);
    CF_EXPECT(pt.level == level && pt.scale == scale && pt.data.size() == (level + 1) * n, "metadata level %zu", level);
    const auto decoded = encoder.decode_complex(pt);
    const double err = max_abs_error(values, decoded);
    CF_EXPECT(err < 1e-9, "round trip error %g at level %zu", err, level);
  }
  // Single-prime level: the reference decoder can compose exactly.
  const Plaintext pt0 = encoder.encode(values, 0, scale);
  const auto reference = naive_decode(*ctx, pt0, 48);
  const std::vector<Complex> head(values.begin(), values.begin() + 48);
  const double ref_err = max_abs_error(head, reference);
  CF_EXPECT(ref_err < 1e-8, "naive evaluation at zeta^(3^i) differs by %g", ref_err);

  const std::vector<double> reals = random_real(1000, rng);
  const auto decoded_real = encoder.decode(encoder.encode(reals, 2, scale));
  CF_EXPECT(decoded_real.size() == 2048, "decode size");
  double real_err = 0;
  for (size_t i = 0; i < 2048; ++i) real_err = std::max(real_err, std::fabs((i < 1000 ? reals[i] : 0.0) - decoded_real[i]));
  CF_EXPECT(real_err < 1e-9, "real round trip error %g", real_err);
}

void test_wide_coefficients() {
  const size_t n = 4096;
  auto ctx = make_context(n, {59, 59, 59, 59, 59});
  CkksEncoder encoder(ctx);
  std::mt19937_64 rng(2);
  const auto values = random_complex(2048, rng, 1000.0);
  for (double log_scale : {30.0, 100.0, 180.0}) {
    const double scale = std::pow(2.0, log_scale);
    const auto decoded = encoder.decode_complex(encoder.encode(values, 4, scale));
    const double err = max_abs_error(values, decoded);
    CF_EXPECT(err < 1e-6, "wide round trip error %g at scale 2^%g", err, log_scale);
  }
}

void test_constants() {
  const size_t n = 4096;
  auto ctx = make_context(n, {60, 40, 60});
  CkksEncoder encoder(ctx);
  const double scale = std::pow(2.0, 40);
  for (double v : {0.0, 1.5, -3.25, 1e6}) {
    const Plaintext pt = encoder.encode(v, 1, scale);
    bool constant = true;
    for (size_t i = 0; i < 2; ++i) {
      for (size_t j = 1; j < n; ++j) constant = constant && pt.data[i * n + j] == pt.data[i * n];
    }
    CF_EXPECT(constant, "NTT form of a constant is constant (%g)", v);
    const auto d = encoder.decode_complex(pt);
    double err = 0;
    for (const auto &x : d) err = std::max(err, std::abs(x - Complex(v, 0)));
    CF_EXPECT(err < 1e-6, "constant %g decoded with error %g", v, err);
    // Same as encoding the full vector of that value (up to rounding of the transform).
    const auto d2 = encoder.decode_complex(encoder.encode(Complex(v, 0), 1, scale));
    CF_EXPECT(max_abs_error(d, d2) < 1e-6, "constant vs filled vector for %g", v);
  }
}

void test_errors() {
  const size_t n = 4096;
  auto ctx = make_context(n, {40, 40});
  CkksEncoder encoder(ctx);
  expect_throws<std::invalid_argument>("too many values",
                                       [&] { encoder.encode(std::vector<double>(2049, 0.0), 0, 1e6); }, "2049");
  expect_throws<std::invalid_argument>("scale too large",
                                       [&] { encoder.encode(std::vector<double>{1.0}, 0, std::pow(2.0, 39)); },
                                       "scale out of bounds");
  expect_throws<std::invalid_argument>("negative scale", [&] { encoder.encode(std::vector<double>{1.0}, 0, -1.0); },
                                       "scale out of bounds");
  expect_throws<std::invalid_argument>("nan", [&] { encoder.encode(std::vector<double>{1.0, NAN}, 0, 1e6); },
                                       "value #1");
  expect_throws<std::invalid_argument>("too large",
                                       [&] { encoder.encode(std::vector<double>{1e9}, 0, std::pow(2.0, 35)); },
                                       "too large");
  expect_throws<std::invalid_argument>("constant too large", [&] { encoder.encode(1e9, 0, std::pow(2.0, 35)); },
                                       "too large");
  expect_throws<std::out_of_range>("no such level", [&] { encoder.encode(1.0, 2, 1e6); }, "level 2");
  Plaintext bad = encoder.encode(1.0, 0, 1e6);
  bad.data.pop_back();
  expect_throws<std::invalid_argument>("short plaintext", [&] { encoder.decode(bad); }, "words");
}

}  // namespace

int main() {
  test_round_trip_and_slot_order();
  test_wide_coefficients();
  test_constants();
  test_errors();
  return finish("ckks_encoder_test");
}
