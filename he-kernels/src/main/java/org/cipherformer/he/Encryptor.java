package org.cipherformer.he;

import java.util.Objects;

/**
 * Encryption (SEAL's {@code Encryptor}): with a public key, or symmetric with the secret key. Symmetric encryption
 * is smaller on the wire when seeded ({@link #encryptSymmetricSeeded}): {@code c_1} is sent as its 64-byte seed.
 * Thread-safe.
 */
public final class Encryptor extends ContextBoundHandle {
  private final boolean hasPublicKey;
  private final boolean hasSecretKey;

  /** A public-key encryptor. */
  public Encryptor(CkksContext context, PublicKey publicKey) {
    this(context, Objects.requireNonNull(publicKey, "publicKey"), null);
  }

  /** A symmetric (secret-key) encryptor. */
  public Encryptor(CkksContext context, SecretKey secretKey) {
    this(context, null, Objects.requireNonNull(secretKey, "secretKey"));
  }

  /**
   * An encryptor with either or both keys.
   *
   * @throws IllegalArgumentException if both are null or a key belongs to other parameters
   */
  public Encryptor(CkksContext context, PublicKey publicKey, SecretKey secretKey) {
    super(context, create(context, publicKey, secretKey), Encryptor::nativeFree);
    this.hasPublicKey = publicKey != null;
    this.hasSecretKey = secretKey != null;
  }

  private static long create(CkksContext context, PublicKey publicKey, SecretKey secretKey) {
    Objects.requireNonNull(context, "context");
    if (publicKey == null && secretKey == null) {
      throw new IllegalArgumentException("an encryptor needs a public key, a secret key or both");
    }
    return context.withPointer(
        c -> publicKey == null
            ? secretKey.withPointer(s -> nativeCreate(c, 0, s))
            : publicKey.withPointer(
                pk -> secretKey == null ? nativeCreate(c, pk, 0)
                    : secretKey.withPointer(s -> nativeCreate(c, pk, s))));
  }

  /**
   * Public-key encryption of {@code plain} at its level and scale.
   *
   * @throws IllegalStateException if this encryptor has no public key
   */
  public Ciphertext encrypt(Plaintext plain) {
    requireKey(hasPublicKey, "public");
    return run(plain, false, false);
  }

  /**
   * Symmetric encryption of {@code plain}; serializes in full.
   *
   * @throws IllegalStateException if this encryptor has no secret key
   */
  public Ciphertext encryptSymmetric(Plaintext plain) {
    requireKey(hasSecretKey, "secret");
    return run(plain, true, false);
  }

  /**
   * Symmetric encryption of {@code plain} that keeps the seed of {@code c_1}: {@link Ciphertext#hasSeed()} is true and
   * saving it writes SEAL's seeded form (about half the size).
   *
   * @throws IllegalStateException if this encryptor has no secret key
   */
  public Ciphertext encryptSymmetricSeeded(Plaintext plain) {
    requireKey(hasSecretKey, "secret");
    return run(plain, true, true);
  }

  /** Public-key encryption of zero at {@code level} (scale 1). */
  public Ciphertext encryptZero(int level) {
    requireKey(hasPublicKey, "public");
    context().checkDataLevel(level);
    return new Ciphertext(context(), withPointer(e -> nativeEncryptZero(e, level, false)));
  }

  /** Symmetric encryption of zero at {@code level} (scale 1). */
  public Ciphertext encryptZeroSymmetric(int level) {
    requireKey(hasSecretKey, "secret");
    context().checkDataLevel(level);
    return new Ciphertext(context(), withPointer(e -> nativeEncryptZero(e, level, true)));
  }

  private Ciphertext run(Plaintext plain, boolean symmetric, boolean keepSeed) {
    Objects.requireNonNull(plain, "plain");
    requireSameParameters(plain, "plaintext");
    long pointer = withPointer(e -> plain.withPointer(p -> nativeEncrypt(e, p, symmetric, keepSeed)));
    return new Ciphertext(context(), pointer);
  }

  private static void requireKey(boolean present, String which) {
    if (!present) {
      throw new IllegalStateException("this encryptor has no " + which + " key");
    }
  }

  private static native long nativeCreate(long context, long publicKey, long secretKey);

  private static native void nativeFree(long pointer);

  private static native long nativeEncrypt(long pointer, long plain, boolean symmetric, boolean keepSeed);

  private static native long nativeEncryptZero(long pointer, int level, boolean symmetric);
}
