package org.cipherformer.he;

import java.util.Objects;

/** Decryption (SEAL's {@code Decryptor}): {@code m = c_0 + c_1 s + ... + c_{size-1} s^{size-1}}. Thread-safe. */
public final class Decryptor extends ContextBoundHandle {
  /**
   * @throws IllegalArgumentException if the key belongs to other parameters
   */
  public Decryptor(CkksContext context, SecretKey secretKey) {
    super(context, create(context, secretKey), Decryptor::nativeFree);
  }

  private static long create(CkksContext context, SecretKey secretKey) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(secretKey, "secretKey");
    return context.withPointer(c -> secretKey.withPointer(s -> nativeCreate(c, s)));
  }

  /**
   * Decrypts to a plaintext at the ciphertext's level and scale (decode it with {@link CkksEncoder}). A device-resident
   * ciphertext is downloaded first.
   *
   * @throws IllegalArgumentException if the ciphertext belongs to other parameters or is malformed
   */
  public Plaintext decrypt(Ciphertext encrypted) {
    Objects.requireNonNull(encrypted, "encrypted");
    requireSameParameters(encrypted, "ciphertext");
    if (encrypted.isOnDevice()) {
      // The download boundary of the CUDA backend: decrypt a host copy.
      try (Ciphertext host = encrypted.toHost()) {
        return decrypt(host);
      }
    }
    return new Plaintext(context(), withPointer(d -> encrypted.withHostPointer("ciphertext",
        c -> nativeDecrypt(d, c))));
  }

  private static native long nativeCreate(long context, long secretKey);

  private static native void nativeFree(long pointer);

  private static native long nativeDecrypt(long pointer, long ciphertext);
}
