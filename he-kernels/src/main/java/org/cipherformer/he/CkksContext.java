package org.cipherformer.he;

import java.util.Objects;

/**
 * A CKKS parameter context (SEAL's {@code SEALContext}): the validated {@link EncryptionParameters}, their
 * modulus-switching {@link ParameterChain} and the native precomputation (NTT tables, CRT constants) for every level.
 *
 * <p>Levels are SEAL chain indices: level {@code l} uses the first {@code l + 1} primes. With k primes, level
 * {@code k - 1} is the key level (all primes, including the key-switching special prime; SEAL's {@code key_parms_id})
 * and level {@code k - 2} is the first data level (SEAL's {@code first_parms_id}); level 0 has one prime. A level maps
 * to its SEAL parms_id (the BLAKE2b hash of the parameters with the first {@code l + 1} primes) and back.
 *
 * <p>Every object made for a context (keys, ciphertexts, plaintexts, encoders, ...) keeps the native context alive,
 * so closing a {@code CkksContext} while objects made from it are still in use is safe. Thread-safe.
 */
public final class CkksContext extends NativeHandle {
  private final EncryptionParameters parameters;
  private final ParameterChain chain;

  private CkksContext(long pointer, EncryptionParameters parameters, ParameterChain chain) {
    super(pointer, CkksContext::nativeFree);
    this.parameters = parameters;
    this.chain = chain;
  }

  /**
   * A context for {@code parameters} at 128-bit security (the HE standard's limits, as SEAL's {@code tc128}).
   *
   * @throws InsecureParametersException if the total coefficient-modulus bit count exceeds the limit for N
   * @throws InvalidParametersException for any other invalid parameter (not CKKS, N unsupported, bad prime)
   */
  public static CkksContext create(EncryptionParameters parameters) {
    return create(parameters, SecurityLevel.TC128);
  }

  /**
   * A context for {@code parameters} checked against {@code securityLevel}.
   *
   * @throws InsecureParametersException if the total coefficient-modulus bit count exceeds the limit for N
   * @throws InvalidParametersException for any other invalid parameter
   */
  public static CkksContext create(EncryptionParameters parameters, SecurityLevel securityLevel) {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(securityLevel, "securityLevel");
    ParameterChain chain = ParameterChain.create(parameters, securityLevel);
    NativeLibrary.load();
    long pointer = nativeCreate(parameters.polyModulusDegree(), parameters.coeffModulus());
    return new CkksContext(pointer, parameters, chain);
  }

  /** The parameters this context was made from. */
  public EncryptionParameters parameters() {
    return parameters;
  }

  /** The modulus-switching chain (parms_id per level). */
  public ParameterChain chain() {
    return chain;
  }

  /** Ring degree N. */
  public int polyModulusDegree() {
    return parameters.polyModulusDegree();
  }

  /** Number of complex slots, N / 2. */
  public int slotCount() {
    return parameters.polyModulusDegree() / 2;
  }

  /** Number of levels = number of primes. */
  public int levelCount() {
    return parameters.coeffModulusSize();
  }

  /** The key level (all primes): {@code levelCount() - 1}. */
  public int keyLevel() {
    return chain.keyLevel().chainIndex();
  }

  /** The highest level a ciphertext can have (SEAL's first data level): key level - 1, or 0 with one prime. */
  public int firstLevel() {
    return chain.firstDataLevel().chainIndex();
  }

  /** SEAL's {@code key_parms_id}. */
  public ParmsId keyParmsId() {
    return chain.keyLevel().parmsId();
  }

  /** SEAL's {@code first_parms_id}. */
  public ParmsId firstParmsId() {
    return chain.firstDataLevel().parmsId();
  }

  /** SEAL's {@code last_parms_id} (one prime). */
  public ParmsId lastParmsId() {
    return chain.lastLevel().parmsId();
  }

  /**
   * The parms_id of {@code level}.
   *
   * @throws InvalidParametersException naming the level if it is not in 0..keyLevel()
   */
  public ParmsId parmsId(int level) {
    return chain.levelByChainIndex(level).parmsId();
  }

  /**
   * The level whose parms_id is {@code parmsId}.
   *
   * @throws InvalidParametersException naming the parms_id if it is not in this chain
   */
  public int level(ParmsId parmsId) {
    Objects.requireNonNull(parmsId, "parmsId");
    return chain.level(parmsId).chainIndex();
  }

  /**
   * Checks that {@code level} is a level a ciphertext or plaintext may have (0..firstLevel()).
   *
   * @throws IllegalArgumentException naming the level otherwise
   */
  int checkDataLevel(int level) {
    if (level < 0 || level > firstLevel()) {
      throw new IllegalArgumentException(
          "level " + level + " is not a data level of this context (0.." + firstLevel() + ")");
    }
    return level;
  }

  /** Runs call with the native context pointer (package-internal: for the classes that build native objects). */
  <T> T withPointer(PointerFunction<T> call) {
    return use(call);
  }

  @Override
  public String toString() {
    return "CkksContext[N=" + polyModulusDegree() + ", primes=" + levelCount() + ", bits="
        + chain.totalCoeffModulusBitCount() + "]";
  }

  private static native long nativeCreate(int polyModulusDegree, long[] primes);

  private static native void nativeFree(long pointer);
}
