package org.cipherformer.model.format;

/**
 * Transformer sizes. Exactly one of {@code image} (ViT) or {@code vocabSize}/{@code tokenizer} (LM) is set; which one
 * is checked against the task by {@link ModelConfig}.
 *
 * @param dModel    residual width, {@code >= 1}
 * @param heads     attention heads, divides {@code dModel}
 * @param layers    transformer blocks, {@code >= 1}
 * @param mlpHidden MLP hidden width, {@code >= 1}
 * @param causal    causal attention mask
 * @param seqLen    ViT: patches + class token; LM: maximum context length
 * @param image     ViT input geometry, or null
 * @param vocabSize LM vocabulary size, or null
 * @param tokenizer LM tokenizer file name inside the model directory, or null
 */
public record Architecture(int dModel, int heads, int layers, int mlpHidden, boolean causal, int seqLen,
                           ImageSpec image, Integer vocabSize, String tokenizer) {
    /** Bound on every width, so a hostile config cannot ask for absurd allocations. */
    public static final int MAX_WIDTH = 1 << 16;
    /** Bound on layers and sequence length. */
    public static final int MAX_LAYERS = 1024;
    /** Bound on sequence length. */
    public static final int MAX_SEQ_LEN = 1 << 16;
    /** Bound on vocabulary size. */
    public static final int MAX_VOCAB = 1 << 20;

    /** @throws IllegalArgumentException naming the offending field */
    public Architecture {
        if (dModel < 1 || dModel > MAX_WIDTH) {
            throw new IllegalArgumentException("d_model must be in [1, " + MAX_WIDTH + "], got " + dModel);
        }
        if (heads < 1 || heads > dModel || dModel % heads != 0) {
            throw new IllegalArgumentException("heads must divide d_model " + dModel + ", got " + heads);
        }
        if (layers < 1 || layers > MAX_LAYERS) {
            throw new IllegalArgumentException("layers must be in [1, " + MAX_LAYERS + "], got " + layers);
        }
        if (mlpHidden < 1 || mlpHidden > MAX_WIDTH) {
            throw new IllegalArgumentException("mlp_hidden must be in [1, " + MAX_WIDTH + "], got " + mlpHidden);
        }
        if (seqLen < 1 || seqLen > MAX_SEQ_LEN) {
            throw new IllegalArgumentException("seq_len must be in [1, " + MAX_SEQ_LEN + "], got " + seqLen);
        }
        if (vocabSize != null && (vocabSize < 5 || vocabSize > MAX_VOCAB)) {
            throw new IllegalArgumentException("vocab_size must be in [5, " + MAX_VOCAB + "], got " + vocabSize);
        }
        if (tokenizer != null && !tokenizer.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("tokenizer must be a plain file name, got \"" + tokenizer + "\"");
        }
    }

    /** @return {@code dModel / heads} */
    public int headDim() {
        return dModel / heads;
    }

    /**
     * A ViT architecture (non-causal, {@code seqLen = patches + 1}).
     *
     * @return the architecture
     */
    public static Architecture vit(int dModel, int heads, int layers, int mlpHidden, ImageSpec image) {
        return new Architecture(dModel, heads, layers, mlpHidden, false, image.patchCount() + 1, image, null, null);
    }

    /**
     * A causal LM architecture whose tokenizer is stored as {@code tokenizer.json}.
     *
     * @return the architecture
     */
    public static Architecture causalLm(int dModel, int heads, int layers, int mlpHidden, int seqLen, int vocabSize) {
        return new Architecture(dModel, heads, layers, mlpHidden, true, seqLen, null, vocabSize, "tokenizer.json");
    }
}
