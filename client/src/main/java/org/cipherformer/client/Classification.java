package org.cipherformer.client;

import java.util.List;
import org.cipherformer.model.encrypted.OutputUnpacker;

/**
 * Class logits of the images of one ciphertext, decrypted by the client.
 *
 * @param logits  {@code [image][class]}
 * @param labels  class names, as the server describes them
 * @param timings where the time went
 * @param floodingStd standard deviation of the noise flooding in every logit (0: none; EE results have none)
 */
public record Classification(double[][] logits, List<String> labels, InferenceTimings timings, double floodingStd) {
  /** @return the number of images */
  public int size() {
    return logits.length;
  }

  /** @return the index of image {@code i}'s largest logit (the first on ties) */
  public int predicted(int i) {
    return OutputUnpacker.argmax(logits[i]);
  }

  /** @return the name of image {@code i}'s class, or its index if the server gave no names */
  public String label(int i) {
    int c = predicted(i);
    return c < labels.size() ? labels.get(c) : Integer.toString(c);
  }

  /** @return softmax of image {@code i}'s logits */
  public double[] probabilities(int i) {
    return OutputUnpacker.softmax(logits[i]);
  }
}
