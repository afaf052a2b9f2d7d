package org.cipherformer.model.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cipherformer.model.format.DType;
import org.cipherformer.model.format.ModelConfig;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.Tensor;
import org.cipherformer.model.format.Variant;
import org.cipherformer.model.testing.TestModels;
import org.cipherformer.model.tokenizer.WordTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LanguageModelReportTest {

    @Test
    void sequenceIdsAddBosEosAndTruncate() {
        WordTokenizer tok = TestModels.tokenizer();
        int the = tok.id("the");
        int cat = tok.id("cat");
        assertArrayEquals(new int[] {2, the, cat, 3}, LanguageModelReport.sequenceIds(tok, "the cat", 6));
        assertArrayEquals(new int[] {2, the, cat}, LanguageModelReport.sequenceIds(tok, "the cat", 3));
        assertArrayEquals(new int[] {2, 3}, LanguageModelReport.sequenceIds(tok, "", 6));
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
        LanguageModelReport.Evaluation e = LanguageModelReport.evaluate(tmp,
                List.of("the cat sat", "", "a dog"), 10);
        assertEquals(4 + 3, e.predictions()); // [bos the cat sat eos] -> 4, [bos a dog eos] -> 3
        assertEquals(Math.log(v), e.meanLoss(), 1e-12);
        assertEquals(v, e.perplexity(), 1e-9);
        // all logits tie: argmax is id 0 (<pad>), never a target
        assertEquals(0, e.correct());
        assertEquals(4, LanguageModelReport.evaluate(tmp, List.of("the cat sat", "a dog"), 1).predictions(), "limit 1");
    }

    @Test
    void rejectsImageModels(@TempDir Path tmp) throws Exception {
        ModelConfig cfg = TestModels.vit(Variant.ORIGINAL);
        ModelDirectory.write(tmp, cfg, TestModels.randomWeights(cfg, 1, DType.F32), null, Map.of());
        assertThrows(IllegalArgumentException.class, () -> LanguageModelReport.evaluate(tmp, List.of("x"), 1));
    }
}
