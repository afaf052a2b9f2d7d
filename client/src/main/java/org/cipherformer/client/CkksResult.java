package org.cipherformer.client;

import java.util.List;

/**
 * The decrypted outputs of one CKKS inference and its costs.
 *
 * @param outputs one slot vector (real parts) per output ciphertext, in the server's order
 * @param timings where the time went
 */
public record CkksResult(List<double[]> outputs, InferenceTimings timings) {
  /** Copies the list. */
  public CkksResult {
    outputs = List.copyOf(outputs);
  }
}
