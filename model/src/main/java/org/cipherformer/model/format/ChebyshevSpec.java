package org.cipherformer.model.format;

import java.util.Arrays;

/**
 * A polynomial in the Chebyshev basis on a domain, as stored in config.json:
 * {@code p(x) = sum_k c_k T_k(t)} with {@code t = (2x - lo - hi) / (hi - lo)}.
 *
 * @param domain       the interval mapped onto {@code [-1, 1]}
 * @param coefficients {@code c_0, c_1, ...}; non-empty, all finite (the array is copied)
 */
public record ChebyshevSpec(Domain domain, double[] coefficients) {
    /** Upper bound on the number of coefficients, so a hostile config cannot ask for a huge polynomial. */
    public static final int MAX_COEFFICIENTS = 1 << 12;

    /** @throws IllegalArgumentException if the domain is null or a coefficient is missing or not finite */
    public ChebyshevSpec {
        if (domain == null) {
            throw new IllegalArgumentException("domain is missing");
        }
        if (coefficients == null || coefficients.length == 0) {
            throw new IllegalArgumentException("coefficients must be a non-empty array");
        }
        if (coefficients.length > MAX_COEFFICIENTS) {
            throw new IllegalArgumentException("coefficients: " + coefficients.length + " entries exceed the limit "
                    + MAX_COEFFICIENTS);
        }
        coefficients = coefficients.clone();
        for (int k = 0; k < coefficients.length; k++) {
            if (!Double.isFinite(coefficients[k])) {
                throw new IllegalArgumentException("coefficients[" + k + "] = " + coefficients[k] + " is not finite");
            }
        }
    }

    /** @return a copy of the coefficients */
    @Override
    public double[] coefficients() {
        return coefficients.clone();
    }

    /** @return the polynomial degree, {@code coefficients.length - 1} */
    public int degree() {
        return coefficients.length - 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChebyshevSpec other && domain.equals(other.domain)
                && Arrays.equals(coefficients, other.coefficients);
    }

    @Override
    public int hashCode() {
        return 31 * domain.hashCode() + Arrays.hashCode(coefficients);
    }

    @Override
    public String toString() {
        return "ChebyshevSpec[domain=" + domain + ", coefficients=" + Arrays.toString(coefficients) + "]";
    }
}
