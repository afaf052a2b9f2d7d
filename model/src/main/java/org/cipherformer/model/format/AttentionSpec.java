package org.cipherformer.model.format;

/** The attention normalisation of a model: exact softmax or Power-Softmax with a Goldschmidt inverse. */
public sealed interface AttentionSpec permits AttentionSpec.Softmax, AttentionSpec.PowerSoftmax {

    /** Exact softmax over the unmasked keys ({@code "type": "softmax"}). */
    record Softmax() implements AttentionSpec {
    }

    /**
     * Power-Softmax ({@code "type": "power_softmax"}):
     * {@code a_ij = m_ij s_ij^p Inv(eps + M_i) / L_i}, {@code M_i = (1/L_i) sum_j m_ij s_ij^p}.
     *
     * @param p       even exponent {@code >= 2}
     * @param eps     additive stabiliser, finite and {@code >= 0}
     * @param inverse the Goldschmidt inverse applied to {@code eps + M_i}
     */
    record PowerSoftmax(int p, double eps, GoldschmidtSpec inverse) implements AttentionSpec {
        /** Largest exponent accepted (the literature trains 2 <= p <= 8; 64 leaves room, bounds the depth). */
        public static final int MAX_P = 64;

        /** @throws IllegalArgumentException if p is odd or out of range, eps negative/not finite, inverse missing */
        public PowerSoftmax {
            if (p < 2 || p % 2 != 0 || p > MAX_P) {
                throw new IllegalArgumentException("p must be an even integer in [2, " + MAX_P + "], got " + p);
            }
            if (!Double.isFinite(eps) || eps < 0) {
                throw new IllegalArgumentException("eps must be finite and >= 0, got " + eps);
            }
            if (inverse == null) {
                throw new IllegalArgumentException("inverse is missing");
            }
        }
    }
}
