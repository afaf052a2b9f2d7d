package org.cipherformer.model.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.format.LayerNormSpec;
import org.cipherformer.model.poly.ExactLayerNorm;
import org.cipherformer.model.poly.PolyLayerNorm;
import org.junit.jupiter.api.Test;

/**
 * The residual-stream hooks on the shipped LMs: the last stream, put through the final LayerNorm and lm_head here,
 * gives {@link ReferenceModel#lmLogits}; stream 0 is the embedding sum; the key/value-cached one-token evaluation
 * equals the full pass at every position and depth.
 */
class ResidualStreamTest {
    static final Path MODELS = RepoPaths.root().resolve("models");

    @Test
    void polynomialLm() throws Exception {
        check(ReferenceModel.load(MODELS.resolve("tiny-lm")));
    }

    @Test
    void originalLm() throws Exception {
        check(ReferenceModel.load(MODELS.resolve("tiny-lm-original")));
    }

    private static void check(ReferenceModel m) {
        var a = m.config().architecture();
        int[] tokens = new Random(11).ints(a.seqLen(), 0, a.vocabSize()).toArray();
        tokens[0] = 1;
        double[][][] streams = m.lmResidualStreams(tokens);
        assertEquals(a.layers() + 1, streams.length);

        // stream 0: tok_embed + pos_embed
        double[][] emb = m.tensor("tok_embed.weight").toMatrix();
        double[][] pos = m.tensor("pos_embed").toMatrix();
        for (int t = 0; t < tokens.length; t++) {
            for (int i = 0; i < a.dModel(); i++) {
                assertEquals(emb[tokens[t]][i] + pos[t][i], streams[0][t][i], 0.0);
            }
        }

        // last stream -> final LN -> lm_head = logits
        double[][] logits = m.lmLogits(tokens, new org.cipherformer.model.poly.RangeReport());
        double[] g = m.tensor("final_ln.weight").data();
        double[] b = m.tensor("final_ln.bias").data();
        double[][] w = m.tensor("lm_head.weight").toMatrix();
        double[] hb = m.tensor("lm_head.bias").data();
        LayerNormSpec ln = m.config().components().layerNorm();
        double maxDiff = 0;
        for (int t = 0; t < tokens.length; t++) {
            double[] h = ln instanceof LayerNormSpec.Polynomial p
                    ? new PolyLayerNorm(p).apply(streams[a.layers()][t], g, b, null)
                    : new ExactLayerNorm(((LayerNormSpec.Exact) ln).eps()).apply(streams[a.layers()][t], g, b);
            for (int o = 0; o < w.length; o++) {
                double s = hb[o];
                for (int i = 0; i < h.length; i++) {
                    s += w[o][i] * h[i];
                }
                maxDiff = Math.max(maxDiff, Math.abs(s - logits[t][o]));
            }
        }
        assertTrue(maxDiff < 1e-12, "final stream does not reproduce the logits: max diff " + maxDiff);

        // the blocks change the stream (a hook returning copies of stream 0 would fail here)
        assertTrue(!Arrays.equals(streams[0][3], streams[1][3]) && !Arrays.equals(streams[1][3], streams[2][3]));

        // cached one-token evaluation = full pass, every position, every depth
        for (int p = 0; p < tokens.length; p++) {
            ReferenceModel.LmPrefix prefix = m.lmPrefix(Arrays.copyOf(tokens, p));
            assertEquals(p, prefix.length());
            for (int layers = 0; layers <= a.layers(); layers++) {
                double[][] next = m.lmNextResiduals(prefix, tokens[p], layers);
                assertEquals(layers + 1, next.length);
                for (int l = 0; l <= layers; l++) {
                    for (int i = 0; i < a.dModel(); i++) {
                        assertEquals(streams[l][p][i], next[l][i], 1e-12, "position " + p + " layer " + l);
                    }
                }
            }
        }

        // bad input
        ReferenceModel.LmPrefix full = m.lmPrefix(Arrays.copyOf(tokens, a.seqLen() - 1));
        assertThrows(IllegalArgumentException.class, () -> m.lmNextResiduals(full, a.vocabSize(), 1));
        assertThrows(IllegalArgumentException.class, () -> m.lmNextResiduals(full, 0, a.layers() + 1));
        assertThrows(IllegalArgumentException.class, () -> m.lmPrefix(new int[a.seqLen()]));
        assertThrows(IllegalArgumentException.class, () -> m.lmResidualStreams(new int[] {-1}));
    }

    @Test
    void rejectsAForeignPrefixAndAVit() throws Exception {
        ReferenceModel lm = ReferenceModel.load(MODELS.resolve("tiny-lm"));
        ReferenceModel other = ReferenceModel.load(MODELS.resolve("tiny-lm-original"));
        ReferenceModel.LmPrefix p = lm.lmPrefix(new int[] {1, 5});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> other.lmNextResiduals(p, 3, 1));
        assertTrue(e.getMessage().contains("another model"), e.getMessage());
        ReferenceModel vit = ReferenceModel.load(MODELS.resolve("vit-fmnist"));
        assertThrows(IllegalStateException.class, () -> vit.lmResidualStreams(new int[] {1}));
        assertThrows(IllegalStateException.class, () -> vit.lmPrefix(new int[] {1}));
    }
}
