package org.cipherformer.client;

/**
 * Where the time of one CKKS inference went, in nanoseconds, and what crossed the wire.
 *
 * <p>Client work: {@code encryptNanos}, {@code clientRefreshNanos} (decrypting masked values and re-encrypting them,
 * all rounds), {@code decryptNanos}. Server: {@code serverComputeNanos} (homomorphic evaluation, as the server
 * reports it, without the refresh waits). Refresh round trips: {@code refreshWaitNanos} as the server measured it
 * (request sent to reply received, all rounds: the client's refresh work plus the network). {@code totalNanos} is the
 * client's wall time from the start of encryption to the end of decryption.
 *
 * @param encryptNanos       client: packing excluded, encryption and serialization of the input
 * @param serverComputeNanos server: evaluation without refresh waits
 * @param refreshWaitNanos   server-measured refresh round trips (includes clientRefreshNanos)
 * @param clientRefreshNanos client: answering refresh rounds
 * @param decryptNanos       client: loading and decrypting the outputs
 * @param totalNanos         client wall time of the whole inference
 * @param refreshRounds      refresh rounds answered
 * @param refreshedCiphertexts ciphertexts refreshed over all rounds
 * @param inputBytes         the input ciphertext as sent
 * @param outputBytes        the output ciphertexts as received
 * @param refreshBytesIn     masked ciphertexts received
 * @param refreshBytesOut    fresh ciphertexts sent back
 */
public record InferenceTimings(long encryptNanos, long serverComputeNanos, long refreshWaitNanos,
                               long clientRefreshNanos, long decryptNanos, long totalNanos, int refreshRounds,
                               int refreshedCiphertexts, long inputBytes, long outputBytes, long refreshBytesIn,
                               long refreshBytesOut) {
  /** Client work of the inference: encryption, refresh answers, decryption. */
  public long clientWorkNanos() {
    return encryptNanos + clientRefreshNanos + decryptNanos;
  }

  /** Refresh round trips without the client's refresh work: transfer and queueing (never negative). */
  public long refreshNetworkNanos() {
    return Math.max(0, refreshWaitNanos - clientRefreshNanos);
  }

  /**
   * The rest of the wall time: sending the input, receiving the outputs, queueing on the server (never negative).
   */
  public long transferNanos() {
    return Math.max(0, totalNanos - encryptNanos - decryptNanos - serverComputeNanos - refreshWaitNanos);
  }
}
