package org.cipherformer.model.poly;

/**
 * The original LayerNorm: {@code out = (x - mu) / sqrt(mean((x - mu)^2) + eps) * gamma + beta}.
 */
public final class ExactLayerNorm {
    private final double eps;

    /** @param eps variance stabiliser, finite and {@code >= 0} */
    public ExactLayerNorm(double eps) {
        if (!Double.isFinite(eps) || eps < 0) {
            throw new IllegalArgumentException("eps must be finite and >= 0, got " + eps);
        }
        this.eps = eps;
    }

    /**
     * @param x     input of length n
     * @param gamma gains
     * @param beta  biases
     * @return the normalised vector
     */
    public double[] apply(double[] x, double[] gamma, double[] beta) {
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
        double y = 1 / Math.sqrt(var / n + eps);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = (x[i] - mu) * y * gamma[i] + beta[i];
        }
        return out;
    }
}
