package org.cipherformer.model.poly;

import org.cipherformer.model.format.ChebyshevSpec;
import org.cipherformer.model.format.Domain;
import org.cipherformer.model.format.LayerNormSpec;

/**
 * LayerNorm with a polynomial inverse square root, as computed under CKKS:
 * <pre>
 *   mu = mean(x);  v = mean((x - mu)^2) + eps;
 *   y = C(v)                                 (Chebyshev approximation of 1/sqrt(v) on the variance domain)
 *   repeat newtonSteps times: y = y (3 - v y^2) / 2
 *   out = (x - mu) y gamma + beta
 * </pre>
 * Error: if {@code y = (1 + d)/sqrt(v)} then one Newton step gives {@code (1 + d')/sqrt(v)} with
 * {@code d' = -d^2 (3 + d) / 2}, so {@code |d'| <= d^2 (3 + |d|) / 2}: quadratic convergence from any start with
 * {@code |d| < 1} (the step diverges once {@code d > sqrt(5) - 1}). {@link #relativeErrorBound()} iterates this map from
 * the Chebyshev start's relative error.
 */
public final class PolyLayerNorm {
    /** Grid size used to state the start's relative error. */
    public static final int ERROR_GRID = 20001;

    private final double eps;
    private final ChebyshevPolynomial invSqrt;
    private final int newtonSteps;

    /**
     * @param eps         variance stabiliser, finite and {@code >= 0}
     * @param invSqrt     Chebyshev start for {@code 1/sqrt(v)}, domain {@code lo > 0}
     * @param newtonSteps {@code >= 0}
     */
    public PolyLayerNorm(double eps, ChebyshevPolynomial invSqrt, int newtonSteps) {
        new LayerNormSpec.Polynomial(eps, invSqrt.toSpec(), newtonSteps); // validates
        this.eps = eps;
        this.invSqrt = invSqrt;
        this.newtonSteps = newtonSteps;
    }

    /** @param spec the config.json form */
    public PolyLayerNorm(LayerNormSpec.Polynomial spec) {
        this(spec.eps(), new ChebyshevPolynomial(spec.invSqrt()), spec.newtonSteps());
    }

    /**
     * Fits {@code 1/sqrt(v)} by Chebyshev interpolation on a variance domain.
     *
     * @param domain variance interval, {@code lo > 0}
     * @param degree polynomial degree
     * @return the Chebyshev start
     */
    public static ChebyshevPolynomial fitInvSqrt(Domain domain, int degree) {
        if (!(domain.lo() > 0)) {
            throw new IllegalArgumentException("inverse sqrt domain needs lo > 0, got " + domain.lo());
        }
        return ChebyshevPolynomial.fit(v -> 1 / Math.sqrt(v), domain, degree);
    }

    /** @return the config.json form */
    public LayerNormSpec.Polynomial toSpec() {
        return new LayerNormSpec.Polynomial(eps, invSqrt.toSpec(), newtonSteps);
    }

    /** @return the Chebyshev start's spec */
    public ChebyshevSpec invSqrtSpec() {
        return invSqrt.toSpec();
    }

    /**
     * The polynomial inverse square root: Chebyshev start, then Newton steps.
     *
     * @param v       variance plus eps
     * @param monitor records v against the variance domain (may be null)
     * @return approximately {@code 1/sqrt(v)}
     */
    public double inverseSqrt(double v, RangeMonitor monitor) {
        double y = invSqrt.value(v, monitor);
        for (int i = 0; i < newtonSteps; i++) {
            y = y * (3 - v * y * y) / 2;
        }
        return y;
    }

    /**
     * Normalises one vector.
     *
     * @param x       input of length n
     * @param gamma   gains, length n
     * @param beta    biases, length n
     * @param monitor records the variance (may be null)
     * @return {@code (x - mu) y gamma + beta}
     */
    public double[] apply(double[] x, double[] gamma, double[] beta, RangeMonitor monitor) {
        int n = x.length;
        double mu = 0;
        for (double xi : x) {
            mu += xi;
        }
        mu /= n;
        double var = 0;
        for (double xi : x) {
            var += (xi - mu) * (xi - mu);
        }
        double v = var / n + eps;
        double y = inverseSqrt(v, monitor);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = (x[i] - mu) * y * gamma[i] + beta[i];
        }
        return out;
    }

    /**
     * A-priori bound on the relative error of {@link #inverseSqrt} for {@code v} in the domain: start from
     * {@code d0 = max |C(v) sqrt(v) - 1|} on a dense grid of {@link #ERROR_GRID} points, then apply
     * {@code d -> d^2 (3 + d) / 2} once per Newton step. Returns infinity if the start is too poor for Newton to
     * contract ({@code d0 >= sqrt(5) - 1}).
     *
     * @return the bound (plus rounding, about 1e-15 relative)
     */
    public double relativeErrorBound() {
        double d = invSqrt.maxRelError(v -> 1 / Math.sqrt(v), ERROR_GRID);
        if (newtonSteps > 0 && d >= Math.sqrt(5) - 1) {
            return Double.POSITIVE_INFINITY;
        }
        for (int i = 0; i < newtonSteps; i++) {
            d = d * d * (3 + d) / 2;
        }
        return d;
    }

    /** @return the variance domain */
    public Domain domain() {
        return invSqrt.domain();
    }

    /** @return eps */
    public double eps() {
        return eps;
    }
}
