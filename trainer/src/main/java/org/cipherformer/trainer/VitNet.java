package org.cipherformer.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

import java.util.Map;
import java.util.Random;

/**
 * Vision transformer of the model format: patch embedding, class token at position 0, learned position embeddings,
 * pre-LN blocks, final LN, linear head on the class token.
 */
public final class VitNet {
    public final NetShape shape;
    public final int patchPixels;

    public VitNet(NetShape shape, int patchPixels) {
        this.shape = shape;
        this.patchPixels = patchPixels;
    }

    /** Creates the weights (tensor names of the model format) from a seeded generator. */
    public ParameterSet initialize(ParameterSet params, long seed) {
        Random r = new Random(seed);
        int d = shape.dModel();
        params.add("patch_embed.weight", r, 1.0 / Math.sqrt(patchPixels), d, patchPixels);
        params.add("patch_embed.bias", r, 0, d);
        // unit-variance class token: the first LayerNorm sees a variance inside the polynomial's domain from step 0
        params.add("cls_token", r, 1.0, d);
        params.add("pos_embed", r, 0.5, shape.seqLen(), d);
        Blocks.initialize(params, r, shape);
        params.add("head.weight", r, 1.0 / Math.sqrt(d), shape.outputs(), d);
        params.add("head.bias", r, 0, shape.outputs());
        return params;
    }

    /**
     * Logits [B, classes] for patches [B, patches, patchPixels] (already normalized and in patch order).
     */
    public NDArray forward(TransformerOps ops, Map<String, NDArray> p, NDArray patches) {
        long batch = patches.getShape().get(0);
        int d = shape.dModel();
        NDArray e = TransformerOps.linear(patches, p.get("patch_embed.weight"), p.get("patch_embed.bias"));
        NDArray cls = p.get("cls_token").reshape(1, 1, d).broadcast(batch, 1, d);
        NDArray x = NDArrays.concat(new NDList(cls, e), 1).add(p.get("pos_embed"));
        for (int i = 0; i < shape.layers(); i++) {
            x = ops.block(i, x, p);
        }
        x = ops.layerNorm("final_ln", x, p.get("final_ln.weight"), p.get("final_ln.bias"));
        NDArray first = x.get(new NDIndex(":, 0, :"));
        return TransformerOps.linear(first, p.get("head.weight"), p.get("head.bias"));
    }
}
