package org.cipherformer.model.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.format.Architecture;
import org.cipherformer.model.format.DType;
import org.cipherformer.model.format.ImageSpec;
import org.cipherformer.model.format.ModelConfig;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.Task;
import org.cipherformer.model.format.Tensor;
import org.cipherformer.model.format.Variant;
import org.cipherformer.model.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccuracyReportTest {

    @Test
    void countsCorrectPredictionsOfAModelWithKnownAnswers(@TempDir Path tmp) throws Exception {
        // A model whose head ignores the input and always prefers class 3: accuracy = share of label 3.
        ModelConfig cfg = new ModelConfig("const3", Task.IMAGE_CLASSIFICATION, Variant.ORIGINAL,
                Architecture.vit(8, 2, 1, 16, new ImageSpec(28, 28, 1, 7, true, 10, 0.286, 0.353)),
                TestModels.originalComponents(), Map.of());
        Map<String, Tensor> w = new java.util.LinkedHashMap<>(TestModels.randomWeights(cfg, 1, DType.F32));
        w.put("head.weight", new Tensor(DType.F32, new int[] {10, 8}, new double[80]));
        double[] bias = new double[10];
        bias[3] = 1;
        w.put("head.bias", new Tensor(DType.F32, new int[] {10}, bias));
        Path dir = tmp.resolve("const3");
        ModelDirectory.write(dir, cfg, w, null, Map.of());
        FashionMnist.Samples s = FashionMnist.shippedSamples(RepoPaths.root());
        int threes = 0;
        for (int y : s.labels()) {
            threes += y == 3 ? 1 : 0;
        }
        AccuracyReport.Evaluation e = AccuracyReport.evaluate(dir, s, 64);
        assertEquals(64, e.total());
        assertEquals(threes, e.correct());
        assertEquals(10, AccuracyReport.evaluate(dir, s, 10).total());
    }

    @Test
    void rejectsLanguageModels(@TempDir Path tmp) throws Exception {
        ModelConfig cfg = TestModels.lm(Variant.ORIGINAL);
        ModelDirectory.write(tmp, cfg, TestModels.randomWeights(cfg, 1, DType.F32), TestModels.tokenizer(), Map.of());
        FashionMnist.Samples s = FashionMnist.shippedSamples(RepoPaths.root());
        assertThrows(IllegalArgumentException.class, () -> AccuracyReport.evaluate(tmp, s, 1));
    }
}
