package org.cipherformer.trainer;

import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.format.AttentionSpec;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.SafeTensors;
import org.cipherformer.model.format.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A few real training steps of each model on a few hundred examples (DJL/PyTorch CPU, offline), then export through
 * module model's writer, load back through its loader, and agreement of the DJL float64 logits with its reference.
 */
class TrainingSmokeTest {
    @TempDir
    Path tmp;

    @Test
    void polynomialVitLearnsAndExportsAgreeingWithReference() throws Exception {
        Path ck = tmp.resolve("vit.ckpt");
        TrainVit.Result r = TrainVit.train(new Args(new String[] {"--variant", "polynomial", "--epochs", "3",
            "--batch", "32", "--train-limit", "256", "--test-limit", "200", "--seed", "3", "--checkpoint",
            ck.toString()}));
        assertTrue(r.lastLoss() < 0.85 * r.firstLoss(), "loss " + r.firstLoss() + " -> " + r.lastLoss());
        assertTrue(r.testAccuracy() > 0.3, "accuracy " + r.testAccuracy());

        Path dir = tmp.resolve("vit-fmnist");
        double diff = ExportModel.export(Checkpoint.read(ck), dir, RepoPaths.root());
        assertTrue(diff <= ExportModel.AGREEMENT, "DJL vs reference " + diff);
        ModelDirectory.Model m = ModelDirectory.load(dir);
        assertEquals(Variant.POLYNOMIAL, m.config().variant());
        assertEquals(3, ((Number) m.config().training().get("epochs")).intValue());
        assertNotNull(SafeTensors.read(dir.resolve("reference-logits.safetensors")).tensors().get("logits"));
    }

    @Test
    void originalLmLearnsAndExportsWithTokenizer() throws Exception {
        Path ck = tmp.resolve("lm.ckpt");
        TrainLm.Result r = TrainLm.train(new Args(new String[] {"--variant", "original", "--epochs", "2",
            "--batch", "16", "--context", "16", "--vocab", "300", "--train-limit-tokens", "4000", "--seed", "5",
            "--checkpoint", ck.toString()}));
        assertTrue(r.lastLoss() < 0.85 * r.firstLoss(), "loss " + r.firstLoss() + " -> " + r.lastLoss());
        assertTrue(r.validationPerplexity() < 300, "perplexity " + r.validationPerplexity());

        Path dir = tmp.resolve("tiny-lm-original");
        double diff = ExportModel.export(Checkpoint.read(ck), dir, RepoPaths.root());
        assertTrue(diff <= ExportModel.AGREEMENT, "DJL vs reference " + diff);
        ModelDirectory.Model m = ModelDirectory.load(dir);
        assertEquals(Variant.ORIGINAL, m.config().variant());
        assertEquals(300, m.tokenizer().vocabSize());
        assertNotNull(SafeTensors.read(dir.resolve("reference-logits.safetensors")).tensors().get("logits_last"));

        // the polynomial LM continued from it (a conversion), distilled from it, with another Power-Softmax eps and
        // Goldschmidt domain: the export must carry those settings and still agree with the reference
        Path poly = tmp.resolve("lm-poly.ckpt");
        TrainLm.Result rp = TrainLm.train(new Args(new String[] {"--variant", "polynomial", "--epochs", "1",
            "--batch", "16", "--context", "16", "--vocab", "300", "--train-limit-tokens", "4000", "--seed", "6",
            "--init", ck.toString(), "--teacher", ck.toString(), "--distill-weight", "0.5",
            "--attention-eps", "0.25", "--inverse-hi", "65", "--inverse-iterations", "11",
            "--checkpoint", poly.toString()}));
        assertTrue(Double.isFinite(rp.validationPerplexity()), "perplexity " + rp.validationPerplexity());
        Path polyDir = tmp.resolve("tiny-lm");
        double polyDiff = ExportModel.export(Checkpoint.read(poly), polyDir, RepoPaths.root());
        assertTrue(polyDiff <= ExportModel.AGREEMENT, "DJL vs reference " + polyDiff);
        ModelDirectory.Model pm = ModelDirectory.load(polyDir);
        assertEquals(Variant.POLYNOMIAL, pm.config().variant());
        AttentionSpec.PowerSoftmax ps = (AttentionSpec.PowerSoftmax) pm.config().components().attention();
        assertEquals(0.25, ps.eps());
        assertEquals(0.25, ps.inverse().domain().lo());
        assertEquals(65.0, ps.inverse().domain().hi());
        assertEquals(11, ps.inverse().iterations());
        assertTrue(String.valueOf(pm.config().training().get("distilled_from")).startsWith("original checkpoint"),
                "provenance " + pm.config().training());
    }
}
