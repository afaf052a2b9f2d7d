package org.cipherformer.he;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.SealFormatException;
import org.cipherformer.he.io.SealWriter;

/**
 * A public key (SEAL's {@code PublicKey}): the key-level encryption of zero {@code (-(a s + e), a)}.
 *
 * <p>One made by {@link KeyGenerator#createPublicKeySeeded()} serializes in SEAL's compact form, with the 64-byte seed
 * of {@code a} instead of {@code a} itself (what SEAL's {@code Serializable<PublicKey>} writes).
 */
public final class PublicKey extends ContextBoundHandle implements SealSerializable {
  private final boolean seededForm;

  PublicKey(CkksContext context, long pointer, boolean seededForm) {
    super(context, pointer, PublicKey::nativeFree);
    this.seededForm = seededForm;
  }

  /** SEAL's parms_id of a public key: the key level's. */
  public ParmsId parmsId() {
    return context().keyParmsId();
  }

  /** Whether saving writes the seed instead of {@code a} (SEAL's seeded, "serializable" form). */
  public boolean isSeededForm() {
    return seededForm;
  }

  /** The two polynomials {@code c_0, c_1} over all key-level primes (SEAL's ciphertext layout). */
  long[] data() {
    return withPointer(PublicKey::nativeData);
  }

  /** The seed of {@code c_1} as 8 words, or null. */
  long[] seed() {
    return withPointer(PublicKey::nativeSeed);
  }

  /**
   * A public key from raw data (full {@code c_0, c_1}, or {@code c_0} and the seed of {@code c_1}), checked natively.
   *
   * @throws IllegalArgumentException naming the offending value
   */
  static PublicKey fromData(CkksContext context, long[] data, long[] seed) {
    return new PublicKey(context, context.withPointer(c -> nativeImport(c, data, seed)), false);
  }


  @Override
  public byte[] save(ComprMode mode) {
    Objects.requireNonNull(mode, "mode");
    return SealWriter.write(SealObjects.keyRecord(context(), data(), seededForm ? seed() : null), mode);
  }

  /**
   * Reads a public key (seeded or not) in SEAL 4.1's format (any compression) from untrusted bytes: exactly the bytes its header
   * declares are consumed. Everything is validated before it reaches native code.
   *
   * @throws SealFormatException naming the offending field and value if the bytes are not a valid object for this
   *     context
   * @throws IOException if reading fails
   */
  public static PublicKey load(CkksContext context, InputStream in) throws IOException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(in, "in");
    return SealObjects.publicKey(context, SealObjects.reader(context).readPublicKey(in));
  }

  /** As {@link #load(CkksContext, InputStream)}, from exactly these bytes (no trailing bytes allowed). */
  public static PublicKey load(CkksContext context, byte[] bytes) throws SealFormatException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(bytes, "bytes");
    return SealObjects.publicKey(context, SealObjects.reader(context).readPublicKey(bytes));
  }

  @Override
  public String toString() {
    return isClosed() ? "PublicKey[closed]" : "PublicKey[N=" + context().polyModulusDegree() + "]";
  }

  private static native void nativeFree(long pointer);

  private static native long[] nativeData(long pointer);

  private static native long[] nativeSeed(long pointer);

  private static native long nativeImport(long context, long[] data, long[] seed);
}
