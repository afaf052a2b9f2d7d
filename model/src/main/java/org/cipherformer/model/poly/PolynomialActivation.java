package org.cipherformer.model.poly;

import org.cipherformer.model.format.ActivationSpec;
import org.cipherformer.model.format.ChebyshevSpec;
import org.cipherformer.model.format.Domain;

/**
 * A polynomial stand-in for GELU: a Chebyshev polynomial fitted to the exact GELU on a bounded domain. Inside the
 * domain its error is {@link #maxAbsErrorVsGelu}; outside, it diverges from GELU like any polynomial, which is why
 * every input is recorded in a {@link RangeMonitor}.
 */
public final class PolynomialActivation {
    /** Grid size used to state the fit error. */
    public static final int ERROR_GRID = 20001;

    private final ChebyshevPolynomial polynomial;

    /** @param polynomial the Chebyshev polynomial */
    public PolynomialActivation(ChebyshevPolynomial polynomial) {
        this.polynomial = polynomial;
    }

    /** @param spec the config.json form */
    public PolynomialActivation(ActivationSpec.Polynomial spec) {
        this(new ChebyshevPolynomial(spec.polynomial()));
    }

    /**
     * Fits GELU by Chebyshev interpolation.
     *
     * @param domain input interval the activation must cover
     * @param degree polynomial degree
     * @return the activation
     */
    public static PolynomialActivation fitGelu(Domain domain, int degree) {
        return new PolynomialActivation(ChebyshevPolynomial.fit(Gelu::value, domain, degree));
    }

    /** @return the config.json form ({@code approximates = "gelu"}) */
    public ActivationSpec.Polynomial toSpec() {
        return new ActivationSpec.Polynomial(polynomial.toSpec(), "gelu");
    }

    /** @return the Chebyshev coefficients' spec */
    public ChebyshevSpec chebyshev() {
        return polynomial.toSpec();
    }

    /** @return the polynomial */
    public ChebyshevPolynomial polynomial() {
        return polynomial;
    }

    /**
     * @param x       input
     * @param monitor records x (may be null)
     * @return the polynomial's value at x
     */
    public double value(double x, RangeMonitor monitor) {
        return polynomial.value(x, monitor);
    }

    /**
     * The fit's stated error: {@code max |p(x) - GELU(x)|} over {@link #ERROR_GRID} equally spaced points of the
     * domain (a dense-grid estimate of the uniform error).
     *
     * @return the largest absolute difference on the grid
     */
    public double maxAbsErrorVsGelu() {
        return polynomial.maxAbsError(Gelu::value, ERROR_GRID);
    }
}
