#include "cipherformer/util/sampling.h"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace cf::util {

namespace {

void check_destination(const std::vector<Modulus> &moduli, size_t n, const uint64_t *dest) {
  if (dest == nullptr && n != 0 && !moduli.empty()) throw std::invalid_argument("sampling destination is null");
  if (!moduli.empty() && n > SIZE_MAX / 8 / moduli.size()) {
    throw std::invalid_argument("sampling size " + std::to_string(n) + " x " + std::to_string(moduli.size()) +
                                " limbs overflows");
  }
}

/// Writes the small signed integer `value` into coefficient i of every limb as its residue mod q_j.
void write_small(int64_t value, const std::vector<Modulus> &moduli, size_t n, size_t i, uint64_t *dest) noexcept {
  const uint64_t magnitude = value < 0 ? static_cast<uint64_t>(-value) : static_cast<uint64_t>(value);
  for (size_t j = 0; j < moduli.size(); ++j) {
    const uint64_t r = barrett_reduce_64(magnitude, moduli[j]);
    dest[j * n + i] = (value < 0 && r != 0) ? moduli[j].value() - r : r;
  }
}

int popcount8(unsigned char x) noexcept { return __builtin_popcount(x); }

}  // namespace

void sample_poly_uniform(Blake2xbPrng &prng, const std::vector<Modulus> &moduli, size_t n, uint64_t *dest) {
  check_destination(moduli, n, dest);
  const size_t count = n * moduli.size();
  // Fill everything first, exactly as SEAL does, so that redraws come from the stream after the whole buffer.
  prng.generate(count * sizeof(uint64_t), dest);
  // The buffer bytes are little-endian words; on a big-endian host they would have to be swapped here.
  static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "sample_poly_uniform assumes a little-endian host");
  constexpr uint64_t max_random = ~uint64_t{0};
  for (size_t j = 0; j < moduli.size(); ++j) {
    const Modulus &q = moduli[j];
    // SEAL's bound: reject rand >= (2^64 - 1) - ((2^64 - 1) mod q) - 1. It is one below the largest multiple of q
    // that fits, so it rejects slightly more than necessary; copying it exactly keeps the redraw pattern identical.
    const uint64_t max_multiple = max_random - barrett_reduce_64(max_random, q) - 1;
    uint64_t *limb = dest + j * n;
    for (size_t i = 0; i < n; ++i) {
      uint64_t rand = limb[i];
      while (rand >= max_multiple) rand = prng.next_u64();
      limb[i] = barrett_reduce_64(rand, q);
    }
  }
}

void sample_poly_ternary(Blake2xbPrng &prng, const std::vector<Modulus> &moduli, size_t n, uint64_t *dest) {
  check_destination(moduli, n, dest);
  // One byte per coefficient, rejecting 255 so that 255 = 3 * 85 values map evenly onto {-1, 0, 1}.
  // (SEAL draws with std::uniform_int_distribution, whose algorithm depends on the C++ library; the distribution is
  // the same, the bits are not, and nothing stores or transmits a ternary sample's seed.)
  unsigned char chunk[256];
  size_t available = 0;
  size_t pos = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned char byte = 0;
    do {
      if (pos == available) {
        prng.generate(sizeof chunk, chunk);
        available = sizeof chunk;
        pos = 0;
      }
      byte = chunk[pos++];
    } while (byte == 255);
    write_small(static_cast<int64_t>(byte % 3) - 1, moduli, n, i, dest);
  }
}

void sample_poly_cbd(Blake2xbPrng &prng, const std::vector<Modulus> &moduli, size_t n, uint64_t *dest) {
  check_destination(moduli, n, dest);
  // SEAL 4.1's centered binomial sampler (rlwe.cpp): 6 bytes, the 3rd and 6th masked to 5 bits, so 21 bits per side;
  // e = popcount(first 21 bits) - popcount(last 21 bits). Variance 21/2 = 10.5, i.e. std dev 3.24, |e| <= 21.
  // With the same PRNG stream this reproduces SEAL's samples bit for bit.
  for (size_t i = 0; i < n; ++i) {
    unsigned char x[6];
    prng.generate(sizeof x, x);
    x[2] &= 0x1F;
    x[5] &= 0x1F;
    const int e = popcount8(x[0]) + popcount8(x[1]) + popcount8(x[2]) - popcount8(x[3]) - popcount8(x[4]) -
                  popcount8(x[5]);
    write_small(e, moduli, n, i, dest);
  }
}

namespace {

void check_sigma(double sigma) {
  if (!(sigma > 0) || !(sigma <= kMaxGaussianSigma)) {
    throw std::invalid_argument("Gaussian sigma " + std::to_string(sigma) + " is not in (0, " +
                                std::to_string(kMaxGaussianSigma) + "]");
  }
}

/// Uniform in [0, range) for 1 <= range <= 2^53 + 1: reject words at or above the largest multiple of range.
uint64_t uniform_below(Blake2xbPrng &prng, uint64_t range) {
  const uint64_t limit = (~uint64_t{0} / range) * range;
  uint64_t r = prng.next_u64();
  while (r >= limit) r = prng.next_u64();
  return r % range;
}

}  // namespace

void sample_discrete_gaussian(Blake2xbPrng &prng, double sigma, size_t n, int64_t *dest) {
  check_sigma(sigma);
  if (dest == nullptr && n != 0) throw std::invalid_argument("sampling destination is null");
  const auto bound = static_cast<int64_t>(std::ceil(kGaussianTailCut * sigma));
  const auto range = static_cast<uint64_t>(2 * bound + 1);
  const double inv_two_var = 1.0 / (2.0 * sigma * sigma);
  constexpr double two_to_minus_53 = 1.0 / 9007199254740992.0;
  for (size_t i = 0; i < n; ++i) {
    while (true) {
      const int64_t x = static_cast<int64_t>(uniform_below(prng, range)) - bound;
      const auto xd = static_cast<double>(x);
      const double u = static_cast<double>(prng.next_u64() >> 11) * two_to_minus_53;
      if (u < std::exp(-xd * xd * inv_two_var)) {
        dest[i] = x;
        break;
      }
    }
  }
}

void sample_poly_discrete_gaussian(Blake2xbPrng &prng, double sigma, const std::vector<Modulus> &moduli, size_t n,
                                   uint64_t *dest) {
  check_sigma(sigma);
  check_destination(moduli, n, dest);
  std::vector<int64_t> values(n);
  sample_discrete_gaussian(prng, sigma, n, values.data());
  for (size_t i = 0; i < n; ++i) write_small(values[i], moduli, n, i, dest);
}

}  // namespace cf::util
