package org.cipherformer.he;

import java.util.Arrays;
import java.util.Objects;

/**
 * Immutable mirror of SEAL's {@code EncryptionParameters}: scheme, ring degree N, coefficient modulus (the RNS
 * primes q_0..q_{k-1}, the last one being the key-switching special prime in a chain) and plain modulus (0 for
 * CKKS, which has none).
 *
 * <p>This class checks only the shape SEAL's setters check (N a power of two in SEAL's range, at most 64 moduli of
 * at most 61 bits each); primality, NTT-friendliness and security are checked by {@link ParameterChain}, as SEAL
 * checks them when a {@code SEALContext} is built.
 */
public final class EncryptionParameters {
  /** SEAL_POLY_MOD_DEGREE_MAX. */
  public static final int MAX_POLY_MODULUS_DEGREE = 131072;
  /** SEAL_COEFF_MOD_COUNT_MAX. */
  public static final int MAX_COEFF_MODULUS_COUNT = 64;
  /** SEAL's Modulus accepts values of at most 61 bits. */
  public static final int MAX_MODULUS_BITS = 61;

  private final SchemeType scheme;
  private final int polyModulusDegree;
  private final long[] coeffModulus;
  private final long plainModulus;
  private final ParmsId parmsId;

  /**
   * @param scheme the scheme
   * @param polyModulusDegree N, a power of two in 2..131072 (0 is allowed only with no moduli, as SEAL's default)
   * @param coeffModulus the RNS moduli, each 0 or 2..2^61-1 (copied)
   * @param plainModulus the plain modulus (0 for CKKS)
   * @throws InvalidParametersException if a value is outside what SEAL's EncryptionParameters accepts
   */
  public EncryptionParameters(
      SchemeType scheme, int polyModulusDegree, long[] coeffModulus, long plainModulus) {
    this.scheme = Objects.requireNonNull(scheme, "scheme");
    if (polyModulusDegree != 0
        && (polyModulusDegree < 2
            || polyModulusDegree > MAX_POLY_MODULUS_DEGREE
            || Integer.bitCount(polyModulusDegree) != 1)) {
      throw new InvalidParametersException(
          "poly modulus degree " + polyModulusDegree + " is not a power of two in 2..131072");
    }
    if (coeffModulus.length > MAX_COEFF_MODULUS_COUNT) {
      throw new InvalidParametersException(
          "coefficient modulus has " + coeffModulus.length + " primes, more than SEAL's maximum 64");
    }
    for (long q : coeffModulus) {
      checkModulusValue(q, "coefficient modulus");
    }
    checkModulusValue(plainModulus, "plain modulus");
    if (scheme == SchemeType.CKKS && plainModulus != 0) {
      throw new InvalidParametersException("CKKS has no plain modulus, got " + plainModulus);
    }
    this.polyModulusDegree = polyModulusDegree;
    this.coeffModulus = coeffModulus.clone();
    this.plainModulus = plainModulus;
    this.parmsId = computeParmsId();
  }

  /** CKKS parameters with ring degree {@code n} and the given moduli. */
  public static EncryptionParameters ckks(int n, long... coeffModulus) {
    return new EncryptionParameters(SchemeType.CKKS, n, coeffModulus, 0);
  }

  private static void checkModulusValue(long q, String what) {
    if (q == 1 || q < 0 || 64 - Long.numberOfLeadingZeros(q) > MAX_MODULUS_BITS) {
      throw new InvalidParametersException(
          what + " value " + Long.toUnsignedString(q) + " is not 0 or in 2..2^61-1");
    }
  }

  public SchemeType scheme() {
    return scheme;
  }

  public int polyModulusDegree() {
    return polyModulusDegree;
  }

  /** A copy of the RNS moduli. */
  public long[] coeffModulus() {
    return coeffModulus.clone();
  }

  /** Number of RNS moduli. */
  public int coeffModulusSize() {
    return coeffModulus.length;
  }

  /** The i-th RNS modulus. */
  public long coeffModulus(int i) {
    return coeffModulus[i];
  }

  public long plainModulus() {
    return plainModulus;
  }

  /** These parameters with the last modulus removed (SEAL's next level in the modulus-switching chain). */
  public EncryptionParameters dropLastModulus() {
    if (coeffModulus.length == 0) {
      throw new InvalidParametersException("no modulus left to drop");
    }
    return new EncryptionParameters(
        scheme, polyModulusDegree, Arrays.copyOf(coeffModulus, coeffModulus.length - 1), plainModulus);
  }

  /**
   * SEAL's {@code parms_id}: plain BLAKE2b (not BLAKE2Xb) with a 32-byte digest and no key, over the
   * little-endian uint64 words {@code [scheme, N, q_0, ..., q_{k-1}, plain_modulus]} (seal/encryptionparams.cpp
   * compute_parms_id, seal/util/hash.h HashFunction::hash). Note: there is <em>no</em> word for the number of
   * moduli, and the plain modulus word is present (0) for CKKS; checked against node-seal 6.0.3. The 32 digest
   * bytes read as four little-endian words give the parms_id.
   */
  public ParmsId parmsId() {
    return parmsId;
  }

  private ParmsId computeParmsId() {
    int words = 3 + coeffModulus.length;
    byte[] in = new byte[8 * words];
    int off = 0;
    off = putLong(in, off, scheme.value());
    off = putLong(in, off, polyModulusDegree);
    for (long q : coeffModulus) {
      off = putLong(in, off, q);
    }
    putLong(in, off, plainModulus);
    byte[] d = Blake2b.hash(32, in);
    long[] w = new long[4];
    for (int i = 0; i < 32; i++) {
      w[i >>> 3] |= (d[i] & 0xFFL) << (8 * (i & 7));
    }
    return ParmsId.of(w);
  }

  private static int putLong(byte[] b, int off, long v) {
    for (int i = 0; i < 8; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
    return off + 8;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncryptionParameters p
        && p.scheme == scheme
        && p.polyModulusDegree == polyModulusDegree
        && p.plainModulus == plainModulus
        && Arrays.equals(p.coeffModulus, coeffModulus);
  }

  @Override
  public int hashCode() {
    return parmsId.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(scheme).append(" N=").append(polyModulusDegree).append(" q=[");
    for (int i = 0; i < coeffModulus.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(Long.toHexString(coeffModulus[i]));
    }
    return sb.append("] parms_id=").append(parmsId).toString();
  }
}
