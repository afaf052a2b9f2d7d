package org.cipherformer.model.format;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensor names and shapes a configuration requires in model.safetensors (docs/model-format.md). Linear layers
 * store {@code W} as {@code [out, in]} and compute {@code y = x W^T + b}.
 */
public final class TensorLayout {
    private TensorLayout() {
    }

    /**
     * @param config a model configuration
     * @return name to shape, in a stable order (input embedding, blocks, final LN, head)
     */
    public static Map<String, int[]> expectedShapes(ModelConfig config) {
        Architecture a = config.architecture();
        int d = a.dModel();
        Map<String, int[]> s = new LinkedHashMap<>();
        if (config.task() == Task.IMAGE_CLASSIFICATION) {
            ImageSpec im = a.image();
            s.put("patch_embed.weight", new int[] {d, im.patchDim()});
            s.put("patch_embed.bias", new int[] {d});
            s.put("cls_token", new int[] {d});
            s.put("pos_embed", new int[] {a.seqLen(), d});
        } else {
            s.put("tok_embed.weight", new int[] {a.vocabSize(), d});
            s.put("pos_embed", new int[] {a.seqLen(), d});
        }
        for (int i = 0; i < a.layers(); i++) {
            String p = "layers." + i + ".";
            s.put(p + "ln1.weight", new int[] {d});
            s.put(p + "ln1.bias", new int[] {d});
            for (String proj : new String[] {"q", "k", "v", "out"}) {
                s.put(p + "attn." + proj + ".weight", new int[] {d, d});
                s.put(p + "attn." + proj + ".bias", new int[] {d});
            }
            s.put(p + "ln2.weight", new int[] {d});
            s.put(p + "ln2.bias", new int[] {d});
            s.put(p + "mlp.fc1.weight", new int[] {a.mlpHidden(), d});
            s.put(p + "mlp.fc1.bias", new int[] {a.mlpHidden()});
            s.put(p + "mlp.fc2.weight", new int[] {d, a.mlpHidden()});
            s.put(p + "mlp.fc2.bias", new int[] {d});
        }
        s.put("final_ln.weight", new int[] {d});
        s.put("final_ln.bias", new int[] {d});
        if (config.task() == Task.IMAGE_CLASSIFICATION) {
            s.put("head.weight", new int[] {a.image().numClasses(), d});
            s.put("head.bias", new int[] {a.image().numClasses()});
        } else {
            s.put("lm_head.weight", new int[] {a.vocabSize(), d});
            s.put("lm_head.bias", new int[] {a.vocabSize()});
        }
        return Collections.unmodifiableMap(s);
    }
}
