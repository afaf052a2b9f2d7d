package org.cipherformer.trainer;

import java.util.Arrays;

/**
 * The non-linear components a network is trained with: either the "original" ones (softmax, LayerNorm, exact GELU)
 * or the polynomial ones of the model format (Power-Softmax with a Goldschmidt inverse, LayerNorm with a Chebyshev
 * inverse square root plus Newton steps, a Chebyshev polynomial activation).
 *
 * <p>The polynomial settings are part of the training graph, so the trained weights are adapted to exactly these
 * polynomials; the same numbers are written to config.json, where the plaintext reference evaluates them again.
 */
public final class ComponentSettings {
    /** True: Power-Softmax; false: softmax. */
    public final boolean powerSoftmax;
    /** Power-Softmax exponent p (even). */
    public final int power;
    /** Power-Softmax eps added to the row mean of s^p; also the lower end of the inverse's domain. */
    public final double attentionEps;
    /** Goldschmidt domain [invLo, invHi] for the denominator eps + M; iterations; 0 iterations means exact 1/x. */
    public final double invLo;
    public final double invHi;
    public final int invIterations;

    /** True: polynomial LayerNorm; false: exact LayerNorm. */
    public final boolean polyLayerNorm;
    /** Variance eps (both LayerNorm kinds). */
    public final double layerNormEps;
    /** Chebyshev domain of the variance and coefficients of the 1/sqrt approximation, then Newton steps. */
    public final double varLo;
    public final double varHi;
    public final double[] invSqrtCoefficients;
    public final int newtonSteps;

    /** True: polynomial activation; false: exact (erf) GELU. */
    public final boolean polyActivation;
    public final double actLo;
    public final double actHi;
    public final double[] activationCoefficients;

    private ComponentSettings(boolean powerSoftmax, int power, double attentionEps, double invLo, double invHi,
                              int invIterations, boolean polyLayerNorm, double layerNormEps, double varLo,
                              double varHi, double[] invSqrtCoefficients, int newtonSteps, boolean polyActivation,
                              double actLo, double actHi, double[] activationCoefficients) {
        this.powerSoftmax = powerSoftmax;
        this.power = power;
        this.attentionEps = attentionEps;
        this.invLo = invLo;
        this.invHi = invHi;
        this.invIterations = invIterations;
        this.polyLayerNorm = polyLayerNorm;
        this.layerNormEps = layerNormEps;
        this.varLo = varLo;
        this.varHi = varHi;
        this.invSqrtCoefficients = invSqrtCoefficients;
        this.newtonSteps = newtonSteps;
        this.polyActivation = polyActivation;
        this.actLo = actLo;
        this.actHi = actHi;
        this.activationCoefficients = activationCoefficients;
    }

    /** Softmax, LayerNorm (eps 1e-5) and exact GELU. */
    public static ComponentSettings original() {
        return new ComponentSettings(false, 0, 0, 0, 0, 0, false, 1e-5, 0, 0, null, 0, false, 0, 0, null);
    }

    /**
     * The polynomial components.
     *
     * @param invSqrtCoefficients Chebyshev coefficients of 1/sqrt(v) on [varLo, varHi]
     * @param activationCoefficients Chebyshev coefficients of GELU on [actLo, actHi]
     */
    public static ComponentSettings polynomial(int power, double attentionEps, double invLo, double invHi,
                                               int invIterations, double layerNormEps, double varLo, double varHi,
                                               double[] invSqrtCoefficients, int newtonSteps, double actLo,
                                               double actHi, double[] activationCoefficients) {
        if (power < 2 || power % 2 != 0) {
            throw new IllegalArgumentException("Power-Softmax exponent must be even and >= 2, got " + power);
        }
        if (!(invLo > 0 && invHi > invLo)) {
            throw new IllegalArgumentException("bad inverse domain [" + invLo + ", " + invHi + "]");
        }
        if (!(varLo > 0 && varHi > varLo)) {
            throw new IllegalArgumentException("bad variance domain [" + varLo + ", " + varHi + "]");
        }
        if (!(actHi > actLo)) {
            throw new IllegalArgumentException("bad activation domain [" + actLo + ", " + actHi + "]");
        }
        return new ComponentSettings(true, power, attentionEps, invLo, invHi, invIterations, true, layerNormEps,
                varLo, varHi, invSqrtCoefficients.clone(), newtonSteps, true, actLo, actHi,
                activationCoefficients.clone());
    }

    /**
     * The same components with another Power-Softmax: exponent p, eps, Goldschmidt inverse on [eps, invHi] with the
     * given iterations (the denominator eps + mean_j s_ij^p is >= eps by construction, so eps is the domain's bottom).
     *
     * @throws IllegalArgumentException if these are not polynomial settings or a value is out of range
     */
    public ComponentSettings withPowerSoftmax(int power, double attentionEps, double invHi, int invIterations) {
        if (!powerSoftmax) {
            throw new IllegalArgumentException("Power-Softmax settings apply to the polynomial variant only");
        }
        if (!(attentionEps > 0 && Double.isFinite(attentionEps))) {
            throw new IllegalArgumentException("Power-Softmax eps must be positive (it is the bottom of the inverse's"
                    + " domain), got " + attentionEps);
        }
        if (invIterations < 1 || invIterations > 64) {
            throw new IllegalArgumentException("Goldschmidt iterations must be in [1, 64], got " + invIterations);
        }
        return polynomial(power, attentionEps, attentionEps, invHi, invIterations, layerNormEps, varLo, varHi,
                invSqrtCoefficients, newtonSteps, actLo, actHi, activationCoefficients);
    }

    /** Checkpoint metadata entries that {@link #fromMetadata} reads back (polynomial settings only). */
    public void describeInto(java.util.Map<String, String> meta) {
        if (powerSoftmax) {
            meta.put("power_softmax_p", Integer.toString(power));
            meta.put("power_softmax_eps", Double.toString(attentionEps));
            meta.put("goldschmidt_hi", Double.toString(invHi));
            meta.put("goldschmidt_iterations", Integer.toString(invIterations));
        }
    }

    /**
     * The components a checkpoint was trained with: its variant's defaults, with the Power-Softmax settings of its
     * metadata where present (checkpoints written before those entries existed used the defaults).
     */
    public static ComponentSettings fromMetadata(java.util.Map<String, String> meta) {
        ComponentSettings s = TrainVit.variantSettings(meta.get("variant"));
        if (!s.powerSoftmax || !meta.containsKey("power_softmax_eps")) {
            return s;
        }
        return s.withPowerSoftmax(Integer.parseInt(meta.get("power_softmax_p")),
                Double.parseDouble(meta.get("power_softmax_eps")), Double.parseDouble(meta.get("goldschmidt_hi")),
                Integer.parseInt(meta.get("goldschmidt_iterations")));
    }

    public boolean isPolynomial() {
        return powerSoftmax;
    }

    @Override
    public String toString() {
        if (!powerSoftmax) {
            return "original(softmax, layernorm eps=" + layerNormEps + ", gelu)";
        }
        return "polynomial(power_softmax p=" + power + " eps=" + attentionEps + " goldschmidt [" + invLo + ", "
                + invHi + "] x" + invIterations + "; poly_layernorm var [" + varLo + ", " + varHi + "] deg "
                + (invSqrtCoefficients.length - 1) + " + " + newtonSteps + " newton; gelu poly [" + actLo + ", "
                + actHi + "] deg " + (activationCoefficients.length - 1) + ")";
    }

    double[] activationCoefficients() {
        return Arrays.copyOf(activationCoefficients, activationCoefficients.length);
    }
}
