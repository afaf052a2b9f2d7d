package org.cipherformer.model.encrypted;

/** Client side: reads logits out of decrypted slot vectors (the layout of {@link EncryptedTransformer#run}). */
public final class OutputUnpacker {
  private OutputUnpacker() {
  }

  /**
   * ViT logits of input b at slots {@code (b, 0, 0..classes-1)}.
   *
   * @param slots   the decrypted output
   * @param layout  the layout
   * @param count   number of inputs that were packed
   * @param classes number of classes
   * @return {@code [count][classes]}
   */
  public static double[][] imageLogits(double[] slots, SlotLayout layout, int count, int classes) {
    double[][] out = new double[count][classes];
    for (int b = 0; b < count; b++) {
      for (int o = 0; o < classes; o++) {
        out[b][o] = slots[layout.slot(b, 0, o)];
      }
    }
    return out;
  }

  /**
   * LM logits of the last position, in slots {@code 0..vocab-1} of the input's output.
   *
   * @param slots the decrypted output of one input
   * @param vocab vocabulary size
   * @return the logits
   */
  public static double[] lastPositionLogits(double[] slots, int vocab) {
    if (slots.length < vocab) {
      throw new IllegalArgumentException(slots.length + " slots cannot hold " + vocab + " logits");
    }
    return java.util.Arrays.copyOf(slots, vocab);
  }

  /** @return the index of the largest value (first on ties) */
  public static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Probabilities from logits: {@code p_i = exp(z_i - max z) / sum_j exp(z_j - max z)} (the maximum is subtracted
   * first, mathematically neutral, so large logits cannot overflow).
   */
  public static double[] softmax(double[] z) {
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
