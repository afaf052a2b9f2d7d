// Noise flooding: the discrete Gaussian sampler must have mean 0, standard deviation sigma and the discrete
// Gaussian's point probabilities (checked against the exact normalized weights), respect its tail cut and refuse bad
// sigmas; add_flooding_noise must add exactly one fresh Gaussian integer polynomial to a plaintext's coefficients
// (the same integer in every RNS limb, found by an inverse NTT of the difference) and refuse a sigma that would wrap
// around the modulus.

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "cipherformer/ckks/noise_flooding.h"
#include "cipherformer/util/prng.h"
#include "cipherformer/util/sampling.h"
#include "ckks_test_util.h"

using namespace cf;
using cf::ckks::test::expect_throws;

namespace {

struct Moments {
  double mean;
  double std;
  int64_t max_abs;
};

Moments moments(const std::vector<int64_t> &x) {
  double sum = 0;
  int64_t max_abs = 0;
  for (int64_t v : x) {
    sum += static_cast<double>(v);
    max_abs = std::max(max_abs, v < 0 ? -v : v);
  }
  const double mean = sum / static_cast<double>(x.size());
  double sq = 0;
  for (int64_t v : x) sq += (static_cast<double>(v) - mean) * (static_cast<double>(v) - mean);
  return {mean, std::sqrt(sq / static_cast<double>(x.size() - 1)), max_abs};
}

void test_sampler_moments() {
  util::Blake2xbPrng prng(util::os_random_seed());
  const size_t n = 200000;
  for (double sigma : {3.2, 1000.0, 1048576.0, 1099511627776.0}) {
    std::vector<int64_t> x(n);
    util::sample_discrete_gaussian(prng, sigma, n, x.data());
    const Moments m = moments(x);
    // Standard error of the mean: sigma / sqrt(n) = 0.0022 sigma; of the std: sigma / sqrt(2n) = 0.0016 sigma.
    CF_EXPECT(std::fabs(m.mean) < 0.012 * sigma, "sigma %g: mean %g", sigma, m.mean);
    CF_EXPECT(std::fabs(m.std / sigma - 1) < 0.01, "sigma %g: std %g", sigma, m.std);
    CF_EXPECT(static_cast<double>(m.max_abs) <= std::ceil(util::kGaussianTailCut * sigma), "sigma %g: |x| = %lld",
              sigma, static_cast<long long>(m.max_abs));
    // At n = 200000 the largest of |x| is about 4.5 sigma; a sampler stuck near 0 would stay far below.
    CF_EXPECT(static_cast<double>(m.max_abs) > 3.5 * sigma, "sigma %g: max |x| only %lld", sigma,
              static_cast<long long>(m.max_abs));
  }
}

void test_sampler_point_probabilities() {
  // sigma = 2: the exact discrete Gaussian weights exp(-x^2/8), normalized over |x| <= 26; compare the frequency of
  // every |x| <= 6 with the exact probability (binomial standard error at most 0.0011 for n = 200000; 6 of them).
  util::Blake2xbPrng prng(util::os_random_seed());
  const double sigma = 2.0;
  const size_t n = 200000;
  std::vector<int64_t> x(n);
  util::sample_discrete_gaussian(prng, sigma, n, x.data());
  double norm = 0;
  for (int k = -26; k <= 26; ++k) norm += std::exp(-k * k / (2 * sigma * sigma));
  for (int k = -6; k <= 6; ++k) {
    size_t count = 0;
    for (int64_t v : x) count += v == k ? 1 : 0;
    const double expected = std::exp(-k * k / (2 * sigma * sigma)) / norm;
    const double observed = static_cast<double>(count) / static_cast<double>(n);
    CF_EXPECT(std::fabs(observed - expected) < 0.006, "Pr[%d] = %g, expected %g", k, observed, expected);
  }
}

void test_sampler_refuses_bad_sigma() {
  util::Blake2xbPrng prng(util::os_random_seed());
  int64_t out[4];
  for (double sigma : {0.0, -1.0, std::nan(""), static_cast<double>(INFINITY), util::kMaxGaussianSigma * 2}) {
    expect_throws<std::invalid_argument>("bad sigma", [&] { util::sample_discrete_gaussian(prng, sigma, 4, out); },
                                         "sigma");
  }
}

void test_flooding_adds_one_gaussian_polynomial() {
  const size_t n = 4096;
  auto context = ckks::test::make_context(n, {39, 30, 40});
  const size_t level = context->first_level();  // 2 primes
  const auto &moduli = context->moduli(level);
  std::mt19937_64 rng(7);
  ckks::Plaintext plain;
  plain.level = level;
  plain.scale = 1073741824.0;
  plain.data.resize(moduli.size() * n);
  for (size_t i = 0; i < moduli.size(); ++i) {
    for (size_t j = 0; j < n; ++j) plain.data[i * n + j] = rng() % moduli[i].value();
  }
  const double sigma = 1048576.0;  // 2^20
  ckks::Plaintext flooded = plain;
  ckks::add_flooding_noise(*context, flooded, sigma);
  CF_EXPECT(flooded.level == plain.level && flooded.scale == plain.scale, "level or scale changed");
  // Difference in coefficient form, limb by limb; every limb must hold the same centered integer.
  std::vector<int64_t> e(n);
  bool limbs_agree = true;
  for (size_t i = 0; i < moduli.size(); ++i) {
    const uint64_t q = moduli[i].value();
    std::vector<uint64_t> d(n);
    for (size_t j = 0; j < n; ++j) d[j] = (flooded.data[i * n + j] + q - plain.data[i * n + j]) % q;
    context->ntt_tables(i).inverse(d.data());
    for (size_t j = 0; j < n; ++j) {
      const int64_t centered = d[j] > q / 2 ? -static_cast<int64_t>(q - d[j]) : static_cast<int64_t>(d[j]);
      if (i == 0) {
        e[j] = centered;
      } else {
        limbs_agree = limbs_agree && e[j] == centered;
      }
    }
  }
  CF_EXPECT(limbs_agree, "the limbs of the added noise are not one integer polynomial");
  const Moments m = moments(e);
  // n = 4096: standard error of the mean 0.016 sigma, of the std 0.011 sigma.
  CF_EXPECT(std::fabs(m.mean) < 0.08 * sigma, "flooding mean %g", m.mean);
  CF_EXPECT(std::fabs(m.std / sigma - 1) < 0.06, "flooding std %g for sigma %g", m.std, sigma);
  CF_EXPECT(static_cast<double>(m.max_abs) <= std::ceil(util::kGaussianTailCut * sigma), "flooding |e| %lld",
            static_cast<long long>(m.max_abs));
  // Fresh randomness: a second flood of the same plaintext differs.
  ckks::Plaintext again = plain;
  ckks::add_flooding_noise(*context, again, sigma);
  CF_EXPECT(again.data != flooded.data, "two floods gave the same noise");
}

void test_flooding_refuses_bad_input() {
  auto context = ckks::test::make_context(4096, {39, 30, 40});
  ckks::Plaintext plain;
  plain.level = 0;  // one 39-bit prime
  plain.scale = 1073741824.0;
  plain.data.assign(4096, 0);
  // 13 sigma must stay below q_0 / 4 = 2^37: sigma = 2^34 is refused, 2^30 accepted.
  expect_throws<std::invalid_argument>("sigma too large", [&] {
    ckks::Plaintext p = plain;
    ckks::add_flooding_noise(*context, p, 17179869184.0);
  }, "too large");
  ckks::Plaintext ok = plain;
  ckks::add_flooding_noise(*context, ok, 1073741824.0);
  expect_throws<std::invalid_argument>("sigma zero", [&] {
    ckks::Plaintext p = plain;
    ckks::add_flooding_noise(*context, p, 0.0);
  }, "sigma");
  expect_throws<std::invalid_argument>("malformed plaintext", [&] {
    ckks::Plaintext p = plain;
    p.data.resize(10);
    ckks::add_flooding_noise(*context, p, 8.0);
  }, "plain");
}

}  // namespace

int main() {
  test_sampler_moments();
  test_sampler_point_probabilities();
  test_sampler_refuses_bad_sigma();
  test_flooding_adds_one_gaussian_polynomial();
  test_flooding_refuses_bad_input();
  return cf::ckks::test::finish("noise_flooding_test");
}
