package org.cipherformer.he;

import java.util.Objects;

/**
 * Key generation (SEAL's {@code KeyGenerator}): a ternary secret key sampled from the OS CSPRNG (or a given one), and
 * from it public, relinearization and Galois keys. Each {@code create...} call samples fresh randomness. The
 * {@code ...Seeded} variants return keys that serialize in SEAL's compact form (the seed of each uniform polynomial
 * instead of the polynomial: half the size), which is what a client should upload. Thread-safe.
 */
public final class KeyGenerator extends ContextBoundHandle {
  /** A generator with a fresh secret key. */
  public KeyGenerator(CkksContext context) {
    super(context, context.withPointer(KeyGenerator::nativeCreate), KeyGenerator::nativeFree);
  }

  /**
   * A generator for an existing secret key.
   *
   * @throws IllegalArgumentException if the key belongs to other parameters
   */
  public KeyGenerator(CkksContext context, SecretKey secretKey) {
    super(context, createFrom(context, secretKey), KeyGenerator::nativeFree);
  }

  private static long createFrom(CkksContext context, SecretKey secretKey) {
    Objects.requireNonNull(secretKey, "secretKey");
    return context.withPointer(c -> secretKey.withPointer(s -> nativeCreateFrom(c, s)));
  }

  /** A copy of the secret key. */
  public SecretKey secretKey() {
    return new SecretKey(context(), withPointer(KeyGenerator::nativeSecretKey));
  }

  /** A fresh public key (serializes in full). */
  public PublicKey createPublicKey() {
    return new PublicKey(context(), withPointer(KeyGenerator::nativeCreatePublicKey), false);
  }

  /** A fresh public key that serializes seeded (SEAL's {@code create_public_key()} returning a Serializable). */
  public PublicKey createPublicKeySeeded() {
    return new PublicKey(context(), withPointer(KeyGenerator::nativeCreatePublicKey), true);
  }

  /**
   * Relinearization keys for size-3 ciphertexts.
   *
   * @throws IllegalStateException if the parameters have a single prime (no key switching)
   */
  public RelinKeys createRelinKeys() {
    return new RelinKeys(context(), withPointer(KeyGenerator::nativeCreateRelinKeys), false);
  }

  /** As {@link #createRelinKeys()}, serializing seeded. */
  public RelinKeys createRelinKeysSeeded() {
    return new RelinKeys(context(), withPointer(KeyGenerator::nativeCreateRelinKeys), true);
  }

  /**
   * Galois keys for rotations by the given steps (positive: left; negative: right; 0: complex conjugation).
   *
   * @throws IllegalArgumentException naming the step if {@code |step| >= N/2}
   */
  public GaloisKeys createGaloisKeys(int[] steps) {
    return createGaloisKeys(steps, false);
  }

  /** As {@link #createGaloisKeys(int[])}, serializing seeded. */
  public GaloisKeys createGaloisKeysSeeded(int[] steps) {
    return createGaloisKeys(steps, true);
  }

  private GaloisKeys createGaloisKeys(int[] steps, boolean seeded) {
    Objects.requireNonNull(steps, "steps");
    return new GaloisKeys(context(), withPointer(p -> nativeCreateGaloisKeysForSteps(p, steps)), seeded);
  }

  /** SEAL's default Galois keys: conjugation and rotations by every {@code ±2^i} (log2(N) - 1 pairs). */
  public GaloisKeys createGaloisKeys() {
    return new GaloisKeys(context(), withPointer(KeyGenerator::nativeCreateDefaultGaloisKeys), false);
  }

  /** As {@link #createGaloisKeys()}, serializing seeded. */
  public GaloisKeys createGaloisKeysSeeded() {
    return new GaloisKeys(context(), withPointer(KeyGenerator::nativeCreateDefaultGaloisKeys), true);
  }

  /** The Galois key for complex conjugation only (element {@code 2N - 1}). */
  public GaloisKeys createConjugationKeys() {
    return createGaloisKeysByElements(new int[] {2 * context().polyModulusDegree() - 1});
  }

  /**
   * Galois keys for explicit Galois elements (odd, below 2N).
   *
   * @throws IllegalArgumentException naming the element if it is even or out of range
   */
  public GaloisKeys createGaloisKeysByElements(int[] galoisElements) {
    return createGaloisKeysByElements(galoisElements, false);
  }

  /** As {@link #createGaloisKeysByElements(int[])}, serializing seeded. */
  public GaloisKeys createGaloisKeysByElementsSeeded(int[] galoisElements) {
    return createGaloisKeysByElements(galoisElements, true);
  }

  private GaloisKeys createGaloisKeysByElements(int[] galoisElements, boolean seeded) {
    Objects.requireNonNull(galoisElements, "galoisElements");
    return new GaloisKeys(
        context(), withPointer(p -> nativeCreateGaloisKeysForElements(p, galoisElements)), seeded);
  }

  private static native long nativeCreate(long context);

  private static native long nativeCreateFrom(long context, long secretKey);

  private static native void nativeFree(long pointer);

  private static native long nativeSecretKey(long pointer);

  private static native long nativeCreatePublicKey(long pointer);

  private static native long nativeCreateRelinKeys(long pointer);

  private static native long nativeCreateGaloisKeysForSteps(long pointer, int[] steps);

  private static native long nativeCreateGaloisKeysForElements(long pointer, int[] galoisElements);

  private static native long nativeCreateDefaultGaloisKeys(long pointer);
}
