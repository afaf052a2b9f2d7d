package org.cipherformer.threats;

import java.util.Arrays;
import java.util.Comparator;

/** Orders ids by descending count, ties by ascending id (deterministic). */
final class FrequencyRanking {
    private FrequencyRanking() {
    }

    static int[] order(long[] counts) {
        Integer[] ids = new Integer[counts.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        Arrays.sort(ids, Comparator.<Integer>comparingLong(i -> -counts[i]).thenComparingInt(i -> i));
        int[] out = new int[ids.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }
}
