package org.cipherformer.threats.robustness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Latencies of one kind of request in a soak run: every completed request's duration and end time (both in
 * nanoseconds, the end relative to the run's start), so the report can give percentiles over the whole run and per
 * time window. Thread-safe; a five-minute run of plaintext-speed EE requests is some 10^5 entries (a few MB).
 */
final class LatencyLog {
    private long[] durations = new long[1024];
    private long[] ends = new long[1024];
    private int size;

    /**
     * @param durationNanos how long the request took
     * @param endNanos      when it completed, nanoseconds since the run started
     */
    synchronized void add(long durationNanos, long endNanos) {
        if (size == durations.length) {
            durations = Arrays.copyOf(durations, 2 * size);
            ends = Arrays.copyOf(ends, 2 * size);
        }
        durations[size] = durationNanos;
        ends[size] = endNanos;
        size++;
    }

    /** @return requests logged so far */
    synchronized int size() {
        return size;
    }

    /** @return the durations, in nanoseconds, of the requests that ended in [fromNanos, toNanos) */
    synchronized long[] durationsEndingIn(long fromNanos, long toNanos) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (ends[i] >= fromNanos && ends[i] < toNanos) {
                out.add(durations[i]);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** @return every duration so far, in nanoseconds */
    synchronized long[] durations() {
        return Arrays.copyOf(durations, size);
    }

    /**
     * Nearest-rank percentile: the smallest value with at least {@code p} percent of the values at or below it.
     *
     * @param nanos values (not modified)
     * @param p     percentile in (0, 100]
     * @return the percentile in milliseconds, or NaN when there are no values
     */
    static double percentileMs(long[] nanos, double p) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)] / 1e6;
    }
}
