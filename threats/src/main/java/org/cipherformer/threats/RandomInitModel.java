package org.cipherformer.threats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.cipherformer.model.format.DType;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.Tensor;

/**
 * A freshly initialised, untrained model of a given architecture: the reference of an attacker who knows the shapes
 * (a server sees them) but holds no related weights at all. Initialisation follows PyTorch's defaults, which the
 * project's trainer (DJL on PyTorch) starts from: a linear layer's weight and bias uniform in
 * {@code [-1/sqrt(fan_in), 1/sqrt(fan_in)]}, token embeddings N(0, 1), position embeddings and the class token
 * N(0, 0.02) (the ViT/GPT-2 convention), LayerNorm gains 1 and biases 0. Values are rounded to the tensor's dtype.
 */
final class RandomInitModel {
    /** Standard deviation of position embeddings and the class token. */
    static final double SMALL_STD = 0.02;

    private RandomInitModel() {
    }

    /**
     * @param like a model whose configuration, tensor names, shapes, dtypes and tokenizer are copied (its values are
     *             not read)
     * @param seed the attacker's seed (not key material: this model is public)
     * @return the untrained model
     */
    static ModelDirectory.Model of(ModelDirectory.Model like, long seed) {
        Random rnd = new Random(seed);
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : like.weights().entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            double[] data = new double[t.size()];
            boolean norm = name.endsWith("ln1.weight") || name.endsWith("ln2.weight") || name.startsWith("final_ln.")
                    || name.endsWith("ln1.bias") || name.endsWith("ln2.bias");
            for (int i = 0; i < data.length; i++) {
                double x;
                if (norm) {
                    x = name.endsWith(".weight") ? 1 : 0;
                } else if (name.equals("tok_embed.weight")) {
                    x = rnd.nextGaussian();
                } else if (name.equals("pos_embed") || name.equals("cls_token")) {
                    x = SMALL_STD * rnd.nextGaussian();
                } else {
                    // linear weight [out][in] or bias [out]: fan_in is the weight's column count
                    int fanIn = like.tensor(name.endsWith(".bias") ? name.replace(".bias", ".weight") : name).dim(1);
                    double bound = 1 / Math.sqrt(fanIn);
                    x = bound * (2 * rnd.nextDouble() - 1);
                }
                data[i] = t.dtype() == DType.F32 ? (float) x : x;
            }
            w.put(name, new Tensor(t.dtype(), t.shape(), data));
        }
        return new ModelDirectory.Model(like.config(), w, like.tokenizer());
    }
}
