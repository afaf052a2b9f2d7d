package org.cipherformer.threats;

import java.util.Arrays;
import java.util.List;

/**
 * T6's activation-only alignment: given the hidden states of two requests, each with its own secret coordinate
 * permutation, pairs the coordinates of one with those of the other by per-coordinate statistics over the tokens of
 * each request: mean, standard deviation and the sorted value profile ({@code k} evenly spaced order statistics of
 * the coordinate's values across tokens). A coordinate's statistics depend on what the model does with it (scale,
 * offset, outliers), not on where the key puts it, so they survive the permutation; they differ between requests
 * only through the different tokens. The pairing is a minimum-cost assignment of the squared distances.
 */
public final class CoordinateAligner {
    /** Order statistics per coordinate profile. */
    static final int PROFILE = 8;

    private CoordinateAligner() {
    }

    /**
     * @param states hidden states {@code [tokens][d]} of one request (at least one token)
     * @return per coordinate: mean, standard deviation, then {@code min(PROFILE, tokens)} order statistics
     */
    public static double[][] features(double[][] states) {
        if (states.length == 0) {
            throw new IllegalArgumentException("no token states");
        }
        int n = states.length;
        int d = states[0].length;
        int k = Math.min(PROFILE, n);
        double[][] f = new double[d][2 + k];
        for (int j = 0; j < d; j++) {
            double[] col = new double[n];
            for (int t = 0; t < n; t++) {
                if (states[t].length != d) {
                    throw new IllegalArgumentException("token " + t + " has " + states[t].length + " coordinates, "
                            + "token 0 has " + d);
                }
                col[t] = states[t][j];
            }
            double mean = Arrays.stream(col).average().orElse(0);
            double var = 0;
            for (double x : col) {
                var += (x - mean) * (x - mean);
            }
            Arrays.sort(col);
            f[j][0] = mean;
            f[j][1] = Math.sqrt(var / n);
            for (int q = 0; q < k; q++) {
                int rank = k == 1 ? 0 : (int) Math.round((double) q * (n - 1) / (k - 1));
                f[j][2 + q] = col[rank];
            }
        }
        return f;
    }

    /**
     * Aligns the coordinates of request B to those of request A from one set of token states each.
     *
     * @param a hidden states of request A {@code [tokens_a][d]}
     * @param b hidden states of request B {@code [tokens_b][d]} (the same number of tokens gives comparable profiles)
     * @return {@code g[j]} = coordinate of A matched to coordinate j of B
     */
    public static int[] align(double[][] a, double[][] b) {
        return align(List.<double[][]>of(a), List.<double[][]>of(b));
    }

    /**
     * Aligns the coordinates of request B to those of request A from several sets of token states that share the
     * coordinate permutation (e.g. the residual stream before and after every block: EE applies one residual
     * permutation to all of them); the features of all sets are concatenated.
     *
     * @param a states of request A, one {@code [tokens][d]} array per set
     * @param b states of request B, the same sets in the same order
     * @return {@code g[j]} = coordinate of A matched to coordinate j of B
     */
    public static int[] align(List<double[][]> a, List<double[][]> b) {
        if (a.isEmpty() || a.size() != b.size()) {
            throw new IllegalArgumentException("need the same non-zero number of state sets, got " + a.size()
                    + " and " + b.size());
        }
        double[][] fa = joint(a);
        double[][] fb = joint(b);
        if (fa.length != fb.length || fa[0].length != fb[0].length) {
            throw new IllegalArgumentException("requests have " + fa.length + " vs " + fb.length
                    + " coordinates or different token counts");
        }
        int d = fa.length;
        double[][] cost = new double[d][d];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < d; i++) {
                double s = 0;
                for (int q = 0; q < fa[i].length; q++) {
                    double e = fb[j][q] - fa[i][q];
                    s += e * e;
                }
                cost[j][i] = s;
            }
        }
        return MinCostAssignment.solve(cost);
    }

    private static double[][] joint(List<double[][]> sets) {
        double[][] out = null;
        for (double[][] st : sets) {
            double[][] f = features(st);
            if (out == null) {
                out = f;
            } else {
                if (f.length != out.length) {
                    throw new IllegalArgumentException("state sets have " + out.length + " and " + f.length
                            + " coordinates");
                }
                for (int j = 0; j < f.length; j++) {
                    double[] c = Arrays.copyOf(out[j], out[j].length + f[j].length);
                    System.arraycopy(f[j], 0, c, out[j].length, f[j].length);
                    out[j] = c;
                }
            }
        }
        return out;
    }
}
