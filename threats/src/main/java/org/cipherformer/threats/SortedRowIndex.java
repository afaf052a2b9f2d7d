package org.cipherformer.threats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact lookup of matrix rows by their sorted values. EE only moves weights, so row i of a transformed matrix
 * {@code W' = P W Q} holds exactly the values of row {@code P(i)} of {@code W}, in another order: its sorted copy is a
 * bit-exact fingerprint. A hash index of sorted rows finds the source of every row in {@code O(rows d log d)}, where
 * the nearest-neighbour search of {@link SortedSignatureMatcher} costs {@code O(rows^2 d)}; with a fresh key per
 * request (T6) that difference is what lets an attacker align thousands of requests.
 */
public final class SortedRowIndex {
    private final double[][] sorted;
    private final Map<Integer, List<Integer>> buckets = new HashMap<>();

    /**
     * @param rows the reference rows (not modified)
     */
    public SortedRowIndex(double[][] rows) {
        sorted = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            sorted[i] = sortedCopy(rows[i]);
            buckets.computeIfAbsent(Arrays.hashCode(sorted[i]), h -> new ArrayList<>(1)).add(i);
        }
    }

    /**
     * @param row a row (not modified)
     * @return the reference row holding exactly the same multiset of values, or -1 if none or several do
     */
    public int find(double[] row) {
        double[] s = sortedCopy(row);
        List<Integer> b = buckets.get(Arrays.hashCode(s));
        if (b == null) {
            return -1;
        }
        int found = -1;
        for (int i : b) {
            if (Arrays.equals(sorted[i], s)) {
                if (found >= 0) {
                    return -1; // two reference rows with the same values: ambiguous
                }
                found = i;
            }
        }
        return found;
    }

    /**
     * @param rows rows to look up
     * @return {@code find} of each
     */
    public int[] findAll(double[][] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = find(rows[i]);
        }
        return out;
    }

    private static double[] sortedCopy(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s;
    }
}
