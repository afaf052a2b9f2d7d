package org.cipherformer.he;

/**
 * The secret key s (SEAL's {@code SecretKey}): a ternary polynomial in NTT form over all key-level primes. Keep it on
 * the client; close it when done so the native copy is freed promptly.
 */
public final class SecretKey extends ContextBoundHandle {
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
  public String toString() {
    return isClosed() ? "SecretKey[closed]" : "SecretKey[N=" + context().polyModulusDegree() + "]";
  }

  private static native void nativeFree(long pointer);

  private static native long nativeCopy(long pointer);

  private static native long[] nativeData(long pointer);

  private static native long nativeImport(long context, long[] data);
}
