package org.cipherformer.trainer;

import java.util.function.DoubleUnaryOperator;

/**
 * Chebyshev interpolation of a function on [lo, hi] at the n = degree + 1 Chebyshev nodes of the first kind:
 * c_k = (2 - [k == 0]) / n * sum_j f(x_j) cos(k (j + 1/2) pi / n), x_j the node t_j = cos((j + 1/2) pi / n) mapped
 * to [lo, hi]. Used to pick the polynomial components before training; the coefficients then travel in config.json.
 */
final class ChebyshevInterpolation {
    private ChebyshevInterpolation() {
    }

    static double[] fit(DoubleUnaryOperator f, double lo, double hi, int degree) {
        int n = degree + 1;
        double[] values = new double[n];
        for (int j = 0; j < n; j++) {
            double t = Math.cos((j + 0.5) * Math.PI / n);
            values[j] = f.applyAsDouble(0.5 * (t * (hi - lo) + lo + hi));
        }
        double[] c = new double[n];
        for (int k = 0; k < n; k++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += values[j] * Math.cos(k * (j + 0.5) * Math.PI / n);
            }
            c[k] = (k == 0 ? 1.0 : 2.0) * s / n;
        }
        return c;
    }

    /** Exact GELU x Phi(x) via an erf with error below 1.2e-7 (Numerical Recipes' erfc Chebyshev fit). */
    static double gelu(double x) {
        return 0.5 * x * (1.0 + erf(x / Math.sqrt(2.0)));
    }

    static double erf(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - r : r - 1.0;
    }
}
