package org.cipherformer.model.format;

/**
 * The three non-linear components of a transformer block, the part that differs between the polynomial variant and
 * its original twin.
 *
 * @param attention  attention normalisation
 * @param layerNorm  normalisation layers (ln1, ln2, final_ln)
 * @param activation MLP activation
 */
public record Components(AttentionSpec attention, LayerNormSpec layerNorm, ActivationSpec activation) {
    /** @throws IllegalArgumentException if a component is missing */
    public Components {
        if (attention == null || layerNorm == null || activation == null) {
            throw new IllegalArgumentException("attention, layernorm and activation are all required");
        }
    }

    /** @return whether every component is the polynomial form */
    public boolean allPolynomial() {
        return attention instanceof AttentionSpec.PowerSoftmax && layerNorm instanceof LayerNormSpec.Polynomial
                && activation instanceof ActivationSpec.Polynomial;
    }

    /** @return whether every component is the exact (original) form */
    public boolean allExact() {
        return attention instanceof AttentionSpec.Softmax && layerNorm instanceof LayerNormSpec.Exact
                && activation instanceof ActivationSpec.Gelu;
    }
}
