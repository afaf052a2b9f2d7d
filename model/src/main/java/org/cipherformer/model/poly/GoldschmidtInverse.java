package org.cipherformer.model.poly;

import org.cipherformer.model.format.Domain;
import org.cipherformer.model.format.GoldschmidtSpec;

/**
 * Goldschmidt division: an approximation of {@code 1/x} that uses only additions and multiplications, so it runs under
 * CKKS. On a domain {@code [lo, hi]} with {@code k} iterations:
 * <pre>
 *   c = 2 / (lo + hi);  x' = c x;  a = 2 - x';  b = 1 - x';
 *   repeat k times { b = b^2;  a = a (1 + b) }
 *   Inv(x) = c a
 * </pre>
 * By induction {@code a = prod_{i=0}^{k} (1 + b_0^(2^i)) = (1 - b_0^(2^(k+1))) / x'}, so
 * {@code Inv(x) = (1 - (1 - x')^(2^(k+1))) / x}: the relative error is exactly {@code |1 - x'|^(2^(k+1))}, which tends
 * to 0 for {@code x in (0, lo + hi)}. On the domain {@code |1 - x'| <= (hi - lo) / (hi + lo)}, with equality at both
 * ends, so {@link #relativeErrorBound()} is attained.
 */
public final class GoldschmidtInverse {
    private final Domain domain;
    private final int iterations;
    private final double c;

    /**
     * @param domain     design domain, {@code lo > 0}
     * @param iterations {@code k >= 1}
     * @throws IllegalArgumentException if {@code lo <= 0} or iterations out of range
     */
    public GoldschmidtInverse(Domain domain, int iterations) {
        GoldschmidtSpec spec = new GoldschmidtSpec(domain, iterations);
        this.domain = spec.domain();
        this.iterations = spec.iterations();
        this.c = 2.0 / (domain.lo() + domain.hi());
    }

    /** @param spec the config.json form */
    public GoldschmidtInverse(GoldschmidtSpec spec) {
        this(spec.domain(), spec.iterations());
    }

    /** @return the domain */
    public Domain domain() {
        return domain;
    }

    /** @return the iteration count */
    public int iterations() {
        return iterations;
    }

    /**
     * @param x any real (converges to 1/x for {@code 0 < x < lo + hi}, diverges elsewhere)
     * @return {@code Inv(x)} exactly as the iteration computes it
     */
    public double value(double x) {
        double xs = c * x;
        double a = 2 - xs;
        double b = 1 - xs;
        for (int i = 0; i < iterations; i++) {
            b = b * b;
            a = a * (1 + b);
        }
        return c * a;
    }

    /**
     * Evaluates and records the input in a monitor.
     *
     * @param x       input
     * @param monitor receives x (may be null)
     * @return {@code Inv(x)}
     */
    public double value(double x, RangeMonitor monitor) {
        if (monitor != null) {
            monitor.record(x);
        }
        return value(x);
    }

    /**
     * @param x a point
     * @return the exact relative error of {@link #value} at x in real arithmetic, {@code |1 - c x|^(2^(k+1))}
     */
    public double relativeError(double x) {
        return Math.pow(Math.abs(1 - c * x), Math.pow(2, iterations + 1));
    }

    /**
     * A-priori bound on {@code |Inv(x) x - 1|} over the domain (real arithmetic, attained at both ends):
     * {@code ((hi - lo) / (hi + lo))^(2^(k+1))}.
     *
     * @return the bound
     */
    public double relativeErrorBound() {
        double q = (domain.hi() - domain.lo()) / (domain.hi() + domain.lo());
        return Math.pow(q, Math.pow(2, iterations + 1));
    }
}
