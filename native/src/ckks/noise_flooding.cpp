#include "cipherformer/ckks/noise_flooding.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "cipherformer/ckks/validation.h"
#include "cipherformer/util/ntt.h"
#include "cipherformer/util/poly_arith.h"
#include "cipherformer/util/sampling.h"

namespace cf::ckks {

void add_flooding_noise(const Context &context, Plaintext &plain, double sigma, util::Blake2xbPrng &prng) {
  check_plaintext(context, plain, "plain");
  const size_t n = context.poly_degree();
  const auto &moduli = context.moduli(plain.level);
  if (sigma > 0 && sigma <= util::kMaxGaussianSigma) {
    // Keep |e_f| <= 13 sigma below Q / 4, so the flooded message still decodes when |m + e| < Q / 4.
    double log2_q = 0;
    for (const auto &q : moduli) log2_q += std::log2(static_cast<double>(q.value()));
    if (std::log2(util::kGaussianTailCut * sigma) >= log2_q - 2) {
      throw std::invalid_argument("flooding sigma " + std::to_string(sigma) + " is too large for the " +
                                  std::to_string(log2_q) + "-bit modulus of level " + std::to_string(plain.level));
    }
  }
  std::vector<uint64_t> noise(moduli.size() * n);
  util::sample_poly_discrete_gaussian(prng, sigma, moduli, n, noise.data());
  for (size_t i = 0; i < moduli.size(); ++i) {
    // The plaintext is in NTT form and the NTT is linear, so adding NTT(e_f) adds e_f to the coefficients.
    context.ntt_tables(i).forward(noise.data() + i * n);
    util::add_poly_mod(plain.limb(i, n), noise.data() + i * n, n, moduli[i], plain.limb(i, n));
  }
}

void add_flooding_noise(const Context &context, Plaintext &plain, double sigma) {
  util::Blake2xbPrng prng(util::os_random_seed());
  add_flooding_noise(context, plain, sigma, prng);
}

}  // namespace cf::ckks
