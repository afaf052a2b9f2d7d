package org.cipherformer.model.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.cipherformer.model.format.DType;
import org.cipherformer.model.format.ModelConfig;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.Tensor;
import org.cipherformer.model.format.Variant;
import org.cipherformer.model.poly.RangeMonitor;
import org.cipherformer.model.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LanguageModelReportTest {

    private static int[] randomStream(int n, int vocab, long seed) {
        Random rnd = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rnd.nextInt(vocab);
        }
        return ids;
    }

    @Test
    void uniformModelHasPerplexityEqualToVocabSize(@TempDir Path tmp) throws Exception {
        // lm_head all zero: every logit 0, so each prediction costs ln(V) nats and perplexity is exactly V.
        ModelConfig cfg = TestModels.lm(Variant.ORIGINAL);
        int v = cfg.architecture().vocabSize();
        Map<String, Tensor> w = new LinkedHashMap<>(TestModels.randomWeights(cfg, 3, DType.F32));
        w.put("lm_head.weight", new Tensor(DType.F32, new int[] {v, 8}, new double[v * 8]));
        w.put("lm_head.bias", new Tensor(DType.F32, new int[] {v}, new double[v]));
        ModelDirectory.write(tmp, cfg, w, TestModels.tokenizer(), Map.of());
        // context 6: 20 tokens hold (20 - 1) / 6 = 3 windows = 18 predictions
        LanguageModelReport.Evaluation e = LanguageModelReport.evaluate(tmp, randomStream(20, v, 1),
                Integer.MAX_VALUE, 1, null);
        assertEquals(3, e.windows());
        assertEquals(18, e.predictions());
        assertEquals(Math.log(v), e.meanLoss(), 1e-12);
        assertEquals(v, e.perplexity(), 1e-9);
        assertEquals(1, LanguageModelReport.evaluate(tmp, randomStream(20, v, 1), 12, 1, null).windows(), "limit 12");
        assertTrue(Double.isNaN(LanguageModelReport.evaluate(tmp, new int[6], 100, 1, null).perplexity()),
                "no whole window: no perplexity");
    }

    @Test
    void perplexityIsExpOfMeanNllOverTheWindowsComputedIndependently(@TempDir Path tmp) throws Exception {
        ModelConfig cfg = TestModels.lm(Variant.POLYNOMIAL);
        int v = cfg.architecture().vocabSize();
        ModelDirectory.write(tmp, cfg, TestModels.randomWeights(cfg, 11, DType.F32), TestModels.tokenizer(), Map.of());
        int[] ids = randomStream(27, v, 2); // context 6: windows start at 0, 6, 12, 18; ids[25..26] unused
        ReferenceModel ref = ReferenceModel.load(tmp);
        double nll = 0;
        int count = 0;
        for (int start = 0; start + 6 < ids.length; start += 6) {
            int[] in = java.util.Arrays.copyOfRange(ids, start, start + 6);
            double[][] logits = ref.languageModel(in).logits();
            for (int t = 0; t < 6; t++) {
                double z = 0;
                for (double l : logits[t]) {
                    z += Math.exp(l);
                }
                nll += Math.log(z) - logits[t][ids[start + t + 1]];
                count++;
            }
        }
        assertEquals(24, count);
        LanguageModelReport.Evaluation e = LanguageModelReport.evaluate(tmp, ids, Integer.MAX_VALUE, 1, null);
        assertEquals(count, e.predictions());
        assertEquals(Math.exp(nll / count), e.perplexity(), 1e-10 * e.perplexity());
        // every polynomial input was recorded: one variance per position and LayerNorm, one denominator per row,
        // head and layer, one activation input per hidden unit
        RangeMonitor ln = e.ranges().get("layers.1.ln2.inv_sqrt");
        assertEquals(24, ln.count());
        assertEquals(24L * cfg.architecture().heads(), e.ranges().get("layers.0.attn.inverse").count());
        assertEquals(24L * cfg.architecture().mlpHidden(), e.ranges().get("layers.1.mlp.activation").count());

        LanguageModelReport.Evaluation threaded = LanguageModelReport.evaluate(tmp, ids, Integer.MAX_VALUE, 3, null);
        assertEquals(e.totalLoss(), threaded.totalLoss(), 0.0, "same bits on 3 threads");
        assertEquals(e.ranges().toString(), threaded.ranges().toString());
    }

    @Test
    void crossEntropyDoesNotOverflow() {
        assertEquals(Math.log(2), LanguageModelReport.crossEntropy(new double[] {1000, 1000}, 1), 1e-12);
        assertEquals(2000, LanguageModelReport.crossEntropy(new double[] {1000, -1000}, 1), 1e-9);
    }

    @Test
    void rejectsImageModelsAndNegativeLimits(@TempDir Path tmp) throws Exception {
        ModelConfig cfg = TestModels.vit(Variant.ORIGINAL);
        ModelDirectory.write(tmp, cfg, TestModels.randomWeights(cfg, 1, DType.F32), null, Map.of());
        assertThrows(IllegalArgumentException.class,
                () -> LanguageModelReport.evaluate(tmp, new int[10], 10, 1, null));
        assertThrows(IllegalArgumentException.class,
                () -> LanguageModelReport.evaluate(tmp, new int[10], -1, 1, null));
    }
}
