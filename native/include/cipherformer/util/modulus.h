#pragma once
// Modular arithmetic on one word-sized modulus q < 2^61: the arithmetic every RNS limb of the CKKS engine uses.
// The reductions follow SEAL 4.1 (util/uintarithsmallmod.h): Barrett reduction with floor(2^128 / q) and Shoup
// multiplication with a precomputed quotient, so results are exactly the canonical residues SEAL produces.

#include <array>
#include <cstdint>

namespace cf::util {

/// Unsigned 128-bit integer (GCC/Clang extension; __extension__ keeps -Wpedantic quiet).
__extension__ typedef unsigned __int128 uint128_t;

/// A modulus q with 2 <= q < 2^61 and its Barrett constant.
///
/// The 61-bit bound is SEAL's bound for coefficient moduli; it leaves headroom for lazy reductions that keep
/// values in [0, 4q) without overflowing a 64-bit word.
class Modulus {
 public:
  /// Largest allowed bit count of a modulus.
  static constexpr int kMaxBitCount = 61;

  /// @throws std::invalid_argument naming the value if value < 2 or value >= 2^61.
  explicit Modulus(uint64_t value);

  uint64_t value() const noexcept { return value_; }
  /// Number of significant bits of q (e.g. 50 for a 50-bit prime).
  int bit_count() const noexcept { return bit_count_; }
  /// {low word, high word} of floor(2^128 / q), then the remainder 2^128 mod q (SEAL's const_ratio layout).
  const std::array<uint64_t, 3> &const_ratio() const noexcept { return const_ratio_; }

  bool operator==(const Modulus &other) const noexcept { return value_ == other.value_; }
  bool operator!=(const Modulus &other) const noexcept { return value_ != other.value_; }

 private:
  uint64_t value_;
  int bit_count_;
  std::array<uint64_t, 3> const_ratio_;
};

/// x mod q for any 64-bit x (Barrett with the high word of the constant; the estimate is short by at most one q).
inline uint64_t barrett_reduce_64(uint64_t x, const Modulus &q) noexcept {
  const uint64_t estimate = static_cast<uint64_t>((static_cast<uint128_t>(x) * q.const_ratio()[1]) >> 64);
  const uint64_t r = x - estimate * q.value();
  return r >= q.value() ? r - q.value() : r;
}

/// x mod q for any 128-bit x. The quotient estimate floor(x * floor(2^128/q) / 2^128) is at most one below
/// floor(x / q), so one conditional subtraction gives the canonical residue.
inline uint64_t barrett_reduce_128(uint128_t x, const Modulus &q) noexcept {
  const uint64_t x0 = static_cast<uint64_t>(x);
  const uint64_t x1 = static_cast<uint64_t>(x >> 64);
  const uint64_t r0 = q.const_ratio()[0];
  const uint64_t r1 = q.const_ratio()[1];
  // Only the word at 2^128 of x * ratio is needed (the quotient estimate is < 2^64 modulo wrap-around, which the
  // final subtraction tolerates because the true remainder is < 2q < 2^64).
  const uint128_t low = static_cast<uint128_t>(x0) * r0;
  const uint128_t mid = static_cast<uint128_t>(x0) * r1 + static_cast<uint64_t>(low >> 64);
  const uint128_t mid2 = static_cast<uint128_t>(x1) * r0 + static_cast<uint64_t>(mid);
  const uint64_t estimate =
      x1 * r1 + static_cast<uint64_t>(mid >> 64) + static_cast<uint64_t>(mid2 >> 64);
  const uint64_t r = x0 - estimate * q.value();
  return r >= q.value() ? r - q.value() : r;
}

/// (a + b) mod q for a, b in [0, q).
inline uint64_t add_mod(uint64_t a, uint64_t b, const Modulus &q) noexcept {
  const uint64_t s = a + b;
  return s >= q.value() ? s - q.value() : s;
}

/// (a - b) mod q for a, b in [0, q).
inline uint64_t sub_mod(uint64_t a, uint64_t b, const Modulus &q) noexcept {
  return a >= b ? a - b : a + (q.value() - b);
}

/// (-a) mod q for a in [0, q); returns 0 for 0 (never q).
inline uint64_t negate_mod(uint64_t a, const Modulus &q) noexcept { return a == 0 ? 0 : q.value() - a; }

/// (a * b) mod q for any 64-bit a, b (full product reduced with barrett_reduce_128).
inline uint64_t multiply_mod(uint64_t a, uint64_t b, const Modulus &q) noexcept {
  return barrett_reduce_128(static_cast<uint128_t>(a) * b, q);
}

/// base^exp mod q by square-and-multiply; 0^0 = 1.
uint64_t pow_mod(uint64_t base, uint64_t exp, const Modulus &q) noexcept;

/// Modular inverse: sets out = a^-1 mod q and returns true iff gcd(a mod q, q) = 1 (false for a = 0 mod q).
bool try_invert_mod(uint64_t a, const Modulus &q, uint64_t &out) noexcept;

/// A constant multiplicand prepared for Shoup multiplication: quotient = floor(operand * 2^64 / q).
/// Multiplying by it costs two word products and no division (SEAL's MultiplyUIntModOperand).
struct MulOperand {
  uint64_t operand = 0;
  uint64_t quotient = 0;
  /// @throws std::invalid_argument naming the value if value >= q.
  void set(uint64_t value, const Modulus &q);
};

/// x * y mod q in [0, 2q) for any 64-bit x (Shoup): q * floor(x * quotient / 2^64) is within one q of the
/// largest multiple of q below x * y.
inline uint64_t multiply_mod_lazy(uint64_t x, const MulOperand &y, const Modulus &q) noexcept {
  const uint64_t estimate = static_cast<uint64_t>((static_cast<uint128_t>(x) * y.quotient) >> 64);
  return x * y.operand - estimate * q.value();
}

/// x * y mod q in [0, q) for any 64-bit x (Shoup).
inline uint64_t multiply_mod(uint64_t x, const MulOperand &y, const Modulus &q) noexcept {
  const uint64_t r = multiply_mod_lazy(x, y, q);
  return r >= q.value() ? r - q.value() : r;
}

}  // namespace cf::util
