package org.cipherformer.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

import java.util.Map;
import java.util.Random;

/** Causal word-level language model of the model format: token + position embeddings, pre-LN blocks, LM head. */
public final class LmNet {
    public final NetShape shape;

    public LmNet(NetShape shape) {
        this.shape = shape;
    }

    public ParameterSet initialize(ParameterSet params, long seed) {
        Random r = new Random(seed);
        int d = shape.dModel();
        // unit-variance embeddings keep the first LayerNorm's variance inside the polynomial's domain
        params.add("tok_embed.weight", r, 1.0, shape.outputs(), d);
        params.add("pos_embed", r, 0.5, shape.seqLen(), d);
        Blocks.initialize(params, r, shape);
        params.add("lm_head.weight", r, 1.0 / Math.sqrt(d), shape.outputs(), d);
        params.add("lm_head.bias", r, 0, shape.outputs());
        return params;
    }

    /** Logits [B, T, vocab] for token ids [B, T] (int32 or int64), T at most seq_len. */
    public NDArray forward(TransformerOps ops, Map<String, NDArray> p, NDArray ids) {
        long tokens = ids.getShape().get(1);
        if (tokens > shape.seqLen()) {
            throw new IllegalArgumentException("context " + tokens + " exceeds seq_len " + shape.seqLen());
        }
        NDArray x = p.get("tok_embed.weight").get(new NDIndex("{}", ids));
        x = x.add(p.get("pos_embed").get(new NDIndex("0:{}", tokens)));
        for (int i = 0; i < shape.layers(); i++) {
            x = ops.block(i, x, p);
        }
        x = ops.layerNorm("final_ln", x, p.get("final_ln.weight"), p.get("final_ln.bias"));
        return TransformerOps.linear(x, p.get("lm_head.weight"), p.get("lm_head.bias"));
    }
}
