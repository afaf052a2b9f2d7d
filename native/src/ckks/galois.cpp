#include "cipherformer/ckks/galois.h"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace cf::ckks {
namespace {

uint32_t reverse_bits(uint32_t value, int bit_count) {
  uint32_t r = 0;
  for (int i = 0; i < bit_count; ++i) {
    r = (r << 1) | (value & 1);
    value >>= 1;
  }
  return r;
}

}  // namespace

uint32_t galois_elt_from_step(int step, size_t poly_degree) {
  const uint64_t m = static_cast<uint64_t>(poly_degree) * 2;
  if (step == 0) return static_cast<uint32_t>(m - 1);
  const uint64_t abs_step = static_cast<uint64_t>(std::llabs(static_cast<long long>(step)));
  if (abs_step >= poly_degree / 2) {
    throw std::invalid_argument("rotation step " + std::to_string(step) + " is out of range: |step| must be < N/2 = " +
                                std::to_string(poly_degree / 2));
  }
  // A right rotation by s is a left rotation by N/2 - s (the slots form a cycle of length N/2).
  const uint64_t exponent = step < 0 ? poly_degree / 2 - abs_step : abs_step;
  uint64_t elt = 1;
  for (uint64_t i = 0; i < exponent; ++i) elt = (elt * 3) & (m - 1);
  return static_cast<uint32_t>(elt);
}

uint32_t conjugation_galois_elt(size_t poly_degree) noexcept { return static_cast<uint32_t>(2 * poly_degree - 1); }

std::vector<uint32_t> all_power_of_two_galois_elts(size_t poly_degree) {
  const uint64_t m = static_cast<uint64_t>(poly_degree) * 2;
  int log_n = 0;
  while ((size_t{1} << log_n) < poly_degree) ++log_n;
  std::vector<uint32_t> elts{static_cast<uint32_t>(m - 1)};
  // 3^-1 mod 2N: 3 * inv = 1 mod 2^(log_n + 1); find it by Newton iteration on the 2-adic inverse.
  uint64_t inv3 = 3;  // 3 * 3 = 9 = 1 mod 8
  for (int i = 0; i < 6; ++i) inv3 = inv3 * (2 - 3 * inv3);
  uint64_t pos = 3;
  uint64_t neg = inv3 & (m - 1);
  for (int i = 0; i < log_n - 1; ++i) {
    elts.push_back(static_cast<uint32_t>(pos));
    pos = (pos * pos) & (m - 1);
    elts.push_back(static_cast<uint32_t>(neg));
    neg = (neg * neg) & (m - 1);
  }
  return elts;
}

std::vector<int> non_adjacent_form(int value) {
  std::vector<int> result;
  const bool negative = value < 0;
  long long v = std::llabs(static_cast<long long>(value));
  for (int i = 0; v != 0; ++i) {
    const long long digit = (v & 1) ? 2 - (v & 3) : 0;
    v = (v - digit) >> 1;
    if (digit != 0) result.push_back(static_cast<int>((negative ? -digit : digit) * (1LL << i)));
  }
  return result;
}

std::vector<uint32_t> galois_permutation_table(uint32_t galois_elt, int log_n) {
  const uint32_t n = uint32_t{1} << log_n;
  if ((galois_elt & 1) == 0 || galois_elt >= 2 * n) {
    throw std::invalid_argument("Galois element " + std::to_string(galois_elt) + " is not odd and below 2N = " +
                                std::to_string(2 * n));
  }
  std::vector<uint32_t> table(n);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t reversed = reverse_bits(n + i, log_n + 1);
    const uint64_t index_raw = ((static_cast<uint64_t>(galois_elt) * reversed) >> 1) & (n - 1);
    table[i] = reverse_bits(static_cast<uint32_t>(index_raw), log_n);
  }
  return table;
}

}  // namespace cf::ckks
