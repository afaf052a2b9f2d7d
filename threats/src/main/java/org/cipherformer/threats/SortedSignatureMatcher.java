package org.cipherformer.threats;

import java.util.Arrays;

/**
 * Matches the rows of a permuted matrix to the rows of a reference matrix by their sorted values.
 *
 * <p>If {@code W'[i][j] = W[O(i)][I(j)]} (EE's source form), then {@code sort(W'[i]) = sort(W[O(i)])}: sorting a row
 * erases the column permutation {@code I}, so the row permutation {@code O} can be read off by finding, for every
 * permuted row, the reference row with the same (or, for a different reference model, the nearest) sorted values.
 * Columns are matched the same way on the transposes. Sorted vectors are compared through {@code k} evenly spaced
 * order statistics (all of them when the row is short), which keeps the nearest-neighbour search at
 * {@code O(n_rows^2 k)}; for bit-exact permuted copies the order statistics of different rows differ, so the match is
 * still exact.
 */
public final class SortedSignatureMatcher {
    private SortedSignatureMatcher() {
    }

    /**
     * Order-statistic signature of each row: the sorted row sampled at {@code min(k, cols)} evenly spaced ranks.
     *
     * @param rows matrix, row-major
     * @param k    number of order statistics kept per row (at least 1)
     * @return signatures {@code [rows][min(k, cols)]}
     */
    public static double[][] signatures(double[][] rows, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("signature length must be >= 1, got " + k);
        }
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            double[] s = rows[i].clone();
            Arrays.sort(s);
            int m = Math.min(k, s.length);
            double[] sig = new double[m];
            for (int q = 0; q < m; q++) {
                // ranks 0 .. len-1 spread evenly, both extremes included
                int rank = m == 1 ? s.length - 1 : (int) Math.round((double) q * (s.length - 1) / (m - 1));
                sig[q] = s[rank];
            }
            out[i] = sig;
        }
        return out;
    }

    /**
     * For each permuted row, the index of the reference row with the nearest signature (squared L2).
     *
     * @param reference signatures of the reference rows
     * @param permuted  signatures of the permuted rows (same length)
     * @return guess[i] = reference row matched to permuted row i
     */
    public static int[] nearest(double[][] reference, double[][] permuted) {
        int[] guess = new int[permuted.length];
        for (int i = 0; i < permuted.length; i++) {
            double[] p = permuted[i];
            double best = Double.POSITIVE_INFINITY;
            int arg = -1;
            for (int r = 0; r < reference.length; r++) {
                double[] q = reference[r];
                if (q.length != p.length) {
                    throw new IllegalArgumentException("signature lengths differ: " + q.length + " vs " + p.length);
                }
                double d = 0;
                for (int j = 0; j < p.length && d < best; j++) {
                    double e = p[j] - q[j];
                    d += e * e;
                }
                if (d < best) {
                    best = d;
                    arg = r;
                }
            }
            guess[i] = arg;
        }
        return guess;
    }

    /**
     * Matches rows: {@code nearest(signatures(reference), signatures(permuted))}.
     *
     * @param reference reference matrix
     * @param permuted  row- and column-permuted matrix
     * @param k         signature length
     * @return guess[i] = reference row matched to permuted row i
     */
    public static int[] matchRows(double[][] reference, double[][] permuted, int k) {
        return nearest(signatures(reference, k), signatures(permuted, k));
    }

    /**
     * @param m matrix
     * @return its transpose
     */
    public static double[][] transpose(double[][] m) {
        int r = m.length;
        int c = r == 0 ? 0 : m[0].length;
        double[][] t = new double[c][r];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }

    /**
     * Fraction of positions where the guess names the true source.
     *
     * @param guess  guessed sources
     * @param truth  true sources ({@code Permutation.sources()})
     * @return fraction in [0, 1]
     */
    public static double fractionCorrect(int[] guess, int[] truth) {
        if (guess.length != truth.length) {
            throw new IllegalArgumentException("guess has " + guess.length + " entries, truth " + truth.length);
        }
        int ok = 0;
        for (int i = 0; i < guess.length; i++) {
            if (guess[i] == truth[i]) {
                ok++;
            }
        }
        return guess.length == 0 ? 1.0 : (double) ok / guess.length;
    }
}
