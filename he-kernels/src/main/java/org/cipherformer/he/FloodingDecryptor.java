package org.cipherformer.he;

import java.util.Objects;

/**
 * A decryptor for values that will be released: every decryption gets fresh flooding noise of width {@link #sigma()}
 * added to its polynomial before anyone can decode it (see {@link NoiseFlooding} for why and what it costs). Use a
 * plain {@link Decryptor} only for values that never leave the key holder (e.g. a refresh that is re-encrypted at
 * once). Thread-safe.
 */
public final class FloodingDecryptor implements AutoCloseable {
  private final Decryptor decryptor;
  private final double sigma;

  /**
   * @param sigma coefficient standard deviation of the flooding noise, in (0, {@link NoiseFlooding#MAX_SIGMA}]
   * @throws IllegalArgumentException naming sigma if it is out of range, or if the key belongs to other parameters
   */
  public FloodingDecryptor(CkksContext context, SecretKey secretKey, double sigma) {
    NoiseFlooding.checkSigma(sigma);
    this.decryptor = new Decryptor(context, secretKey);
    this.sigma = sigma;
  }

  /** The flooding width (coefficient standard deviation). */
  public double sigma() {
    return sigma;
  }

  /**
   * Decrypts and floods: {@code c_0 + c_1 s + e_f} with a fresh {@code e_f}, at the ciphertext's level and scale.
   *
   * @throws IllegalArgumentException if the ciphertext belongs to other parameters or is malformed, or sigma is too
   *     large for the ciphertext's level
   */
  public Plaintext decrypt(Ciphertext encrypted) {
    Objects.requireNonNull(encrypted, "encrypted");
    Plaintext plain = decryptor.decrypt(encrypted);
    try {
      NoiseFlooding.addInPlace(plain, sigma);
      return plain;
    } catch (RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  /** Frees the native decryptor. Idempotent. */
  @Override
  public void close() {
    decryptor.close();
  }
}
