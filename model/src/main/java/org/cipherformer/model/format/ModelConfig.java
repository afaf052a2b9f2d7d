package org.cipherformer.model.format;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of a model's {@code config.json} (format "cipherformer-model", version 1). The constructor checks every
 * cross-field rule of the format, so a {@code ModelConfig} object is always consistent.
 *
 * @param name         model name, letters, digits, '.', '_' and '-'
 * @param task         image classification or causal LM
 * @param variant      polynomial or original; must agree with the components
 * @param architecture sizes; ViT fields for image classification, LM fields for causal LM
 * @param components   the non-linear components
 * @param training     free-form provenance (seed, epochs, data, command, metrics); JSON-compatible values
 * @param equivariant  set iff the weights were transformed for EE mode (then a causal LM has no tokenizer), or null
 */
public record ModelConfig(String name, Task task, Variant variant, Architecture architecture, Components components,
                          Map<String, Object> training, EquivariantSpec equivariant) {
    /** The value of the "format" field. */
    public static final String FORMAT = "cipherformer-model";
    /** The value of the "format_version" field this code reads and writes. */
    public static final int FORMAT_VERSION = 1;

    /** @throws IllegalArgumentException naming the offending field */
    public ModelConfig {
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException("name must be 1-128 of [A-Za-z0-9._-], got \"" + name + "\"");
        }
        if (task == null || variant == null || architecture == null || components == null) {
            throw new IllegalArgumentException("task, variant, architecture and components are all required");
        }
        Architecture a = architecture;
        if (task == Task.IMAGE_CLASSIFICATION) {
            if (a.image() == null) {
                throw new IllegalArgumentException("architecture.image is required for image-classification");
            }
            if (a.vocabSize() != null || a.tokenizer() != null) {
                throw new IllegalArgumentException("architecture.vocab_size/tokenizer must be absent for "
                        + "image-classification");
            }
            if (a.causal()) {
                throw new IllegalArgumentException("architecture.causal must be false for image-classification");
            }
            int expected = a.image().patchCount() + 1;
            if (a.seqLen() != expected) {
                throw new IllegalArgumentException("architecture.seq_len must be patches + class token = " + expected
                        + ", got " + a.seqLen());
            }
        } else {
            if (a.image() != null) {
                throw new IllegalArgumentException("architecture.image must be absent for causal-lm");
            }
            if (a.vocabSize() == null) {
                throw new IllegalArgumentException("architecture.vocab_size is required for causal-lm");
            }
            if (equivariant == null && a.tokenizer() == null) {
                throw new IllegalArgumentException("architecture.tokenizer is required for causal-lm");
            }
            if (equivariant != null && a.tokenizer() != null) {
                // The tokenizer would map permuted ids back to words: an EE model must not carry one.
                throw new IllegalArgumentException("architecture.tokenizer must be absent for an equivariant "
                        + "(EE-transformed) causal-lm");
            }
            if (!a.causal()) {
                throw new IllegalArgumentException("architecture.causal must be true for causal-lm");
            }
        }
        if (variant == Variant.POLYNOMIAL && !components.allPolynomial()) {
            throw new IllegalArgumentException("variant polynomial needs power_softmax, poly_layernorm and a "
                    + "polynomial activation");
        }
        if (variant == Variant.ORIGINAL && !components.allExact()) {
            throw new IllegalArgumentException("variant original needs softmax, layernorm and gelu");
        }
        training = training == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(training));
    }

    /**
     * A configuration of an untransformed model ({@code equivariant} null).
     *
     * @throws IllegalArgumentException naming the offending field
     */
    public ModelConfig(String name, Task task, Variant variant, Architecture architecture, Components components,
                       Map<String, Object> training) {
        this(name, task, variant, architecture, components, training, null);
    }
}
