package org.cipherformer.he;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.SealFormatException;
import org.cipherformer.he.io.SealWriter;

/**
 * The secret key s (SEAL's {@code SecretKey}): a ternary polynomial in NTT form over all key-level primes. Keep it on
 * the client; close it when done so the native copy is freed promptly.
 */
public final class SecretKey extends ContextBoundHandle implements SealSerializable {
  SecretKey(CkksContext context, long pointer) {
    super(context, pointer, SecretKey::nativeFree);
  }

  /** SEAL's parms_id of a secret key: the key level's. */
  public ParmsId parmsId() {
    return context().keyParmsId();
  }

  /** A deep copy. */
  public SecretKey copy() {
    return new SecretKey(context(), withPointer(SecretKey::nativeCopy));
  }

  /** The coefficients, limb-major over all key-level primes ({@code levelCount * N} words). */
  long[] data() {
    return withPointer(SecretKey::nativeData);
  }

  /**
   * A secret key from raw data, checked natively (size, every coefficient below its prime).
   *
   * @throws IllegalArgumentException naming the offending value
   */
  static SecretKey fromData(CkksContext context, long[] data) {
    return new SecretKey(context, context.withPointer(c -> nativeImport(c, data)));
  }


  @Override
  public byte[] save(ComprMode mode) {
    Objects.requireNonNull(mode, "mode");
    return SealWriter.write(SealObjects.record(this), mode);
  }

  /**
   * Reads a secret key in SEAL 4.1's format (any compression) from untrusted bytes: exactly the bytes its header
   * declares are consumed. Everything is validated before it reaches native code.
   *
   * @throws SealFormatException naming the offending field and value if the bytes are not a valid object for this
   *     context
   * @throws IOException if reading fails
   */
  public static SecretKey load(CkksContext context, InputStream in) throws IOException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(in, "in");
    return SealObjects.secretKey(context, SealObjects.reader(context).readSecretKey(in));
  }

  /** As {@link #load(CkksContext, InputStream)}, from exactly these bytes (no trailing bytes allowed). */
  public static SecretKey load(CkksContext context, byte[] bytes) throws SealFormatException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(bytes, "bytes");
    return SealObjects.secretKey(context, SealObjects.reader(context).readSecretKey(bytes));
  }

  @Override
  public String toString() {
    return isClosed() ? "SecretKey[closed]" : "SecretKey[N=" + context().polyModulusDegree() + "]";
  }

  private static native void nativeFree(long pointer);

  private static native long nativeCopy(long pointer);

  private static native long[] nativeData(long pointer);

  private static native long nativeImport(long context, long[] data);
}
