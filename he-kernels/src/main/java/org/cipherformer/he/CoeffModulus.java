package org.cipherformer.he;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Coefficient-modulus choices, mirroring SEAL 4.1's {@code CoeffModulus} (seal/modulus.cpp) so that the same
 * request gives the same primes, in the same order, as SEAL.
 */
public final class CoeffModulus {
  /** SEAL_USER_MOD_BIT_COUNT_MIN. */
  public static final int MIN_BIT_SIZE = 2;
  /** SEAL_USER_MOD_BIT_COUNT_MAX. */
  public static final int MAX_BIT_SIZE = 60;

  private CoeffModulus() {}

  /**
   * SEAL's {@code CoeffModulus::Create(N, bit_sizes)}: one prime per requested bit size, each {@code p ≡ 1 mod 2N}
   * with exactly that many bits.
   *
   * <p>Algorithm, as SEAL does it: for every distinct bit size b requested c times, search downward from the largest
   * candidate {@code floor((2^b - 1) / 2N) * 2N + 1}, stepping by 2N while the candidate stays above 2^(b-1),
   * collecting the first c primes (largest first). Then walk the requested sizes in order and give each the
   * <em>smallest</em> not-yet-used prime of its size (SEAL pops from the back of the descending list). So for
   * {60, 40, 40, 60} the first 60-bit slot gets the second-largest 60-bit prime and the last slot the largest.
   *
   * <p>Primality is tested with {@link BigInteger#isProbablePrime(int)} at certainty 100 (SEAL uses 40 rounds of
   * Miller–Rabin); for values below 2^61 both are exact in practice.
   *
   * @param n ring degree, a power of two in 2..131072 (SEAL's range; chains are further restricted by
   *     {@link SecurityLevel})
   * @param bitSizes requested sizes, each 2..60, at most 64 of them
   * @return the primes
   * @throws InvalidParametersException on a bad degree or size, or when there are not enough primes of some size
   */
  public static long[] create(int n, int... bitSizes) {
    if (n < 2 || n > EncryptionParameters.MAX_POLY_MODULUS_DEGREE || Integer.bitCount(n) != 1) {
      throw new InvalidParametersException("poly modulus degree " + n + " is not a power of two in 2..131072");
    }
    if (bitSizes.length == 0 || bitSizes.length > EncryptionParameters.MAX_COEFF_MODULUS_COUNT) {
      throw new InvalidParametersException(
          "number of bit sizes must be 1..64, got " + bitSizes.length);
    }
    Map<Integer, Integer> countBySize = new HashMap<>();
    for (int b : bitSizes) {
      if (b < MIN_BIT_SIZE || b > MAX_BIT_SIZE) {
        throw new InvalidParametersException("bit size " + b + " is outside SEAL's range 2..60");
      }
      countBySize.merge(b, 1, Integer::sum);
    }
    long factor = 2L * n;
    Map<Integer, Deque<Long>> primesBySize = new HashMap<>();
    for (Map.Entry<Integer, Integer> e : countBySize.entrySet()) {
      primesBySize.put(e.getKey(), primesDescending(factor, e.getKey(), e.getValue()));
    }
    long[] result = new long[bitSizes.length];
    for (int i = 0; i < bitSizes.length; i++) {
      result[i] = primesBySize.get(bitSizes[i]).removeLast();
    }
    return result;
  }

  /**
   * The first {@code count} primes {@code p ≡ 1 mod factor} with exactly {@code bitSize} bits, largest first
   * (SEAL's util::get_primes).
   */
  static Deque<Long> primesDescending(long factor, int bitSize, int count) {
    Deque<Long> found = new ArrayDeque<>();
    long value = ((1L << bitSize) - 1) / factor * factor + 1;
    long lowerBound = 1L << (bitSize - 1);
    while (found.size() < count && value > lowerBound) {
      if (BigInteger.valueOf(value).isProbablePrime(100)) {
        found.addLast(value);
      }
      value -= factor;
    }
    if (found.size() < count) {
      throw new InvalidParametersException(
          "not enough " + bitSize + "-bit primes congruent to 1 mod " + factor + ": wanted " + count
              + ", found " + found.size());
    }
    return found;
  }

  /**
   * SEAL 4.1's {@code CoeffModulus::BFVDefault(N, sec_level_type::tc128)}: a fixed table of primes whose total
   * bit count is the 128-bit limit for N (the table is SEAL's util/globals.cpp; the test suite compares every
   * entry with node-seal).
   *
   * @param n 4096, 8192, 16384 or 32768
   * @throws InvalidParametersException for other degrees
   */
  public static long[] bfvDefault(int n) {
    switch (n) {
      case 4096:
        return new long[] {0xffffee001L, 0xffffc4001L, 0x1ffffe0001L};
      case 8192:
        return new long[] {0x7fffffd8001L, 0x7fffffc8001L, 0xfffffffc001L, 0xffffff6c001L, 0xfffffebc001L};
      case 16384:
        return new long[] {
          0xfffffffd8001L, 0xfffffffa0001L, 0xfffffff00001L, 0x1fffffff68001L, 0x1fffffff50001L,
          0x1ffffffee8001L, 0x1ffffffea0001L, 0x1ffffffe88001L, 0x1ffffffe48001L
        };
      case 32768:
        return BFV_DEFAULT_32768.clone();
      default:
        throw new InvalidParametersException(
            "no default coefficient modulus for poly modulus degree " + n + " (4096..32768 only)");
    }
  }

  private static final long[] BFV_DEFAULT_32768 = {
    0x7fffffffe90001L, 0x7fffffffbf0001L, 0x7fffffffbd0001L, 0x7fffffffba0001L, 0x7fffffffaa0001L,
    0x7fffffffa50001L, 0x7fffffff9f0001L, 0x7fffffff7e0001L, 0x7fffffff770001L, 0x7fffffff380001L,
    0x7fffffff330001L, 0x7fffffff2d0001L, 0x7fffffff170001L, 0x7fffffff150001L, 0x7ffffffef00001L,
    0xfffffffff70001L
  };

  /**
   * The largest total coefficient-modulus bit count at ring degree {@code n} for {@link SecurityLevel#TC128}
   * (SEAL's {@code CoeffModulus::MaxBitCount(N, tc128)}).
   */
  public static int maxBitCount(int n) {
    return SecurityLevel.TC128.maxBitCount(n);
  }

  /** The largest total bit count at ring degree {@code n} for the given level. */
  public static int maxBitCount(int n, SecurityLevel level) {
    return level.maxBitCount(n);
  }
}
