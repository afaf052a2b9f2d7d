#pragma once
// Small helpers shared by the ckks_*_test executables: failure counting, exception expectations, prime search,
// random test vectors (test data only; never key material) and error measures.

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cipherformer/ckks/context.h"

namespace cf::ckks::test {

inline int &failure_count() {
  static int failures = 0;
  return failures;
}

#define CF_EXPECT(cond, ...)                                             \
  do {                                                                   \
    if (!(cond)) {                                                       \
      std::fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, __VA_ARGS__);                                 \
      std::fprintf(stderr, "\n");                                        \
      ++cf::ckks::test::failure_count();                                 \
    }                                                                    \
  } while (0)

/// Runs fn and checks that it throws E whose what() contains `needle`.
template <typename E>
void expect_throws(const char *label, const std::function<void()> &fn, const std::string &needle) {
  try {
    fn();
  } catch (const E &e) {
    if (std::string(e.what()).find(needle) == std::string::npos) {
      std::fprintf(stderr, "FAIL %s: message \"%s\" lacks \"%s\"\n", label, e.what(), needle.c_str());
      ++failure_count();
    }
    return;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "FAIL %s: wrong exception type: %s\n", label, e.what());
    ++failure_count();
    return;
  }
  std::fprintf(stderr, "FAIL %s: nothing thrown\n", label);
  ++failure_count();
}

inline int finish(const char *name) {
  if (failure_count() != 0) {
    std::fprintf(stderr, "%s: %d failure(s)\n", name, failure_count());
    return 1;
  }
  std::printf("%s: all checks passed\n", name);
  return 0;
}

/// The largest `count` primes below 2^bits that are 1 mod 2N, largest first (as SEAL's CoeffModulus::Create searches),
/// skipping those in `exclude`.
inline std::vector<uint64_t> primes_below(int bits, size_t count, size_t n, const std::vector<uint64_t> &exclude = {}) {
  std::vector<uint64_t> out;
  const uint64_t step = 2 * static_cast<uint64_t>(n);
  uint64_t value = (uint64_t{1} << bits) - step + 1;
  while (out.size() < count && value > step) {
    bool excluded = false;
    for (uint64_t e : exclude) excluded = excluded || e == value;
    if (!excluded && is_prime(value)) out.push_back(value);
    value -= step;
  }
  return out;
}

/// Context with primes of the given bit sizes (distinct; SEAL-style list: data primes then the special prime).
inline std::shared_ptr<const Context> make_context(size_t n, const std::vector<int> &bit_sizes) {
  std::vector<uint64_t> primes;
  for (int bits : bit_sizes) primes.push_back(primes_below(bits, 1, n, primes).at(0));
  return std::make_shared<const Context>(n, primes);
}

inline std::vector<std::complex<double>> random_complex(size_t count, std::mt19937_64 &rng, double bound = 1.0) {
  std::uniform_real_distribution<double> dist(-bound, bound);
  std::vector<std::complex<double>> v(count);
  for (auto &x : v) x = {dist(rng), dist(rng)};
  return v;
}

inline std::vector<double> random_real(size_t count, std::mt19937_64 &rng, double bound = 1.0) {
  std::uniform_real_distribution<double> dist(-bound, bound);
  std::vector<double> v(count);
  for (auto &x : v) x = dist(rng);
  return v;
}

inline double max_abs_error(const std::vector<std::complex<double>> &a, const std::vector<std::complex<double>> &b) {
  double m = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return a.size() == b.size() ? m : INFINITY;
}

/// Mean over slots of -log2|a_i - b_i| (the bits of precision), capping an exact slot at 64 bits.
inline double mean_log2_precision(const std::vector<std::complex<double>> &a,
                                  const std::vector<std::complex<double>> &b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double e = std::abs(a[i] - b[i]);
    sum += e == 0 ? 64.0 : std::min(64.0, -std::log2(e));
  }
  return sum / static_cast<double>(a.size());
}

}  // namespace cf::ckks::test

namespace cf::ckks::test {

/// Largest |c| over the centered coefficients of limb `limb` of an NTT-form polynomial (c in (-q/2, q/2]).
inline uint64_t centered_max(const Context &ctx, const uint64_t *ntt_limb, size_t limb) {
  const size_t n = ctx.poly_degree();
  std::vector<uint64_t> c(ntt_limb, ntt_limb + n);
  ctx.ntt_tables(limb).inverse(c.data());
  const uint64_t q = ctx.ntt_tables(limb).modulus().value();
  uint64_t m = 0;
  for (uint64_t x : c) m = std::max(m, x > q / 2 ? q - x : x);
  return m;
}

}  // namespace cf::ckks::test
