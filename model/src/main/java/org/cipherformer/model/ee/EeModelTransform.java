package org.cipherformer.model.ee;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cipherformer.model.format.Architecture;
import org.cipherformer.model.format.EquivariantSpec;
import org.cipherformer.model.format.ModelConfig;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.Task;
import org.cipherformer.model.format.Tensor;

/**
 * The key holder's step of EE mode: rewrites a model's weights under the key's permutations so that the transformed
 * model, fed permuted inputs, gives permuted outputs that un-permute to exactly the original outputs (up to the
 * order of floating-point sums). Only entries move; no value changes, so float32 weights stay bit-exact.
 *
 * <p>With permutations in source form ({@code x'[i] = x[s(i)]}), a linear layer {@code y = W x + b} whose input is
 * permuted by {@code I} and output by {@code O} becomes {@code W'[i][j] = W[O.s(i)][I.s(j)]}, {@code b'[i] =
 * b[O.s(i)]}. Per layer, with {@code R} the residual permutation:
 * <ul>
 * <li>LayerNorm gains and biases: {@code R} (mean and variance over features do not depend on their order, and the
 * affine part is element-wise), for the HE-friendly LayerNorm as for the exact one;</li>
 * <li>Q, K: input {@code R}, output {@link EePermutations#queryKeyWide} (heads permuted, the same dimension
 * permutation for Q and K within a head: scores and hence softmax / Power-Softmax are unchanged);</li>
 * <li>V: input {@code R}, output {@link EePermutations#valueOutWide}; output projection: input that same map,
 * output {@code R};</li>
 * <li>MLP: fc1 input {@code R}, output the layer's hidden permutation {@code M}; fc2 input {@code M}, output
 * {@code R} (the activation, polynomial or GELU, is element-wise).</li>
 * </ul>
 * ViT: {@code patch_embed} columns by the patch-pixel permutation, rows by {@code R}; {@code cls_token} by {@code R};
 * {@code pos_embed} row 0 (class token) stays, row {@code 1 + t} takes original row {@code 1 + positions.s(t)}, columns
 * by {@code R} (a ViT's attention is not causal, so the order of patch tokens does not matter once each carries its
 * own position embedding); the head: input {@code R}, output the class permutation. LM: {@code tok_embed} rows by
 * the vocabulary permutation (special tokens too), columns by {@code R}; {@code pos_embed} columns by {@code R}
 * (positions are not permuted: the mask is causal); {@code lm_head}: input {@code R}, output the vocabulary
 * permutation.
 *
 * <p>The transformed config keeps architecture and components, gains {@code "equivariant"} (scheme and public key
 * id) and, for an LM, loses its tokenizer: the word list ordered by permuted id would be the key itself.
 */
public final class EeModelTransform {
    private EeModelTransform() {
    }

    /**
     * Transforms a loaded model.
     *
     * @param model an untransformed model
     * @param key   the EE key
     * @return the transformed model (config with {@code equivariant}, no tokenizer)
     * @throws IllegalArgumentException if the model is already transformed
     */
    public static ModelDirectory.Model transform(ModelDirectory.Model model, EeKey key) {
        ModelConfig c = model.config();
        if (c.equivariant() != null) {
            throw new IllegalArgumentException("model " + c.name() + " is already EE-transformed (key id "
                    + c.equivariant().keyId() + "); transform the original model");
        }
        EePermutations p = EePermutations.derive(key, c);
        Architecture a = c.architecture();
        Permutation r = p.residual();
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (c.task() == Task.IMAGE_CLASSIFICATION) {
            out.put("patch_embed.weight", matrix(model, "patch_embed.weight", r, p.patchPixels()));
            out.put("patch_embed.bias", vector(model, "patch_embed.bias", r));
            out.put("cls_token", vector(model, "cls_token", r));
            out.put("pos_embed", matrix(model, "pos_embed", withClassTokenFixed(p.patchPositions()), r));
        } else {
            out.put("tok_embed.weight", matrix(model, "tok_embed.weight", p.vocab(), r));
            out.put("pos_embed", matrix(model, "pos_embed", Permutation.identity(a.seqLen()), r));
        }
        for (int l = 0; l < a.layers(); l++) {
            String n = "layers." + l + ".";
            Permutation qk = p.queryKeyWide(l);
            Permutation vo = p.valueOutWide(l);
            out.put(n + "ln1.weight", vector(model, n + "ln1.weight", r));
            out.put(n + "ln1.bias", vector(model, n + "ln1.bias", r));
            linear(model, out, n + "attn.q", qk, r);
            linear(model, out, n + "attn.k", qk, r);
            linear(model, out, n + "attn.v", vo, r);
            linear(model, out, n + "attn.out", r, vo);
            out.put(n + "ln2.weight", vector(model, n + "ln2.weight", r));
            out.put(n + "ln2.bias", vector(model, n + "ln2.bias", r));
            linear(model, out, n + "mlp.fc1", p.mlp(l), r);
            linear(model, out, n + "mlp.fc2", r, p.mlp(l));
        }
        out.put("final_ln.weight", vector(model, "final_ln.weight", r));
        out.put("final_ln.bias", vector(model, "final_ln.bias", r));
        if (c.task() == Task.IMAGE_CLASSIFICATION) {
            linear(model, out, "head", p.classes(), r);
        } else {
            linear(model, out, "lm_head", p.vocab(), r);
        }
        Architecture ta = c.task() == Task.CAUSAL_LM
                ? new Architecture(a.dModel(), a.heads(), a.layers(), a.mlpHidden(), a.causal(), a.seqLen(), null,
                a.vocabSize(), null)
                : a;
        ModelConfig tc = new ModelConfig(c.name(), c.task(), c.variant(), ta, c.components(), c.training(),
                new EquivariantSpec(EquivariantSpec.SCHEME_V1, key.keyId()));
        return new ModelDirectory.Model(tc, out, null);
    }

