package org.cipherformer.client;

import org.cipherformer.model.encrypted.OutputUnpacker;

/**
 * Next-token logits of the prompts of one inference, decrypted by the client.
 *
 * @param logits  {@code [prompt][vocabulary id]}
 * @param timings where the time went
 * @param floodingStd standard deviation of the noise flooding in every logit (0: none; EE results have none)
 */
public record NextTokens(double[][] logits, InferenceTimings timings, double floodingStd) {
  /** @return the most likely next token id of prompt {@code i} */
  public int predicted(int i) {
    return OutputUnpacker.argmax(logits[i]);
  }

  /**
   * @param i prompt
   * @param k how many
   * @return the ids of the k most likely next tokens, most likely first
   */
  public int[] top(int i, int k) {
    double[] v = logits[i];
    return java.util.stream.IntStream.range(0, v.length).boxed()
        .sorted((a, b) -> Double.compare(v[b], v[a])).limit(k).mapToInt(Integer::intValue).toArray();
  }

  /** @return softmax of prompt {@code i}'s logits */
  public double[] probabilities(int i) {
    return OutputUnpacker.softmax(logits[i]);
  }
}
