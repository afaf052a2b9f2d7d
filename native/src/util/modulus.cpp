#include "cipherformer/util/modulus.h"

#include <stdexcept>
#include <string>

namespace cf::util {

Modulus::Modulus(uint64_t value) : value_(value), bit_count_(0), const_ratio_{0, 0, 0} {
  if (value < 2 || value >= (uint64_t{1} << kMaxBitCount)) {
    throw std::invalid_argument("modulus " + std::to_string(value) + " is outside [2, 2^61)");
  }
  bit_count_ = 64 - __builtin_clzll(value);
  // 2^128 = Q * q + R. 2^128 does not fit in 128 bits, so divide (2^128 - 1) and fix up the remainder.
  const uint128_t all_ones = ~static_cast<uint128_t>(0);
  uint128_t quotient = all_ones / value;
  uint64_t remainder = static_cast<uint64_t>(all_ones % value) + 1;
  if (remainder == value) {
    ++quotient;
    remainder = 0;
  }
  const_ratio_[0] = static_cast<uint64_t>(quotient);
  const_ratio_[1] = static_cast<uint64_t>(quotient >> 64);
  const_ratio_[2] = remainder;
}

uint64_t pow_mod(uint64_t base, uint64_t exp, const Modulus &q) noexcept {
  uint64_t result = 1 % q.value();
  uint64_t power = barrett_reduce_64(base, q);
  while (exp != 0) {
    if (exp & 1) result = multiply_mod(result, power, q);
    exp >>= 1;
    if (exp != 0) power = multiply_mod(power, power, q);
  }
  return result;
}

bool try_invert_mod(uint64_t a, const Modulus &q, uint64_t &out) noexcept {
  // Extended Euclid on (q, a mod q), tracking only the coefficient of a, as signed values bounded by q < 2^61.
  int64_t r0 = static_cast<int64_t>(q.value());
  int64_t r1 = static_cast<int64_t>(barrett_reduce_64(a, q));
  int64_t t0 = 0;
  int64_t t1 = 1;
  if (r1 == 0) return false;
  while (r1 != 0) {
    const int64_t quotient = r0 / r1;
    const int64_t r2 = r0 - quotient * r1;
    r0 = r1;
    r1 = r2;
    const int64_t t2 = t0 - quotient * t1;
    t0 = t1;
    t1 = t2;
  }
  if (r0 != 1) return false;
  out = t0 < 0 ? static_cast<uint64_t>(t0 + static_cast<int64_t>(q.value())) : static_cast<uint64_t>(t0);
  return true;
}

void MulOperand::set(uint64_t value, const Modulus &q) {
  if (value >= q.value()) {
    throw std::invalid_argument("Shoup operand " + std::to_string(value) + " is not below the modulus " +
                                std::to_string(q.value()));
  }
  operand = value;
  quotient = static_cast<uint64_t>((static_cast<uint128_t>(value) << 64) / q.value());
}

}  // namespace cf::util
