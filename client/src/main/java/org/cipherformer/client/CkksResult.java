package org.cipherformer.client;

import java.util.List;

/**
 * The decrypted outputs of one CKKS inference and its costs.
 *
 * @param outputs one slot vector (real parts) per output ciphertext, in the server's order
 * @param timings where the time went
 * @param floodingStd standard deviation of the noise flooding added to every output value at decryption (0: raw;
 *                    see {@link ClientOptions#releaseFloodingStd()})
 */
public record CkksResult(List<double[]> outputs, InferenceTimings timings, double floodingStd) {
  /** Copies the list. */
  public CkksResult {
    outputs = List.copyOf(outputs);
  }
}
