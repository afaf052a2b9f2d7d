package org.cipherformer.client;

import org.cipherformer.proto.v1.InferenceProgress;

/**
 * Progress of one CKKS inference: the server's progress events (a section of the plan finished) and the refresh
 * rounds the client answers. Called on the thread that runs the inference.
 */
public interface InferenceListener {
  /** Does nothing. */
  InferenceListener NONE = new InferenceListener() { };

  /** @param progress the server's event: sections finished of total, refresh rounds finished, server time */
  default void onProgress(InferenceProgress progress) {
  }

  /**
   * A refresh round was answered.
   *
   * @param round       the round (0, 1, ...)
   * @param ciphertexts ciphertexts refreshed in it
   * @param totalRounds the plan's refresh rounds
   */
  default void onRefresh(int round, int ciphertexts, int totalRounds) {
  }
}
