package org.cipherformer.trainer;

/**
 * The polynomial components the shipped models are trained with, and why these numbers.
 *
 * <ul>
 *   <li>Power-Softmax p = 4, eps = 1: the denominator eps + mean_j s_ij^4 is then >= 1 by construction, so the
 *       Goldschmidt domain [1, 129] has a ratio of 129 and 9 iterations reach a relative error of
 *       (1 - 2/130)^(2^10) ~ 1e-7 at the bottom of the domain. The regularizer keeps the denominator below ~126;
 *       the iteration diverges above lo + hi = 130, so the top of the domain is deliberately generous.
 *       The shipped LM ends with eps = 1/16 (TrainLm --attention-eps 0.0625 --inverse-iterations 13, see
 *       docs/training.md): with eps = 1 its trained attention rows carried only M / (1 + M) of their mass, M the
 *       (small) row mean of s^4.
 *   <li>LayerNorm: variance domain [0.1, 10]; the Chebyshev interpolant of degree 15 of 1/sqrt(v) has relative error
 *       3e-2 there and two Newton steps bring it to 3e-6. The regularizer keeps variances inside [0.15, 9.5].
 *   <li>GELU: Chebyshev interpolant of degree 15 on [-8, 8] (max error 0.045; the network is trained with this
 *       polynomial, so the error is part of the model, not a mismatch). The regularizer keeps pre-activations in
 *       [-7.6, 7.6].
 * </ul>
 */
public final class PolynomialChoice {
    public static final double MARGIN = 0.025;

    private PolynomialChoice() {
    }

    public static ComponentSettings standard() {
        double varLo = 0.1;
        double varHi = 10.0;
        double actLo = -8.0;
        double actHi = 8.0;
        double[] invSqrt = ChebyshevInterpolation.fit(v -> 1.0 / Math.sqrt(v), varLo, varHi, 15);
        double[] gelu = ChebyshevInterpolation.fit(ChebyshevInterpolation::gelu, actLo, actHi, 15);
        return ComponentSettings.polynomial(4, 1.0, 1.0, 129.0, 9, 1e-5, varLo, varHi, invSqrt, 2, actLo, actHi, gelu);
    }
}
