package org.cipherformer.he;

/**
 * Relinearization keys (SEAL's {@code RelinKeys}): one key-switching key from {@code s^2} to {@code s}, made of one
 * key-level encryption per data prime. Serialized seeded when made by {@link KeyGenerator#createRelinKeysSeeded()}.
 */
public final class RelinKeys extends ContextBoundHandle {
  private final boolean seededForm;

  RelinKeys(CkksContext context, long pointer, boolean seededForm) {
    super(context, pointer, RelinKeys::nativeFree);
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

  /** Number of keys (1: for {@code s^2}). */
  public int keyCount() {
    return withPointer(RelinKeys::nativeKeyCount);
  }

  private static native void nativeFree(long pointer);

  private static native int nativeKeyCount(long pointer);

  // Serialization access (see KSwitchKeysAccess): parts of key index `key` (key i switches s^(i+2) to s).
  static native int nativePartCount(long pointer, int key);

  static native long[] nativePartData(long pointer, int key, int part);

  static native long[] nativePartSeed(long pointer, int key, int part);

  static native long nativeCreateEmpty(long context);

  static native void nativeAppendPart(long pointer, int key, long[] data, long[] seed);

  static native void nativeValidate(long pointer);
}
