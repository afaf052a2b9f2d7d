package org.cipherformer.model.encrypted;

/**
 * A plain affine map {@code y = W x + b} with {@code W} stored {@code [out][in]} (the model format's convention), the
 * unit in which weights are folded before they are laid out on slots.
 *
 * @param w weights {@code [out][in]}
 * @param b bias {@code [out]}
 */
public record Affine(double[][] w, double[] b) {
  /** @return the output width */
  public int out() {
    return w.length;
  }

  /** @return the input width */
  public int in() {
    return w[0].length;
  }

  /**
   * Folds a per-input scale and offset in front of this map: {@code x -> W (g x + beta) + b}, i.e. LayerNorm's gains
   * and biases into the following linear layer: {@code W' = W diag(g)}, {@code b' = W beta + b}.
   *
   * @param gamma per-input gains (length {@code in})
   * @param beta  per-input offsets (length {@code in})
   * @return the folded map
   */
  public Affine afterScaleShift(double[] gamma, double[] beta) {
    double[][] w2 = new double[out()][in()];
    double[] b2 = new double[out()];
    for (int o = 0; o < out(); o++) {
      double s = b[o];
      for (int i = 0; i < in(); i++) {
        w2[o][i] = w[o][i] * gamma[i];
        s += w[o][i] * beta[i];
      }
      b2[o] = s;
    }
    return new Affine(w2, b2);
  }

  /**
   * Composes an affine map of the output behind this one: {@code x -> scale (W x + b) + shift}.
   *
   * @param scale output multiplier
   * @param shift output offset
   * @return the composed map
   */
  public Affine thenScaleShift(double scale, double shift) {
    double[][] w2 = new double[out()][in()];
    double[] b2 = new double[out()];
    for (int o = 0; o < out(); o++) {
      for (int i = 0; i < in(); i++) {
        w2[o][i] = w[o][i] * scale;
      }
      b2[o] = b[o] * scale + shift;
    }
    return new Affine(w2, b2);
  }

  /**
   * Rows {@code [from, from + count)} of the map (a slice of its outputs).
   *
   * @return the sliced map
   */
  public Affine outputs(int from, int count) {
    double[][] w2 = new double[count][];
    double[] b2 = new double[count];
    for (int o = 0; o < count; o++) {
      w2[o] = w[from + o].clone();
      b2[o] = b[from + o];
    }
    return new Affine(w2, b2);
  }

  /**
   * Columns {@code [from, from + count)} of the weights (a slice of its inputs), with the bias scaled by
   * {@code biasShare} (so that summing the slices' outputs gives the bias once).
   *
   * @return the sliced map
   */
  public Affine inputs(int from, int count, double biasShare) {
    double[][] w2 = new double[out()][count];
    double[] b2 = new double[out()];
    for (int o = 0; o < out(); o++) {
      System.arraycopy(w[o], from, w2[o], 0, count);
      b2[o] = b[o] * biasShare;
    }
    return new Affine(w2, b2);
  }

  /** @return {@code W x + b} */
  public double[] apply(double[] x) {
    double[] y = new double[out()];
    for (int o = 0; o < out(); o++) {
      double s = b[o];
      for (int i = 0; i < x.length; i++) {
        s += w[o][i] * x[i];
      }
      y[o] = s;
    }
    return y;
  }
}
