package org.cipherformer.model.poly;

import org.cipherformer.model.format.Domain;

/**
 * Records the inputs one polynomial saw: how many, how many fell outside its valid domain, and the smallest and
 * largest. A polynomial approximation is only trustworthy on its domain; under CKKS an out-of-range input silently
 * gives a wrong value, so the plaintext reference reports these counts. Not thread-safe (one per inference thread).
 */
public final class RangeMonitor {
    private final String name;
    private final Domain domain;
    private long count;
    private long outOfRange;
    private long nan;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    /**
     * @param name   what is monitored, e.g. "layers.0.attn.inverse"
     * @param domain the valid input domain
     */
    public RangeMonitor(String name, Domain domain) {
        this.name = name;
        this.domain = domain;
    }

    /**
     * Records one input. NaN counts as out of range.
     *
     * @param x the input
     */
    public void record(double x) {
        count++;
        if (!domain.contains(x)) {
            outOfRange++;
        }
        if (Double.isNaN(x)) {
            nan++;
        }
        if (x < min) {
            min = x;
        }
        if (x > max) {
            max = x;
        }
    }

    /** @return the monitored quantity's name */
    public String name() {
        return name;
    }

    /** @return the valid domain */
    public Domain domain() {
        return domain;
    }

    /** @return inputs recorded */
    public long count() {
        return count;
    }

    /** @return inputs outside the domain */
    public long outOfRange() {
        return outOfRange;
    }

    /** @return NaN inputs (also counted as out of range; they do not affect min and max) */
    public long nanCount() {
        return nan;
    }

    /** @return smallest input seen (+Infinity if none) */
    public double min() {
        return min;
    }

    /** @return largest input seen (-Infinity if none) */
    public double max() {
        return max;
    }

    /**
     * Adds another monitor's counts into this one (same name and domain expected).
     *
     * @param other the monitor to merge
     */
    public void merge(RangeMonitor other) {
        count += other.count;
        outOfRange += other.outOfRange;
        nan += other.nan;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    @Override
    public String toString() {
        return String.format("%s: %d inputs, %d outside [%g, %g] (%d NaN), seen [%g, %g]", name, count, outOfRange,
                domain.lo(), domain.hi(), nan, min, max);
    }
}
