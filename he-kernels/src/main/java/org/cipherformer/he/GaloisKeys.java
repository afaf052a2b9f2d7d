package org.cipherformer.he;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.SealFormatException;
import org.cipherformer.he.io.SealWriter;

/**
 * Galois keys (SEAL's {@code GaloisKeys}): one key-switching key per Galois element g, switching {@code s(X^g)} to
 * {@code s}. Rotation by k slots uses element {@code 3^k mod 2N} (or the keys of the signed powers of two of k),
 * conjugation uses {@code 2N - 1}. Serialized seeded when made by a {@code ...Seeded} method of {@link KeyGenerator}.
 */
public final class GaloisKeys extends ContextBoundHandle implements SealSerializable {
  private final boolean seededForm;

  GaloisKeys(CkksContext context, long pointer, boolean seededForm) {
    super(context, pointer, GaloisKeys::nativeFree);
    this.seededForm = seededForm;
  }

  /** SEAL's parms_id of key-switching keys: the key level's. */
  public ParmsId parmsId() {
    return context().keyParmsId();
  }

  /** Whether saving writes each part's seed instead of its {@code c_1}. */
  public boolean isSeededForm() {
    return seededForm;
  }

  /** The Galois elements that have a key, ascending. */
  public int[] galoisElements() {
    return withPointer(GaloisKeys::nativeGaloisElements);
  }

  /** Whether there is a key for Galois element {@code galoisElement}. */
  public boolean hasKey(int galoisElement) {
    for (int g : galoisElements()) {
      if (g == galoisElement) {
        return true;
      }
    }
    return false;
  }

  /**
   * SEAL's {@code get_elt_from_step}: {@code 3^step mod 2N} for a left rotation, {@code 3^(N/2 - |step|)} for a right
   * one, {@code 2N - 1} (conjugation) for 0.
   *
   * @throws IllegalArgumentException naming the step if {@code |step| >= N/2}
   */
  public static int galoisElementFromStep(CkksContext context, int step) {
    int n = context.polyModulusDegree();
    int slots = n / 2;
    if (step <= -slots || step >= slots) {
      throw new IllegalArgumentException("rotation step " + step + " outside (-" + slots + ", " + slots + ")");
    }
    long twoN = 2L * n;
    if (step == 0) {
      return (int) (twoN - 1);
    }
    int exponent = step > 0 ? step : slots + step;
    long g = 1;
    for (int i = 0; i < exponent; i++) {
      g = (g * 3) % twoN;
    }
    return (int) g;
  }


  @Override
  public byte[] save(ComprMode mode) {
    Objects.requireNonNull(mode, "mode");
    return SealWriter.write(SealObjects.record(this, seededForm), mode);
  }

  /**
   * Reads Galois keys (seeded or not) in SEAL 4.1's format (any compression) from untrusted bytes: exactly the bytes its header
   * declares are consumed. Everything is validated before it reaches native code.
   *
   * @throws SealFormatException naming the offending field and value if the bytes are not a valid object for this
   *     context
   * @throws IOException if reading fails
   */
  public static GaloisKeys load(CkksContext context, InputStream in) throws IOException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(in, "in");
    return SealObjects.galoisKeys(context, SealObjects.reader(context).readGaloisKeys(in));
  }

  /** As {@link #load(CkksContext, InputStream)}, from exactly these bytes (no trailing bytes allowed). */
  public static GaloisKeys load(CkksContext context, byte[] bytes) throws SealFormatException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(bytes, "bytes");
    return SealObjects.galoisKeys(context, SealObjects.reader(context).readGaloisKeys(bytes));
  }

  private static native void nativeFree(long pointer);

  static native int[] nativeGaloisElements(long pointer);

  // Serialization access: parts of the key for Galois element `element`.
  static native int nativePartCount(long pointer, int element);

  static native long[] nativePartData(long pointer, int element, int part);

  static native long[] nativePartSeed(long pointer, int element, int part);

  static native long nativeCreateEmpty(long context);

  static native void nativeAppendPart(long pointer, int element, long[] data, long[] seed);

  static native void nativeValidate(long pointer);
}
