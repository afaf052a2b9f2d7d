package org.cipherformer.model.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.format.DType;
import org.cipherformer.model.format.ModelConfig;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.ModelFormatException;
import org.cipherformer.model.format.SafeTensors;
import org.cipherformer.model.format.Task;
import org.cipherformer.model.format.Tensor;
import org.cipherformer.model.format.Variant;
import org.cipherformer.model.testing.TestModels;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java reference must reproduce the trainer's logits (reference-logits.safetensors) for every model shipped under
 * models/, to 1e-4. Also checks the checker itself on a model written here.
 */
class ShippedModelsAgreementTest {

    @Test
    void everyShippedModelAgreesWithItsTrainerLogits() throws Exception {
        Path root = RepoPaths.root();
        Path models = root.resolve("models");
        List<Path> dirs = new ArrayList<>();
        if (Files.isDirectory(models)) {
            try (Stream<Path> s = Files.list(models)) {
                s.filter(d -> Files.isRegularFile(d.resolve(ModelDirectory.CONFIG))).sorted().forEach(dirs::add);
            }
        }
        Assumptions.assumeFalse(dirs.isEmpty(),
                "no trained model under models/ yet (no models/*/config.json): nothing to compare");
        List<String> failures = new ArrayList<>();
        for (Path d : dirs) {
            if (!Files.isRegularFile(d.resolve(ReferenceLogitsCheck.FILE))) {
                failures.add(root.relativize(d) + ": no " + ReferenceLogitsCheck.FILE);
                continue;
            }
            ReferenceLogitsCheck.Outcome o = ReferenceLogitsCheck.run(d, root);
            System.out.printf("%s: %d logits, max |diff| %.3g at %s%n", root.relativize(d), o.compared(),
                    o.maxAbsDiff(), o.worstEntry());
            if (!o.agrees() || o.compared() == 0) {
                failures.add(root.relativize(d) + ": max |logit diff| " + o.maxAbsDiff() + " at " + o.worstEntry()
                        + " exceeds " + ReferenceLogitsCheck.TOLERANCE);
            }
        }
        if (!failures.isEmpty()) {
            fail(String.join("\n", failures));
        }
    }

    @Test
    void checkerAcceptsExactLogitsAndCatchesWrongOnes(@TempDir Path tmp) throws Exception {
        Path root = RepoPaths.root();
        ModelConfig cfg = new ModelConfig("fm", Task.IMAGE_CLASSIFICATION, Variant.POLYNOMIAL,
                org.cipherformer.model.format.Architecture.vit(8, 2, 1, 16,
                        new org.cipherformer.model.format.ImageSpec(28, 28, 1, 7, true, 10, 0.286, 0.353)),
                TestModels.polynomialComponents(), Map.of());
        Path dir = tmp.resolve("fm");
        ModelDirectory.write(dir, cfg, TestModels.randomWeights(cfg, 77, DType.F32), null, Map.of());
        ReferenceModel ref = ReferenceModel.load(dir);
        FashionMnist.Samples s = FashionMnist.shippedSamples(root);
        double[][] logits = new double[s.size()][];
        for (int i = 0; i < s.size(); i++) {
            logits[i] = ref.classify(s.image(i)).logits()[0];
        }
        SafeTensors.write(dir.resolve(ReferenceLogitsCheck.FILE),
                Map.of("logits", Tensor.ofMatrix(DType.F64, logits)), Map.of());
        ReferenceLogitsCheck.Outcome ok = ReferenceLogitsCheck.run(dir, root);
        assertEquals(640, ok.compared());
        assertEquals(0.0, ok.maxAbsDiff());
        assertTrue(ok.agrees());

        logits[5][3] += 2e-4;
        SafeTensors.write(dir.resolve(ReferenceLogitsCheck.FILE),
                Map.of("logits", Tensor.ofMatrix(DType.F64, logits)), Map.of());
        ReferenceLogitsCheck.Outcome bad = ReferenceLogitsCheck.run(dir, root);
        assertTrue(!bad.agrees());
        assertEquals("logits[5][3]", bad.worstEntry());

        SafeTensors.write(dir.resolve(ReferenceLogitsCheck.FILE),
                Map.of("logits", Tensor.ofMatrix(DType.F64, new double[][] {{1, 2}})), Map.of());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ReferenceLogitsCheck.run(dir, root));
        assertTrue(e.getMessage().contains("[1, 2], expected [64, 10]"), e.getMessage());
    }

    @Test
    void lmCheckerUsesBosPromptIdsAndPadding(@TempDir Path tmp) throws Exception {
        Path root = RepoPaths.root();
        ModelConfig cfg = TestModels.lm(Variant.POLYNOMIAL);
        Path dir = tmp.resolve("lm");
        ModelDirectory.write(dir, cfg, TestModels.randomWeights(cfg, 78, DType.F32), TestModels.tokenizer(), Map.of());
        ReferenceModel ref = ReferenceModel.load(dir);
        List<String> prompts = ReferenceLogitsCheck.prompts(root);
        int seq = cfg.architecture().seqLen();
        int vocab = cfg.architecture().vocabSize();
        double[] last = new double[prompts.size() * vocab];
        double[] full = new double[prompts.size() * seq * vocab];
        for (int p = 0; p < prompts.size(); p++) {
            int[] ids = ReferenceLogitsCheck.promptIds(ref.model().tokenizer(), prompts.get(p), seq);
            assertEquals(2, ids[0], "starts with <bos>");
            assertTrue(ids.length <= seq);
            double[][] l = ref.languageModel(ids).logits();
            System.arraycopy(l[ids.length - 1], 0, last, p * vocab, vocab);
            double[][] f = ref.languageModel(java.util.Arrays.copyOf(ids, seq)).logits();
            for (int t = 0; t < seq; t++) {
                System.arraycopy(f[t], 0, full, (p * seq + t) * vocab, vocab);
            }
        }
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("logits_last", new Tensor(DType.F64, new int[] {prompts.size(), vocab}, last));
        t.put("logits", new Tensor(DType.F64, new int[] {prompts.size(), seq, vocab}, full));
        SafeTensors.write(dir.resolve(ReferenceLogitsCheck.FILE), t, Map.of());
        ReferenceLogitsCheck.Outcome o = ReferenceLogitsCheck.run(dir, root);
        assertEquals((long) prompts.size() * vocab * (seq + 1), o.compared());
        assertEquals(0.0, o.maxAbsDiff());

        t.put("extra", new Tensor(DType.F32, new int[] {1}, new double[] {0}));
        SafeTensors.write(dir.resolve(ReferenceLogitsCheck.FILE), t, Map.of());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ReferenceLogitsCheck.run(dir, root));
        assertTrue(e.getMessage().contains("unexpected tensor \"extra\""), e.getMessage());
    }
}
