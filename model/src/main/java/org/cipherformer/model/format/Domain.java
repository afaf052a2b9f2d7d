package org.cipherformer.model.format;

/**
 * A closed interval {@code [lo, hi]} of real numbers on which a polynomial approximation is valid.
 *
 * @param lo lower end, finite
 * @param hi upper end, finite and strictly greater than {@code lo}
 */
public record Domain(double lo, double hi) {
    /** @throws IllegalArgumentException if an end is not finite or {@code lo >= hi} */
    public Domain {
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("domain ends must be finite, got [" + lo + ", " + hi + "]");
        }
        if (!(lo < hi)) {
            throw new IllegalArgumentException("domain needs lo < hi, got [" + lo + ", " + hi + "]");
        }
    }

    /** @return whether {@code lo <= x <= hi} (false for NaN) */
    public boolean contains(double x) {
        return x >= lo && x <= hi;
    }

    /** @return {@code hi - lo} */
    public double width() {
        return hi - lo;
    }
}
