package org.cipherformer.model.format;

/** The normalisation layers of a model: exact LayerNorm or the polynomial LayerNorm. */
public sealed interface LayerNormSpec permits LayerNormSpec.Exact, LayerNormSpec.Polynomial {

    /** @return the variance stabiliser added before the inverse square root */
    double eps();

    /**
     * Exact LayerNorm ({@code "type": "layernorm"}): {@code y = 1 / sqrt(var + eps)}.
     *
     * @param eps finite, {@code >= 0}
     */
    record Exact(double eps) implements LayerNormSpec {
        /** @throws IllegalArgumentException if eps is negative or not finite */
        public Exact {
            checkEps(eps);
        }
    }

    /**
     * Polynomial LayerNorm ({@code "type": "poly_layernorm"}): {@code y0 = ChebInvSqrt(v)}, then
     * {@code newton_steps} times {@code y = y (3 - v y^2) / 2}.
     *
     * @param eps         finite, {@code >= 0}
     * @param invSqrt     Chebyshev start for {@code 1/sqrt(v)}; its domain must be positive
     * @param newtonSteps {@code >= 0}
     */
    record Polynomial(double eps, ChebyshevSpec invSqrt, int newtonSteps) implements LayerNormSpec {
        /** Upper bound on Newton steps (each costs about three levels under CKKS). */
        public static final int MAX_NEWTON_STEPS = 16;

        /** @throws IllegalArgumentException on a bad eps, a missing or non-positive domain, bad newton steps */
        public Polynomial {
            checkEps(eps);
            if (invSqrt == null) {
                throw new IllegalArgumentException("inv_sqrt is missing");
            }
            if (!(invSqrt.domain().lo() > 0)) {
                throw new IllegalArgumentException("inv_sqrt domain lo must be > 0, got " + invSqrt.domain().lo());
            }
            if (newtonSteps < 0 || newtonSteps > MAX_NEWTON_STEPS) {
                throw new IllegalArgumentException("newton_steps must be in [0, " + MAX_NEWTON_STEPS + "], got "
                        + newtonSteps);
            }
        }
    }

    private static void checkEps(double eps) {
        if (!Double.isFinite(eps) || eps < 0) {
            throw new IllegalArgumentException("eps must be finite and >= 0, got " + eps);
        }
    }
}