    /**
     * Loads a model directory, transforms it and writes the result (config.json + model.safetensors only).
     *
     * @param modelDir the original model directory
     * @param key      the EE key
     * @param outDir   destination; must not exist or be empty
     * @return the transformed model
     * @throws IllegalArgumentException if outDir is a non-empty directory or the model is already transformed
     * @throws IOException              if loading or writing fails
     */
    public static ModelDirectory.Model transform(Path modelDir, EeKey key, Path outDir) throws IOException {
        if (Files.exists(outDir)) {
            if (!Files.isDirectory(outDir)) {
                throw new IllegalArgumentException(outDir + " exists and is not a directory");
            }
            try (var entries = Files.list(outDir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(outDir + " is not empty: refusing to overwrite a model");
                }
            }
        }
        ModelDirectory.Model t = transform(ModelDirectory.load(modelDir), key);
        ModelDirectory.write(outDir, t.config(), t.weights(), null,
                Map.of("format", "cipherformer-model", "equivariant", EquivariantSpec.SCHEME_V1));
        return t;
    }

    /** Patch positions {@code t} become token rows {@code 1 + t}; row 0 (the class token) stays first. */
    private static Permutation withClassTokenFixed(Permutation positions) {
        int[] s = new int[positions.size() + 1];
        for (int t = 0; t < positions.size(); t++) {
            s[t + 1] = positions.source(t) + 1;
        }
        return new Permutation(s);
    }

    private static void linear(ModelDirectory.Model m, Map<String, Tensor> out, String prefix, Permutation rows,
                               Permutation cols) {
        out.put(prefix + ".weight", matrix(m, prefix + ".weight", rows, cols));
        out.put(prefix + ".bias", vector(m, prefix + ".bias", rows));
    }

    /** {@code W'[i][j] = W[rows.s(i)][cols.s(j)]}. */
    private static Tensor matrix(ModelDirectory.Model m, String name, Permutation rows, Permutation cols) {
        Tensor t = m.tensor(name);
        int nr = t.dim(0);
        int nc = t.dim(1);
        if (rows.size() != nr || cols.size() != nc) {
            throw new IllegalStateException("tensor " + name + " is " + nr + "x" + nc + ", permutations "
                    + rows.size() + "x" + cols.size());
        }
        double[] d = t.data();
        double[] o = new double[d.length];
        for (int i = 0; i < nr; i++) {
            int si = rows.source(i) * nc;
            for (int j = 0; j < nc; j++) {
                o[i * nc + j] = d[si + cols.source(j)];
            }
        }
        return new Tensor(t.dtype(), t.shape(), o);
    }

    private static Tensor vector(ModelDirectory.Model m, String name, Permutation p) {
        Tensor t = m.tensor(name);
        return new Tensor(t.dtype(), t.shape(), p.permute(t.data()));
    }
}
