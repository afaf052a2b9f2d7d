package org.cipherformer.he;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.SealFormatException;
import org.cipherformer.he.io.SealWriter;

/**
 * An encoded CKKS message (SEAL's {@code Plaintext}): one polynomial over the primes of its level, in NTT form, with
 * the scale it was encoded at. Made by {@link CkksEncoder} or {@link Decryptor}.
 */
public final class Plaintext extends ContextBoundHandle implements SealSerializable {
  Plaintext(CkksContext context, long pointer) {
    super(context, pointer, Plaintext::nativeFree);
  }

  /** Level (chain index): the plaintext lives modulo the first {@code level() + 1} primes. */
  public int level() {
    return withPointer(Plaintext::nativeLevel);
  }

  /** SEAL's parms_id of the plaintext's level. */
  public ParmsId parmsId() {
    return context().parmsId(level());
  }

  /** The scale Delta the message was encoded with. */
  public double scale() {
    return withPointer(Plaintext::nativeScale);
  }

  /**
   * Sets the scale without changing the data.
   *
   * @throws IllegalArgumentException if scale is not positive and finite
   */
  public void setScale(double scale) {
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
    }
    withPointer(p -> {
      nativeSetScale(p, scale);
      return null;
    });
  }

  /** Always true: CKKS plaintexts are kept in NTT form, as in SEAL. */
  public boolean isNttForm() {
    return true;
  }

  /** A deep copy. */
  public Plaintext copy() {
    return new Plaintext(context(), withPointer(Plaintext::nativeCopy));
  }

  /** The coefficients, limb-major: {@code (level + 1) * N} words, each below its prime. */
  public long[] data() {
    return withPointer(Plaintext::nativeData);
  }

  /**
   * A plaintext from raw data, checked natively (data level, size, coefficients below their primes, scale).
   *
   * @throws IllegalArgumentException naming the offending value
   */
  static Plaintext fromData(CkksContext context, int level, double scale, long[] data) {
    long pointer = context.withPointer(c -> nativeImport(c, level, scale, data));
    return new Plaintext(context, pointer);
  }


  @Override
  public byte[] save(ComprMode mode) {
    Objects.requireNonNull(mode, "mode");
    return SealWriter.write(SealObjects.record(this), mode);
  }

  /**
   * Reads a plaintext in SEAL 4.1's format (any compression) from untrusted bytes: exactly the bytes its header
   * declares are consumed. Everything is validated before it reaches native code.
   *
   * @throws SealFormatException naming the offending field and value if the bytes are not a valid object for this
   *     context
   * @throws IOException if reading fails
   */
  public static Plaintext load(CkksContext context, InputStream in) throws IOException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(in, "in");
    return SealObjects.plaintext(context, SealObjects.reader(context).readPlaintext(in));
  }

  /** As {@link #load(CkksContext, InputStream)}, from exactly these bytes (no trailing bytes allowed). */
  public static Plaintext load(CkksContext context, byte[] bytes) throws SealFormatException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(bytes, "bytes");
    return SealObjects.plaintext(context, SealObjects.reader(context).readPlaintext(bytes));
  }

  @Override
  public String toString() {
    if (isClosed()) {
      return "Plaintext[closed]";
    }
    return "Plaintext[level=" + level() + ", scale=" + scale() + "]";
  }

  private static native void nativeFree(long pointer);

  private static native int nativeLevel(long pointer);

  private static native double nativeScale(long pointer);

  private static native void nativeSetScale(long pointer, double scale);

  private static native long nativeCopy(long pointer);

  private static native long[] nativeData(long pointer);

  private static native long nativeImport(long context, int level, double scale, long[] data);
}
