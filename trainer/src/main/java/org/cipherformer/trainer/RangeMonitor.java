package org.cipherformer.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Watches the inputs of every polynomial component during a forward pass.
 *
 * <p>Two jobs: (1) the range regularizer — for each input x of a polynomial with domain [lo, hi] it adds
 * the per-example sum of squared relative excesses beyond [lo', hi'], the domain shrunk by a safety margin, so the
 * trained network keeps every polynomial inside the interval where it is accurate; (2) optional statistics (min, max,
 * count outside the full domain) per component, reported in the training log and in config.json's provenance.
 */
public final class RangeMonitor {
    /** Fraction of the domain width kept free at each end by the regularizer. */
    /** Excess is measured in units of 1/STRENGTH of the domain: leaving by 10% of the width costs ~1 per value. */
    private static final double STRENGTH = 10.0;
    private final double margin;
    private final boolean regularize;
    private boolean recordStatistics;
    private NDArray penalty;
    private final Map<String, double[]> stats = new TreeMap<>();

    public RangeMonitor(boolean regularize, double margin) {
        this.regularize = regularize;
        this.margin = margin;
    }

    public void setRecordStatistics(boolean record) {
        this.recordStatistics = record;
    }

    /** Starts a new forward pass: drops the accumulated penalty (statistics are kept until {@link #resetStatistics}). */
    public void beginPass() {
        penalty = null;
    }

    public void resetStatistics() {
        stats.clear();
    }

    /** The summed regularizer of the current pass, or null when none was added. */
    public NDArray penalty() {
        return penalty;
    }

    /**
     * Records input x of a polynomial defined on [lo, hi].
     *
     * @param name component name, e.g. "layers.0.mlp.act"
     * @param lowerBounded false when the input can never be below lo by construction (so only the top is penalized)
     */
    public void observe(String name, NDArray x, double lo, double hi, boolean penalizeBelow) {
        if (regularize) {
            // excess beyond the shrunk domain, relative to the domain (to the bound itself for the bottom of a
            // positive domain such as a variance), squared and summed per example: a few stray values still get a
            // gradient comparable to the loss's instead of being averaged away
            double width = hi - lo;
            double perExample = 1.0 / x.getShape().get(0);
            NDArray over = Activation.relu(Scalars.mul(Scalars.sub(x, hi - margin * width), STRENGTH / width));
            NDArray term = Scalars.mul(over.mul(over).sum(), perExample);
            if (penalizeBelow) {
                double target = lo > 0 ? lo * (1 + 10 * margin) : lo + margin * width;
                double scale = lo > 0 ? STRENGTH / target : STRENGTH / width;
                NDArray under = Activation.relu(Scalars.mul(Scalars.rsub(target, x), scale));
                term = term.add(Scalars.mul(under.mul(under).sum(), perExample));
            }
            penalty = penalty == null ? term : penalty.add(term);
        }
        if (recordStatistics) {
            double min = x.min().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            double max = x.max().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            double outside = x.gt(hi).logicalOr(x.lt(lo)).sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                    .getDouble();
            double[] s = stats.computeIfAbsent(name,
                    k -> new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, 0, lo, hi});
            s[0] = Math.min(s[0], min);
            s[1] = Math.max(s[1], max);
            s[2] += outside;
            s[3] += x.size();
        }
    }

    /** Per component: {min, max, values outside the domain, values seen, lo, hi}. */
    public Map<String, double[]> statistics() {
        return stats;
    }

    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, double[]> e : stats.entrySet()) {
            double[] s = e.getValue();
            sb.append(String.format(Locale.ROOT, "  %-24s domain [%g, %g] seen [%.4g, %.4g] outside %d of %d%n",
                    e.getKey(), s[4], s[5], s[0], s[1], (long) s[2], (long) s[3]));
        }
        return sb.toString();
    }
}
