package org.cipherformer.he;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.SealFormatException;
import org.cipherformer.he.io.SealWriter;

/**
 * Relinearization keys (SEAL's {@code RelinKeys}): one key-switching key from {@code s^2} to {@code s}, made of one
 * key-level encryption per data prime. Serialized seeded when made by {@link KeyGenerator#createRelinKeysSeeded()}.
 */
public final class RelinKeys extends ContextBoundHandle implements SealSerializable {
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


  @Override
  public byte[] save(ComprMode mode) {
    Objects.requireNonNull(mode, "mode");
    return SealWriter.write(SealObjects.record(this, seededForm), mode);
  }

  /**
   * Reads relinearization keys (seeded or not) in SEAL 4.1's format (any compression) from untrusted bytes: exactly the bytes its header
   * declares are consumed. Everything is validated before it reaches native code.
   *
   * @throws SealFormatException naming the offending field and value if the bytes are not a valid object for this
   *     context
   * @throws IOException if reading fails
   */
  public static RelinKeys load(CkksContext context, InputStream in) throws IOException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(in, "in");
    return SealObjects.relinKeys(context, SealObjects.reader(context).readRelinKeys(in));
  }

  /** As {@link #load(CkksContext, InputStream)}, from exactly these bytes (no trailing bytes allowed). */
  public static RelinKeys load(CkksContext context, byte[] bytes) throws SealFormatException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(bytes, "bytes");
    return SealObjects.relinKeys(context, SealObjects.reader(context).readRelinKeys(bytes));
  }

  private static native void nativeFree(long pointer);

  static native int nativeKeyCount(long pointer);

  // Serialization access (see KSwitchKeysAccess): parts of key index `key` (key i switches s^(i+2) to s).
  static native int nativePartCount(long pointer, int key);

  static native long[] nativePartData(long pointer, int key, int part);

  static native long[] nativePartSeed(long pointer, int key, int part);

  static native long nativeCreateEmpty(long context);

  static native void nativeAppendPart(long pointer, int key, long[] data, long[] seed);

  static native void nativeValidate(long pointer);
}
