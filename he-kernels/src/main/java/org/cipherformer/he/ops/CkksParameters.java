package org.cipherformer.he.ops;

import java.util.Arrays;
import java.util.Objects;
import org.cipherformer.he.CkksContext;
import org.cipherformer.he.CoeffModulus;
import org.cipherformer.he.EncryptionParameters;
import org.cipherformer.he.ParameterChain;
import org.cipherformer.he.SecurityLevel;

/**
 * A CKKS parameter set for {@link CkksBackend} and {@link CkksKeyHolder}: ring degree, the primes
 * ({@link CoeffModulus#create}: first prime, data primes, special prime), the levels a program uses and the
 * canonical scale of every level. Always checked at {@link SecurityLevel#TC128} (128-bit classical security by the
 * HE standard, special prime included); there are no insecure presets.
 *
 * <p><b>Levels.</b> Level {@code l} is SEAL's chain index: the value lives modulo {@code q_0 ... q_l}. Fresh and
 * refreshed values are at {@link #topLevel()} (SEAL's first data level: all primes but the special one). A refresh
 * needs the value at {@link #refreshFloor()} or above.
 *
 * <p><b>Canonical scales</b> (docs/encrypted-inference.md, "Levels and scales"):
 *
 * <pre>
 *   Delta_top = 2^scaleBits,   Delta_{l-1} = Delta_l * Delta_l / q_l
 * </pre>
 *
 * computed in double in exactly the order the native rescale computes it ({@code (a.scale * b.scale) / (double) q_l}),
 * so a product of two canonical level-l values, rescaled, carries exactly {@code Delta_{l-1}} without any scale
 * adjustment. With 40-bit data primes close to 2^40 the scales stay within a factor {@code 1 +- 2^-20} of 2^40 over
 * the whole chain.
 *
 * <p><b>Why 50 / 40 x 8 / 60 at N = 16384</b> (measured, docs/encrypted-inference.md "Parameters"). The data primes
 * of 40 bits equal the scale, so rescaling keeps the scale near 2^40 (the drift {@code Delta_{l-1} / 2^40} doubles
 * per level but stays below 2^0.001 over 8 levels). q_0 of 50 bits holds a level-0 value up to
 * {@code q_0 / (2 Delta_0) = 2^9}. The special prime P must be clearly larger than every prime of the key-switching
 * decomposition: SEAL's per-prime decomposition adds noise of about {@code (q_i / P) sqrt(N) sigma} per digit, and the
 * 50-bit digit q_0 with a 50-bit P made every rotation 20x noisier than a rescale (max error 3e-7 against 1.7e-8 for
 * inputs in [-1, 1]; the same happens with 60 / 40 x 7 / 60). With P of 60 bits a rotation costs no more precision
 * than a multiplication. 50 + 8 * 40 + 60 = 430 of the 438 bits TC128 allows at N = 16384.
 *
 * <p>At N = 32768 the same argument gives 55 / 40 x 19 / 60 (875 of 881 bits) instead of 60 / 40 x 19 / 60: q_0 five
 * bits below P; the scale drift over 19 levels reaches 2^42.3 at level 0, and q_0 of 55 bits still holds level-0
 * values up to 2^11.
 */
public final class CkksParameters {
  private final String name;
  private final EncryptionParameters parameters;
  private final int[] bitSizes;
  private final int scaleBits;
  private final int topLevel;
  private final int refreshFloor;
  private final double[] scales;

  private CkksParameters(String name, int n, int[] bitSizes, int scaleBits, int refreshFloor) {
    this.name = name;
    this.bitSizes = bitSizes.clone();
    this.parameters = EncryptionParameters.ckks(n, CoeffModulus.create(n, bitSizes));
    // Validates primes and the 128-bit limit before anything else is built.
    ParameterChain chain = ParameterChain.create(parameters, SecurityLevel.TC128);
    this.topLevel = chain.firstDataLevel().chainIndex();
    if (scaleBits < 20 || scaleBits > 60) {
      throw new IllegalArgumentException("scale bits " + scaleBits + " outside 20..60");
    }
    if (topLevel < 1 || refreshFloor < 0 || refreshFloor > topLevel) {
      throw new IllegalArgumentException(
          "need 0 <= refreshFloor <= topLevel and topLevel >= 1, got refreshFloor " + refreshFloor + ", topLevel "
              + topLevel);
    }
    this.scaleBits = scaleBits;
    this.refreshFloor = refreshFloor;
    this.scales = new double[topLevel + 1];
    scales[topLevel] = Math.scalb(1.0, scaleBits);
    long[] q = parameters.coeffModulus();
    for (int l = topLevel; l > 0; l--) {
      // Same expression, same order as the native rescale: (scale * scale) / (double) q_l.
      scales[l - 1] = scales[l] * scales[l] / (double) q[l];
    }
  }

