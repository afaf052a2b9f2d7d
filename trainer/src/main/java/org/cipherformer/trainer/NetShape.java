package org.cipherformer.trainer;

/**
 * Sizes of a pre-LN transformer of the model format.
 *
 * @param seqLen ViT: patches + class token; LM: maximum context
 * @param outputs ViT: number of classes; LM: vocabulary size
 */
public record NetShape(int dModel, int heads, int layers, int mlpHidden, int seqLen, int outputs) {
    public NetShape {
        if (dModel <= 0 || heads <= 0 || dModel % heads != 0) {
            throw new IllegalArgumentException("d_model " + dModel + " must be a positive multiple of heads " + heads);
        }
        if (layers <= 0 || mlpHidden <= 0 || seqLen <= 0 || outputs <= 0) {
            throw new IllegalArgumentException("sizes must be positive: layers=" + layers + " mlp_hidden=" + mlpHidden
                    + " seq_len=" + seqLen + " outputs=" + outputs);
        }
    }
}
