package org.cipherformer.model.poly;

import org.apache.commons.math3.special.Erf;

/** The exact GELU activation {@code GELU(x) = x/2 (1 + erf(x / sqrt 2))} (not the tanh approximation). */
public final class Gelu {
    private static final double INV_SQRT2 = 1 / Math.sqrt(2);

    private Gelu() {
    }

    /**
     * @param x input
     * @return {@code x/2 (1 + erf(x / sqrt 2))}, with erf from Apache Commons Math
     */
    public static double value(double x) {
        return 0.5 * x * (1 + Erf.erf(x * INV_SQRT2));
    }
}
