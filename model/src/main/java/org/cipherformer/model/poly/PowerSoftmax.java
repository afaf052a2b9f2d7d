package org.cipherformer.model.poly;

import java.util.function.DoubleUnaryOperator;
import org.cipherformer.model.format.AttentionSpec;

/**
 * Power-Softmax attention normalisation with a multiplicative mask (Zimerman et al., arXiv 2410.09457), in the
 * length-normalised form of docs/model-format.md. For query row i with mask {@code m_ij = 1} if (not causal or
 * {@code j <= i}) else 0:
 * <pre>
 *   L_i = sum_j m_ij                          (number of visible keys)
 *   M_i = (1 / L_i) sum_j m_ij s_ij^p
 *   a_ij = m_ij s_ij^p Inv(eps + M_i) / L_i
 * </pre>
 * With {@code eps = 0} and the exact inverse, {@code sum_j a_ij = 1} and {@code a} is invariant under
 * {@code s -> c s}, {@code c > 0} (both numerator and {@code M_i} scale by {@code c^p}). {@code p} is even so every
 * {@code s^p >= 0}; {@code eps > 0} keeps {@code eps + M_i} away from 0 so that a Goldschmidt inverse on
 * {@code [eps, hi]} applies.
 */
public final class PowerSoftmax {
    private final int p;
    private final double eps;
    private final GoldschmidtInverse inverse;

    /**
     * @param p       even exponent {@code >= 2}
     * @param eps     finite, {@code >= 0}
     * @param inverse Goldschmidt inverse applied to {@code eps + M_i}, or null for exact division
     * @throws IllegalArgumentException if p is odd or out of range, or eps is negative or not finite
     */
    public PowerSoftmax(int p, double eps, GoldschmidtInverse inverse) {
        if (p < 2 || p % 2 != 0 || p > AttentionSpec.PowerSoftmax.MAX_P) {
            throw new IllegalArgumentException("p must be an even integer in [2, " + AttentionSpec.PowerSoftmax.MAX_P
                    + "], got " + p);
        }
        if (!Double.isFinite(eps) || eps < 0) {
            throw new IllegalArgumentException("eps must be finite and >= 0, got " + eps);
        }
        this.p = p;
        this.eps = eps;
        this.inverse = inverse;
    }

    /** @param spec the config.json form (with its Goldschmidt inverse) */
    public PowerSoftmax(AttentionSpec.PowerSoftmax spec) {
        this(spec.p(), spec.eps(), new GoldschmidtInverse(spec.inverse()));
    }

    /** @return p */
    public int p() {
        return p;
    }

    /** @return eps */
    public double eps() {
        return eps;
    }

    /** @return the Goldschmidt inverse, or null for exact division */
    public GoldschmidtInverse inverse() {
        return inverse;
    }

    /** {@code s^p} by repeated squaring of {@code s^2} (p is even). */
    private double power(double s) {
        double s2 = s * s;
        double r = 1;
        for (int e = p / 2; e > 0; e--) {
            r *= s2;
        }
        return r;
    }

    /**
     * @param scores  {@code [queries][keys]} attention scores
     * @param causal  whether key j is visible to query i only if {@code j <= i}
     * @param monitor records each {@code eps + M_i} against the inverse's domain (may be null; ignored for the exact
     *                inverse)
     * @return attention weights of the same shape; masked entries are exactly 0
     */
    public double[][] apply(double[][] scores, boolean causal, RangeMonitor monitor) {
        DoubleUnaryOperator inv = inverse == null ? x -> 1 / x : x -> inverse.value(x, monitor);
        double[][] a = new double[scores.length][];
        for (int i = 0; i < scores.length; i++) {
            double[] s = scores[i];
            int visible = causal ? Math.min(i + 1, s.length) : s.length;
            a[i] = new double[s.length];
            double sum = 0;
            for (int j = 0; j < visible; j++) {
                a[i][j] = power(s[j]);
                sum += a[i][j];
            }
            double mean = sum / visible;
            double scale = inv.applyAsDouble(eps + mean) / visible;
            for (int j = 0; j < visible; j++) {
                a[i][j] *= scale;
            }
        }
        return a;
    }
}
