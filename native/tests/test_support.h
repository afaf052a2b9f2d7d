#pragma once
// Minimal test support for the native ctest executables: CHECK records a failure with its location and keeps going,
// so one run reports every broken case; main returns test_exit_code().

#include <cstdint>
#include <cstdio>

namespace cf::test {

inline int &failure_count() {
  static int count = 0;
  return count;
}

inline int test_exit_code() {
  if (failure_count() != 0) {
    std::fprintf(stderr, "%d check(s) failed\n", failure_count());
    return 1;
  }
  return 0;
}

/// Independent reference arithmetic for the tests (plain unsigned __int128, no Barrett, no Shoup).
__extension__ typedef unsigned __int128 u128;

inline uint64_t ref_mulmod(uint64_t a, uint64_t b, uint64_t q) {
  return static_cast<uint64_t>(static_cast<u128>(a) * b % q);
}

inline uint64_t ref_powmod(uint64_t base, uint64_t exp, uint64_t q) {
  uint64_t result = 1 % q;
  base %= q;
  while (exp != 0) {
    if (exp & 1) result = ref_mulmod(result, base, q);
    base = ref_mulmod(base, base, q);
    exp >>= 1;
  }
  return result;
}

/// Deterministic Miller-Rabin, exact for all 64-bit inputs (bases 2..37).
inline bool ref_is_prime(uint64_t n) {
  if (n < 2) return false;
  for (uint64_t p : {2ULL, 3ULL, 5ULL, 7ULL, 11ULL, 13ULL, 17ULL, 19ULL, 23ULL, 29ULL, 31ULL, 37ULL}) {
    if (n % p == 0) return n == p;
  }
  uint64_t d = n - 1;
  int r = 0;
  while ((d & 1) == 0) {
    d >>= 1;
    ++r;
  }
  for (uint64_t a : {2ULL, 3ULL, 5ULL, 7ULL, 11ULL, 13ULL, 17ULL, 19ULL, 23ULL, 29ULL, 31ULL, 37ULL}) {
    uint64_t x = ref_powmod(a, d, n);
    if (x == 1 || x == n - 1) continue;
    bool composite = true;
    for (int i = 1; i < r; ++i) {
      x = ref_mulmod(x, x, n);
      if (x == n - 1) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}

/// The largest prime below 2^bits that is 1 mod `factor` (the same search SEAL's get_primes does).
inline uint64_t ref_prime_below(int bits, uint64_t factor) {
  uint64_t value = (uint64_t{1} << bits) - factor + 1;
  while (!ref_is_prime(value)) value -= factor;
  return value;
}

}  // namespace cf::test

#define CHECK(cond)                                                                 \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++::cf::test::failure_count();                                                \
    }                                                                               \
  } while (0)

#define CHECK_MSG(cond, ...)                                                        \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, __VA_ARGS__);                                            \
      std::fputc('\n', stderr);                                                     \
      ++::cf::test::failure_count();                                                \
    }                                                                               \
  } while (0)
