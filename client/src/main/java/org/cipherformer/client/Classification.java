package org.cipherformer.client;

import java.util.List;

/**
 * Class logits of the images of one ciphertext, decrypted by the client.
 *
 * @param logits  {@code [image][class]}
 * @param labels  class names, as the server describes them
 * @param timings where the time went
 */
public record Classification(double[][] logits, List<String> labels, InferenceTimings timings) {
  /** @return the number of images */
  public int size() {
    return logits.length;
  }

  /** @return the index of image {@code i}'s largest logit (the first on ties) */
  public int predicted(int i) {
    return argmax(logits[i]);
  }

  /** @return the name of image {@code i}'s class, or its index if the server gave no names */
  public String label(int i) {
    int c = predicted(i);
    return c < labels.size() ? labels.get(c) : Integer.toString(c);
  }

  /** @return softmax of image {@code i}'s logits */
  public double[] probabilities(int i) {
    return softmax(logits[i]);
  }

  static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] p = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      p[i] = Math.exp(z[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }
}