  /**
   * The default: N = 16384, primes of 50, 40 x 8, 60 bits (430 bits), scale 2^40, top level 8, refresh floor 1
   * (7 levels between refreshes), 8192 slots.
   */
  public static CkksParameters n16384() {
    return new CkksParameters("n16384", 16384, bits(50, 40, 8, 60), 40, 1);
  }

  /**
   * N = 32768, primes of 55, 40 x 19, 60 bits (875 of 881 bits), scale 2^40, top level 19, refresh floor 1
   * (18 levels between refreshes), 16384 slots.
   */
  public static CkksParameters n32768() {
    return new CkksParameters("n32768", 32768, bits(55, 40, 19, 60), 40, 1);
  }

  /**
   * Any other chain, still checked at TC128 (for experiments and tests).
   *
   * @param n            ring degree (4096..32768)
   * @param bitSizes     prime sizes: first, data primes, special prime
   * @param scaleBits    log2 of the top-level scale
   * @param refreshFloor lowest level a refresh accepts
   * @throws org.cipherformer.he.InsecureParametersException if the primes exceed the 128-bit limit for n
   * @throws IllegalArgumentException if the chain has no data level above 0 or the floor is out of range
   */
  public static CkksParameters custom(int n, int[] bitSizes, int scaleBits, int refreshFloor) {
    Objects.requireNonNull(bitSizes, "bitSizes");
    return new CkksParameters("custom", n, bitSizes, scaleBits, refreshFloor);
  }

  private static int[] bits(int first, int data, int count, int special) {
    int[] b = new int[count + 2];
    Arrays.fill(b, data);
    b[0] = first;
    b[count + 1] = special;
    return b;
  }

  /** A new context for these parameters (TC128 enforced); the caller closes it. */
  public CkksContext createContext() {
    return CkksContext.create(parameters, SecurityLevel.TC128);
  }

  /** The SEAL encryption parameters. */
  public EncryptionParameters encryptionParameters() {
    return parameters;
  }

  /** Ring degree N. */
  public int polyModulusDegree() {
    return parameters.polyModulusDegree();
  }

  /** Real slots per ciphertext, N / 2. */
  public int slotCount() {
    return parameters.polyModulusDegree() / 2;
  }

  /** Level of fresh and refreshed values (SEAL's first data level). */
  public int topLevel() {
    return topLevel;
  }

  /** Lowest level a refresh accepts. */
  public int refreshFloor() {
    return refreshFloor;
  }

  /** log2 of the top-level scale. */
  public int scaleBits() {
    return scaleBits;
  }

  /**
   * The canonical scale {@code Delta_level}.
   *
   * @throws IllegalArgumentException naming the level if it is not in 0..topLevel()
   */
  public double scale(int level) {
    if (level < 0 || level > topLevel) {
      throw new IllegalArgumentException("level " + level + " outside 0.." + topLevel);
    }
    return scales[level];
  }

  /** The prime {@code q_i} (i = topLevel() + 1 is the special prime). */
  public long prime(int i) {
    return parameters.coeffModulus(i);
  }

  /** The requested prime sizes in bits. */
  public int[] bitSizes() {
    return bitSizes.clone();
  }

  /** Sum of the requested prime sizes (what the 128-bit limit is checked against, up to a bit). */
  public int totalBits() {
    return Arrays.stream(bitSizes).sum();
  }

  /** A one-line description, e.g. {@code n16384: N=16384, primes 50,40x8,60 (430 bits, TC128), scale 2^40, ...}. */
  public String description() {
    boolean uniform = true;
    for (int i = 2; i < bitSizes.length - 1; i++) {
      uniform &= bitSizes[i] == bitSizes[1];
    }
    String primes = uniform && bitSizes.length > 2
        ? bitSizes[0] + "," + bitSizes[1] + "x" + (bitSizes.length - 2) + "," + bitSizes[bitSizes.length - 1]
        : Arrays.toString(bitSizes);
    return name + ": N=" + polyModulusDegree() + ", primes " + primes + " (" + totalBits() + " bits, TC128), scale 2^"
        + scaleBits + ", top level " + topLevel + ", refresh floor " + refreshFloor + ", " + slotCount() + " slots";
  }

  @Override
  public String toString() {
    return description();
  }
}
