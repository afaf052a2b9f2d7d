package org.cipherformer.he;

import java.util.Objects;

/**
 * The negacyclic NTT of a context's primes, as SEAL's {@code NTTTables}, on limb-major RNS polynomials: {@code
 * (level + 1) * N} words, limb i modulo prime i (levels up to the key level, whose limbs cover every prime). CKKS
 * ciphertexts, plaintexts and secret keys are stored in NTT form; {@link #toCoefficients} gives the coefficients
 * {@code a_j mod q_i} of the polynomial {@code sum_j a_j X^j}, {@link #toNtt} the inverse. For analysis and tests
 * (e.g. to look at decryption noise or at a secret key's ternary coefficients).
 */
public final class RnsNtt {
  private RnsNtt() {
  }

  /**
   * Inverse NTT of every limb.
   *
   * @throws IllegalArgumentException naming the value if the level is not in 0..keyLevel, the length is not
   *     {@code (level + 1) * N}, or a word is not below its prime
   */
  public static long[] toCoefficients(CkksContext context, int level, long[] nttForm) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(nttForm, "nttForm");
    return context.withPointer(c -> nativeInverse(c, level, nttForm));
  }

  /** Forward NTT of every limb. @throws IllegalArgumentException as {@link #toCoefficients} */
  public static long[] toNtt(CkksContext context, int level, long[] coefficients) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(coefficients, "coefficients");
    return context.withPointer(c -> nativeForward(c, level, coefficients));
  }

  private static native long[] nativeInverse(long context, int level, long[] data);

  private static native long[] nativeForward(long context, int level, long[] data);
}
