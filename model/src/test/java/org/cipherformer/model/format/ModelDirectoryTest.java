package org.cipherformer.model.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cipherformer.model.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void writeThenLoadRoundTripsViT() throws Exception {
        ModelConfig c = TestModels.vit(Variant.POLYNOMIAL);
        Map<String, Tensor> w = TestModels.randomWeights(c, 7, DType.F32);
        ModelDirectory.write(tmp, c, w, null, Map.of("framework", "test"));
        ModelDirectory.Model m = ModelDirectory.load(tmp);
        assertEquals(c, m.config());
        assertEquals(w, m.weights());
        assertNull(m.tokenizer());
        assertEquals(TensorLayout.expectedShapes(c).keySet(), m.weights().keySet());
    }

    @Test
    void writeThenLoadRoundTripsLmWithTokenizer() throws Exception {
        ModelConfig c = TestModels.lm(Variant.ORIGINAL);
        Map<String, Tensor> w = TestModels.randomWeights(c, 8, DType.F64);
        ModelDirectory.write(tmp, c, w, TestModels.tokenizer(), Map.of());
        ModelDirectory.Model m = ModelDirectory.load(tmp);
        assertEquals(w, m.weights());
        assertNotNull(m.tokenizer());
        assertEquals(TestModels.tokenizer().vocab(), m.tokenizer().vocab());
    }

    private void rejectsWeights(Map<String, Tensor> w, String... fragments) throws Exception {
        ModelConfig c = TestModels.vit(Variant.ORIGINAL);
        ModelConfigJson.write(c, tmp.resolve("config.json"));
        SafeTensors.write(tmp.resolve("model.safetensors"), w, Map.of());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelDirectory.load(tmp));
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message \"" + e.getMessage() + "\" lacks \"" + f + "\"");
        }
    }

    @Test
    void rejectsMissingTensor() throws Exception {
        Map<String, Tensor> w = new LinkedHashMap<>(TestModels.randomWeights(TestModels.vit(Variant.ORIGINAL), 1,
                DType.F32));
        w.remove("layers.1.mlp.fc2.bias");
        rejectsWeights(w, "missing tensor \"layers.1.mlp.fc2.bias\"");
    }

    @Test
    void rejectsExtraTensor() throws Exception {
        Map<String, Tensor> w = new LinkedHashMap<>(TestModels.randomWeights(TestModels.vit(Variant.ORIGINAL), 1,
                DType.F32));
        w.put("layers.2.ln1.weight", new Tensor(DType.F32, new int[] {8}, new double[8]));
        rejectsWeights(w, "unexpected tensor", "layers.2.ln1.weight");
    }

    @Test
    void rejectsWrongShape() throws Exception {
        Map<String, Tensor> w = new LinkedHashMap<>(TestModels.randomWeights(TestModels.vit(Variant.ORIGINAL), 1,
                DType.F32));
        w.put("layers.0.attn.q.weight", new Tensor(DType.F32, new int[] {4, 16}, new double[64]));
        rejectsWeights(w, "tensor \"layers.0.attn.q.weight\"", "[4, 16]", "[8, 8]");
    }

    @Test
    void rejectsNonFiniteWeight() throws Exception {
        Map<String, Tensor> w = new LinkedHashMap<>(TestModels.randomWeights(TestModels.vit(Variant.ORIGINAL), 1,
                DType.F64));
        double[] v = w.get("head.bias").data();
        v[2] = Double.NaN;
        w.put("head.bias", new Tensor(DType.F64, new int[] {3}, v));
        rejectsWeights(w, "tensor \"head.bias\"", "element 2 is NaN");
    }

    @Test
    void rejectsMissingFilesAndVocabMismatch() throws Exception {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelDirectory.load(tmp));
        assertTrue(e.getMessage().contains("config.json: missing"), e.getMessage());

        ModelConfig c = TestModels.lm(Variant.ORIGINAL);
        ModelDirectory.write(tmp, c, TestModels.randomWeights(c, 2, DType.F32), TestModels.tokenizer(), Map.of());
        Files.delete(tmp.resolve("tokenizer.json"));
        e = assertThrows(ModelFormatException.class, () -> ModelDirectory.load(tmp));
        assertTrue(e.getMessage().contains("tokenizer.json: missing"), e.getMessage());

        org.cipherformer.model.tokenizer.WordTokenizer small =
                org.cipherformer.model.tokenizer.WordTokenizer.train(TestModels.CORPUS, 10);
        small.save(tmp.resolve("tokenizer.json"));
        e = assertThrows(ModelFormatException.class, () -> ModelDirectory.load(tmp));
        assertTrue(e.getMessage().contains("vocab has 10 tokens but config.json architecture.vocab_size is "
                + c.architecture().vocabSize()), e.getMessage());
    }

    @Test
    void writerRefusesInconsistentWeights() {
        ModelConfig c = TestModels.vit(Variant.POLYNOMIAL);
        Map<String, Tensor> w = new LinkedHashMap<>(TestModels.randomWeights(c, 3, DType.F32));
        w.remove("cls_token");
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelDirectory.write(tmp.resolve("out"), c, w, null, Map.of()));
        assertTrue(e.getMessage().contains("missing tensor \"cls_token\""), e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("out")), "nothing written");
    }
}
