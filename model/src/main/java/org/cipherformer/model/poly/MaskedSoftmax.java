package org.cipherformer.model.poly;

/**
 * The original attention normalisation: {@code a_ij = exp(s_ij) / sum_{j unmasked} exp(s_ij)} for unmasked j and 0
 * for masked j, where (causal) {@code j} is unmasked iff {@code j <= i}. The row maximum is subtracted first
 * (mathematically neutral, avoids overflow).
 */
public final class MaskedSoftmax {
    private MaskedSoftmax() {
    }

    /**
     * @param scores {@code [queries][keys]} attention scores
     * @param causal whether key j is visible to query i only if {@code j <= i}
     * @return attention weights of the same shape
     */
    public static double[][] apply(double[][] scores, boolean causal) {
        double[][] a = new double[scores.length][];
        for (int i = 0; i < scores.length; i++) {
            double[] s = scores[i];
            int visible = causal ? Math.min(i + 1, s.length) : s.length;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < visible; j++) {
                max = Math.max(max, s[j]);
            }
            a[i] = new double[s.length];
            double sum = 0;
            for (int j = 0; j < visible; j++) {
                a[i][j] = Math.exp(s[j] - max);
                sum += a[i][j];
            }
            for (int j = 0; j < visible; j++) {
                a[i][j] /= sum;
            }
        }
        return a;
    }
}
