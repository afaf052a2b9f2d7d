package org.cipherformer.bench;

/**
 * The measured costs of one encrypted forward pass (one ciphertext holding {@code batch} inputs) at one native
 * thread count. Times in nanoseconds, wall clock, all in one process (client and server).
 *
 * @param threads            native thread count
 * @param batch              inputs packed in the ciphertext
 * @param encryptNanos       client: encryption of the packed input
 * @param serverNanos        server: evaluation minus the key holder's refresh work
 * @param clientRefreshNanos client: answering the refresh rounds (decrypt, decode, encode, encrypt)
 * @param decryptNanos       client: decryption of the outputs
 * @param refreshRounds      refresh round trips
 * @param refreshedValues    ciphertexts refreshed over all rounds
 * @param refreshBytesIn     bytes the client received in refresh rounds
 * @param refreshBytesOut    bytes the client sent back in refresh rounds
 * @param inputBytes         the input ciphertext as uploaded
 * @param outputBytes        the output ciphertexts as downloaded
 * @param agreeing           inputs whose decrypted top-1 equals the plaintext reference's
 * @param maxLogitDiff       max |decrypted logit - reference logit| over the batch
 * @param server             server operations of this run by section and kind
 */
public record EncryptedRun(int threads, int batch, long encryptNanos, long serverNanos, long clientRefreshNanos,
                           long decryptNanos, int refreshRounds, long refreshedValues, long refreshBytesIn,
                           long refreshBytesOut, long inputBytes, long outputBytes, int agreeing, double maxLogitDiff,
                           StatsSnapshot server) {
  /** Latency of the pass: encryption + server evaluation + client refresh + decryption (all in-process). */
  public long latencyNanos() {
    return encryptNanos + serverNanos + clientRefreshNanos + decryptNanos;
  }

  /** Latency divided by the inputs in the ciphertext. */
  public double perInputNanos() {
    return latencyNanos() / (double) batch;
  }
}
