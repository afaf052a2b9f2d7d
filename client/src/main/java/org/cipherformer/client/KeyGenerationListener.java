package org.cipherformer.client;

/**
 * Progress of {@link CipherformerClient#generateKeys}: the relinearization key and the plan's Galois keys are made in
 * one native call, then serialized (SEAL format, seeded, zstd) for upload. Units are keys: {@code total} is
 * 1 (relinearization) + the plan's Galois steps; {@code done} jumps to {@code total} when the keys are made and
 * serialized. Called on the generating thread.
 */
@FunctionalInterface
public interface KeyGenerationListener {
  /** Does nothing. */
  KeyGenerationListener NONE = (phase, done, total) -> { };

  /**
   * @param phase what is happening now ("generating", "serializing", "done")
   * @param done  keys finished
   * @param total keys in all
   */
  void onProgress(String phase, int done, int total);
}
