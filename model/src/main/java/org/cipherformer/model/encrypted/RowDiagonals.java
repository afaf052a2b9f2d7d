package org.cipherformer.model.encrypted;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * Generalized diagonals of a matrix applied to every token row of a {@link SlotLayout} independently (the slot form of
 * a linear layer). For output feature {@code o} and input feature {@code i} of the same row the offset is
 * {@code k = i - o}, and
 * <pre>  diag_k[slot(b, t, o)] = W[o][o + k]   for rows t the filter keeps, 0 elsewhere,</pre>
 * so that {@code out[j] = sum_k diag_k[j] in[j + k]} (the {@code LinearTransform} convention) computes
 * {@code out(b, t, o) = sum_i W[o][i] in(b, t, i)}. Offsets run over {@code -(out - 1) .. in - 1}; diagonals that are
 * zero everywhere are left out.
 */
public final class RowDiagonals {
  private RowDiagonals() {
  }

  /**
   * @param layout slot layout (rows of {@code d} slots)
   * @param w      weights {@code [out][in]}, {@code out, in <= d}
   * @param rows   which token indices t get the map (others stay 0)
   * @return offset -> diagonal of {@code layout.usedSlots()} values
   * @throws IllegalArgumentException if the matrix is wider than a row
   */
  public static Map<Integer, double[]> of(SlotLayout layout, double[][] w, IntPredicate rows) {
    int d = layout.dModel();
    int out = w.length;
    int in = w[0].length;
    if (out > d || in > d) {
      throw new IllegalArgumentException(out + " x " + in + " matrix does not fit rows of " + d + " slots");
    }
    Map<Integer, double[]> diags = new TreeMap<>();
    for (int k = -(out - 1); k <= in - 1; k++) {
      double[] diag = new double[layout.usedSlots()];
      boolean any = false;
      for (int o = Math.max(0, -k); o < out && o + k < in; o++) {
        double x = w[o][o + k];
        if (x == 0) {
          continue;
        }
        for (int b = 0; b < layout.batch(); b++) {
          for (int t = 0; t < layout.tokens(); t++) {
            if (rows.test(t)) {
              diag[layout.slot(b, t, o)] = x;
              any = true;
            }
          }
        }
      }
      if (any) {
        diags.put(k, diag);
      }
    }
    return diags;
  }

  /**
   * The bias of a row-wise map as a plain slot vector: {@code bias[f]} at {@code (b, t, f)} for kept rows.
   *
   * @return {@code layout.slotCount()} values
   */
  public static double[] bias(SlotLayout layout, double[] bias, IntPredicate rows) {
    return layout.vector((b, t, f) -> f < bias.length && rows.test(t) ? bias[f] : 0);
  }
}
