package org.cipherformer.model.poly;

import java.util.function.DoubleUnaryOperator;
import org.cipherformer.model.format.ChebyshevSpec;
import org.cipherformer.model.format.Domain;

/**
 * A polynomial in the Chebyshev basis on a domain {@code [lo, hi]}:
 * <pre>  p(x) = sum_{k=0}^{n} c_k T_k(t),   t = (2x - lo - hi) / (hi - lo),</pre>
 * with {@code T_0 = 1}, {@code T_1 = t}, {@code T_{k+1} = 2 t T_k - T_{k-1}}. It is evaluated at any {@code x}, inside
 * the domain or not (no clamping), by Clenshaw's recurrence
 * {@code b_k = c_k + 2 t b_{k+1} - b_{k+2}}, {@code p = c_0 + t b_1 - b_2}, which is backward stable in the basis.
 */
public final class ChebyshevPolynomial implements DoubleUnaryOperator {
    private final Domain domain;
    private final double[] c;

    /**
     * @param domain       the interval mapped to {@code [-1, 1]}
     * @param coefficients {@code c_0..c_n}, non-empty and finite (copied)
     * @throws IllegalArgumentException on an empty or non-finite coefficient array
     */
    public ChebyshevPolynomial(Domain domain, double[] coefficients) {
        ChebyshevSpec spec = new ChebyshevSpec(domain, coefficients);
        this.domain = spec.domain();
        this.c = spec.coefficients();
    }

    /** @param spec the config.json form */
    public ChebyshevPolynomial(ChebyshevSpec spec) {
        this(spec.domain(), spec.coefficients());
    }

    /** @return the config.json form */
    public ChebyshevSpec toSpec() {
        return new ChebyshevSpec(domain, c);
    }

    /** @return the domain */
    public Domain domain() {
        return domain;
    }

    /** @return a copy of the coefficients */
    public double[] coefficients() {
        return c.clone();
    }

    /** @return the degree {@code n} */
    public int degree() {
        return c.length - 1;
    }

    /**
     * @param x any real
     * @return {@code t = (2x - lo - hi) / (hi - lo)}
     */
    public double toUnit(double x) {
        return (2 * x - domain.lo() - domain.hi()) / (domain.hi() - domain.lo());
    }

    /**
     * @param x any real (outside the domain the value is the polynomial's, usually far from the fitted function)
     * @return {@code p(x)}
     */
    public double value(double x) {
        double t = toUnit(x);
        double b1 = 0;
        double b2 = 0;
        for (int k = c.length - 1; k >= 1; k--) {
            double b0 = c[k] + 2 * t * b1 - b2;
            b2 = b1;
            b1 = b0;
        }
        return c[0] + t * b1 - b2;
    }

    /**
     * Evaluates and records the input in a monitor.
     *
     * @param x       input
     * @param monitor receives x (may be null)
     * @return {@code p(x)}
     */
    public double value(double x, RangeMonitor monitor) {
        if (monitor != null) {
            monitor.record(x);
        }
        return value(x);
    }

    @Override
    public double applyAsDouble(double x) {
        return value(x);
    }

    /**
     * The {@code j}-th of {@code n} Chebyshev nodes of the first kind mapped to the domain:
     * {@code x_j = (lo + hi)/2 + (hi - lo)/2 * cos(pi (j + 1/2) / n)}.
     *
     * @param domain the interval
     * @param n      number of nodes
     * @param j      index in {@code [0, n)}
     * @return the node
     */
    public static double node(Domain domain, int n, int j) {
        return 0.5 * (domain.lo() + domain.hi()) + 0.5 * domain.width() * Math.cos(Math.PI * (j + 0.5) / n);
    }

    /**
     * Chebyshev interpolation: the degree-{@code d} polynomial that equals {@code f} at the {@code n = d + 1}
     * Chebyshev nodes of the first kind. Its coefficients are the discrete cosine transform
     * <pre>  c_k = (2 - [k = 0]) / n * sum_{j=0}^{n-1} f(x_j) cos(pi k (j + 1/2) / n).</pre>
     * For smooth {@code f} its error is within a factor {@code 2 + (2/pi) ln(n)} of the best uniform approximation.
     *
     * @param f      function to fit, evaluated at the nodes only
     * @param domain fitting interval
     * @param degree polynomial degree, {@code 0 <= degree < MAX_COEFFICIENTS}
     * @return the interpolant
     * @throws IllegalArgumentException if the degree is out of range or f is not finite at a node
     */
    public static ChebyshevPolynomial fit(DoubleUnaryOperator f, Domain domain, int degree) {
        if (degree < 0 || degree >= ChebyshevSpec.MAX_COEFFICIENTS) {
            throw new IllegalArgumentException("degree must be in [0, " + (ChebyshevSpec.MAX_COEFFICIENTS - 1)
                    + "], got " + degree);
        }
        int n = degree + 1;
        double[] fx = new double[n];
        for (int j = 0; j < n; j++) {
            double x = node(domain, n, j);
            fx[j] = f.applyAsDouble(x);
            if (!Double.isFinite(fx[j])) {
                throw new IllegalArgumentException("f(" + x + ") = " + fx[j] + " is not finite");
            }
        }
        double[] coef = new double[n];
        for (int k = 0; k < n; k++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += fx[j] * Math.cos(Math.PI * k * (j + 0.5) / n);
            }
            coef[k] = (k == 0 ? 1.0 : 2.0) / n * s;
        }
        return new ChebyshevPolynomial(domain, coef);
    }

    /**
     * Estimates the uniform error {@code max |p(x) - f(x)|} on the domain from {@code points} equally spaced points
     * (ends included). It is a lower bound of the true maximum that converges to it as points grows; 10^4 points
     * resolve any polynomial of degree below a few hundred.
     *
     * @param f      reference function
     * @param points number of grid points, {@code >= 2}
     * @return the largest absolute difference seen
     */
    public double maxAbsError(DoubleUnaryOperator f, int points) {
        return maxError(f, points, false);
    }

    /**
     * Like {@link #maxAbsError} for the relative error {@code max |p(x) - f(x)| / |f(x)|} (f nonzero on the domain).
     *
     * @param f      reference function
     * @param points number of grid points, {@code >= 2}
     * @return the largest relative difference seen
     */
    public double maxRelError(DoubleUnaryOperator f, int points) {
        return maxError(f, points, true);
    }

    private double maxError(DoubleUnaryOperator f, int points, boolean relative) {
        if (points < 2) {
            throw new IllegalArgumentException("points must be >= 2, got " + points);
        }
        double worst = 0;
        for (int i = 0; i < points; i++) {
            double x = domain.lo() + domain.width() * i / (points - 1);
            double fx = f.applyAsDouble(x);
            double e = Math.abs(value(x) - fx);
            if (relative) {
                e /= Math.abs(fx);
            }
            if (!(e <= worst)) {
                worst = e;
            }
        }
        return worst;
    }
}
