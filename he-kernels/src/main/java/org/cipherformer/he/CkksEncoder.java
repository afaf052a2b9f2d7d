package org.cipherformer.he;

import java.util.Objects;

/**
 * CKKS encoding (SEAL's {@code CKKSEncoder}): up to N/2 complex values become one plaintext polynomial
 * {@code round(Delta * IDFT(values))} at a chosen level and scale Delta, in SEAL's slot order; decoding inverts it.
 * Missing slots are zero. Encoding uses floating point, so decode(encode(v)) equals v up to about
 * {@code N / Delta}. Thread-safe.
 */
public final class CkksEncoder extends ContextBoundHandle {
  public CkksEncoder(CkksContext context) {
    super(context, Objects.requireNonNull(context, "context").withPointer(CkksEncoder::nativeCreate),
        CkksEncoder::nativeFree);
  }

  /** Number of slots, N / 2. */
  public int slotCount() {
    return context().slotCount();
  }

  /**
   * Encodes real values at the first data level.
   *
   * @throws IllegalArgumentException naming the value if there are more than N/2 values, a value is not finite, the
   *     scale is out of bounds for the level, or the scaled values are too large for the modulus
   */
  public Plaintext encode(double[] values, double scale) {
    return encode(values, context().firstLevel(), scale);
  }

  /** Encodes real values at the level of {@code parmsId}. @throws IllegalArgumentException as above */
  public Plaintext encode(double[] values, ParmsId parmsId, double scale) {
    return encode(values, context().level(parmsId), scale);
  }

  /** Encodes real values at {@code level}. @throws IllegalArgumentException as above */
  public Plaintext encode(double[] values, int level, double scale) {
    Objects.requireNonNull(values, "values");
    return encodeComplex(values, null, level, scale);
  }

  /**
   * Encodes complex values given as real and imaginary parts (same length) at {@code level}.
   *
   * @throws IllegalArgumentException as {@link #encode(double[], int, double)}, or if the lengths differ
   */
  public Plaintext encode(double[] re, double[] im, int level, double scale) {
    Objects.requireNonNull(re, "re");
    Objects.requireNonNull(im, "im");
    if (re.length != im.length) {
      throw new IllegalArgumentException(
          "real parts (" + re.length + ") and imaginary parts (" + im.length + ") differ in length");
    }
    return encodeComplex(re, im, level, scale);
  }

  /** Encodes complex values at {@code level}. @throws IllegalArgumentException as above */
  public Plaintext encode(Complex[] values, int level, double scale) {
    Objects.requireNonNull(values, "values");
    double[] re = new double[values.length];
    double[] im = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      Complex c = Objects.requireNonNull(values[i], "values[" + i + "]");
      re[i] = c.re();
      im[i] = c.im();
    }
    return encodeComplex(re, im, level, scale);
  }

  /** Encodes complex values at the level of {@code parmsId}. */
  public Plaintext encode(Complex[] values, ParmsId parmsId, double scale) {
    return encode(values, context().level(parmsId), scale);
  }

  /**
   * Encodes {@code value} into every slot as the constant polynomial {@code round(value * scale)} (SEAL's
   * {@code encode(double)}) at {@code level}.
   *
   * @throws IllegalArgumentException naming the value if it is not finite or too large, or the scale is out of bounds
   */
  public Plaintext encode(double value, int level, double scale) {
    checkLevel(level);
    return new Plaintext(context(), withPointer(e -> nativeEncodeConstant(e, value, 0, false, level, scale)));
  }

  /** Encodes {@code value} into every slot at the level of {@code parmsId}. */
  public Plaintext encode(double value, ParmsId parmsId, double scale) {
    return encode(value, context().level(parmsId), scale);
  }

  /** Encodes the complex {@code value} into every slot at {@code level}. */
  public Plaintext encode(Complex value, int level, double scale) {
    Objects.requireNonNull(value, "value");
    checkLevel(level);
    return new Plaintext(
        context(), withPointer(e -> nativeEncodeConstant(e, value.re(), value.im(), true, level, scale)));
  }

  /**
   * The real parts of all N/2 slots.
   *
   * @throws IllegalArgumentException if the plaintext belongs to other parameters
   */
  public double[] decode(Plaintext plain) {
    double[] interleaved = decodeInterleaved(plain);
    double[] re = new double[interleaved.length / 2];
    for (int i = 0; i < re.length; i++) {
      re[i] = interleaved[2 * i];
    }
    return re;
  }

  /** All N/2 slots as complex numbers. */
  public Complex[] decodeComplex(Plaintext plain) {
    double[] interleaved = decodeInterleaved(plain);
    Complex[] out = new Complex[interleaved.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = new Complex(interleaved[2 * i], interleaved[2 * i + 1]);
    }
    return out;
  }

  private double[] decodeInterleaved(Plaintext plain) {
    Objects.requireNonNull(plain, "plain");
    requireSameParameters(plain, "plaintext");
    return withPointer(e -> plain.withPointer(p -> nativeDecode(e, p)));
  }

  private Plaintext encodeComplex(double[] re, double[] im, int level, double scale) {
    checkLevel(level);
    if (re.length > slotCount()) {
      throw new IllegalArgumentException(
          re.length + " values do not fit the " + slotCount() + " slots of N = " + context().polyModulusDegree());
    }
    return new Plaintext(context(), withPointer(e -> nativeEncode(e, re, im, level, scale)));
  }

  private void checkLevel(int level) {
    context().checkDataLevel(level);
  }

  private static native long nativeCreate(long context);

  private static native void nativeFree(long pointer);

  private static native long nativeEncode(long pointer, double[] re, double[] im, int level, double scale);

  private static native long nativeEncodeConstant(
      long pointer, double re, double im, boolean complex, int level, double scale);

  /** Slots as re0, im0, re1, im1, ... */
  private static native double[] nativeDecode(long pointer, long plain);
}
