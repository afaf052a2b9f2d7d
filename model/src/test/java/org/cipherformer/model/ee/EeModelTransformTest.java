package org.cipherformer.model.ee;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.model.format.ModelConfigJson;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.Task;
import org.cipherformer.model.format.Tensor;
import org.cipherformer.model.reference.ReferenceLogitsCheck;
import org.cipherformer.model.reference.ReferenceModel;
import org.cipherformer.model.tokenizer.WordTokenizer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactness of the EE transform on the four shipped models (polynomial and original, ViT and LM), three keys each,
 * all shipped inputs: the transformed model, written to disk and loaded back through the loader's validation, fed
 * permuted inputs, gives outputs that un-permute to the original outputs within {@link #TOLERANCE} with the same
 * argmax. Only the order of floating-point sums differs, so the observed differences are ~1e-15.
 */
class EeModelTransformTest {
    /** Bound on |un-permuted transformed logit - original logit| in the double reference. */
    static final double TOLERANCE = 1e-9;

    @TempDir
    Path tmp;

    private static EeKey key(int seed) {
        byte[] s = new byte[32];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (seed * 37 + i * 11);
        }
        return EeKey.ofSecret(s);
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit-fmnist", "vit-fmnist-original", "tiny-lm", "tiny-lm-original"})
    void unpermutedOutputsEqualTheOriginalOnAllShippedInputsForThreeKeys(String name) throws Exception {
        Path root = RepoPaths.root();
        ModelDirectory.Model original = ModelDirectory.load(root.resolve("models").resolve(name));
        ReferenceModel ref = new ReferenceModel(original);
        double worst = 0;
        int compared = 0;
        for (int seed = 1; seed <= 3; seed++) {
            EeKey k = key(seed);
            Path out = tmp.resolve(name + "-" + seed);
            EeModelTransform.transform(root.resolve("models").resolve(name), k, out);
            ModelDirectory.Model loaded = ModelDirectory.load(out); // the loader's validation
            ReferenceModel ee = new ReferenceModel(loaded);
            EeCodec codec = new EeCodec(k, loaded.config());
            codec.requireSameKey(loaded.config());
            if (original.config().task() == Task.IMAGE_CLASSIFICATION) {
                List<double[]> images = ShippedInputs.images(root);
                assertEquals(64, images.size());
                // A client that knows only the described input geometry derives the same codec.
                EeCodec bySizes = EeCodec.forImages(k, original.config().architecture().image());
                assertArrayEquals(codec.permuteImage(images.get(0)), bySizes.permuteImage(images.get(0)));
                for (int i = 0; i < images.size(); i++) {
                    double[] want = ref.classify(images.get(i)).logits()[0];
                    double[] permuted = ee.classify(codec.permuteImage(images.get(i))).logits()[0];
                    double[] got = codec.unpermuteClassLogits(permuted);
                    worst = Math.max(worst, maxDiff(want, got));
                    assertEquals(argmax(want), argmax(got), name + " key " + seed + " image " + i);
                    compared++;
                }
            } else {
                int seqLen = original.config().architecture().seqLen();
                List<int[]> prompts = new ArrayList<>();
                for (String line : ReferenceLogitsCheck.prompts(root)) {
                    prompts.add(ReferenceLogitsCheck.promptIds(original.tokenizer(), line, seqLen));
                }
                prompts.add(ShippedInputs.prompt(original, root, 16));
                prompts.add(ShippedInputs.prompt(original, root, seqLen));
                EeCodec bySizes = EeCodec.forVocabulary(k, original.config().architecture().vocabSize());
                for (int[] ids : prompts) {
                    int[] pids = codec.permuteTokens(ids);
                    assertArrayEquals(pids, bySizes.permuteTokens(ids));
                    assertArrayEquals(ids, codec.unpermuteTokens(pids));
                    double[][] want = ref.languageModel(ids).logits();
                    double[][] permuted = ee.languageModel(pids).logits();
                    for (int t = 0; t < ids.length; t++) {
                        double[] got = codec.unpermuteVocabLogits(permuted[t]);
                        worst = Math.max(worst, maxDiff(want[t], got));
                        assertEquals(argmax(want[t]), argmax(got), name + " key " + seed + " position " + t);
                        // The next token the client reads off the permuted logits is the original next token.
                        assertEquals(argmax(want[t]), codec.unpermuteTokens(new int[] {argmax(permuted[t])})[0]);
                    }
                    compared++;
                }
            }
        }
        System.out.printf("EE exactness %s: %d inputs x 3 keys, max |logit diff| = %.3e%n", name, compared / 3,
                worst);
        assertTrue(compared >= 3 * 3, "too few inputs compared: " + compared);
        assertTrue(worst <= TOLERANCE, name + ": max |logit diff| " + worst + " > " + TOLERANCE);
    }

    private static double maxDiff(double[] a, double[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit-fmnist", "tiny-lm-original"})
    void twoKeysGiveDifferentWeightsThatAreRearrangementsOfTheOriginal(String name) throws Exception {
        Path root = RepoPaths.root();
        ModelDirectory.Model original = ModelDirectory.load(root.resolve("models").resolve(name));
        ModelDirectory.Model a = EeModelTransform.transform(original, key(1));
        ModelDirectory.Model b = EeModelTransform.transform(original, key(2));
        assertEquals(original.weights().keySet(), a.weights().keySet());
        for (Map.Entry<String, Tensor> e : original.weights().entrySet()) {
            Tensor ta = a.tensor(e.getKey());
            Tensor tb = b.tensor(e.getKey());
            assertArrayEquals(e.getValue().shape(), ta.shape(), e.getKey());
            assertEquals(e.getValue().dtype(), ta.dtype(), e.getKey());
            assertNotEquals(ta, tb, e.getKey() + " is the same under two keys");
            assertNotEquals(e.getValue(), ta, e.getKey() + " is unchanged by the transform");
            double[] sortedOriginal = e.getValue().data().clone();
            double[] sortedTransformed = ta.data().clone();
            Arrays.sort(sortedOriginal);
            Arrays.sort(sortedTransformed);
            assertArrayEquals(sortedOriginal, sortedTransformed, e.getKey() + ": values are not just moved");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-lm", "tiny-lm-original"})
    void theTransformedLmCarriesNoTokenizerAndMovesEverySpecialToken(String name) throws Exception {
        Path root = RepoPaths.root();
        for (int seed = 1; seed <= 3; seed++) {
            EeKey k = key(seed);
            Path out = tmp.resolve(name + "-" + seed);
            ModelDirectory.Model t = EeModelTransform.transform(root.resolve("models").resolve(name), k, out);
            assertNull(t.config().architecture().tokenizer());
            assertNull(ModelDirectory.load(out).tokenizer());
            try (var files = Files.list(out)) {
                assertEquals(List.of("config.json", "model.safetensors"),
                        files.map(p -> p.getFileName().toString()).sorted().toList());
            }
            String json = Files.readString(out.resolve("config.json"));
            assertFalse(json.contains("tokenizer"), json);
            assertTrue(json.contains("\"key_id\" : \"" + k.keyId() + "\""), json);
            assertEquals(t.config(), ModelConfigJson.parse(json, "t"));
            int[] specials = {WordTokenizer.PAD, WordTokenizer.UNK, WordTokenizer.BOS, WordTokenizer.EOS};
            int[] moved = new EeCodec(k, t.config()).permuteTokens(specials);
            for (int i = 0; i < specials.length; i++) {
                assertNotEquals(specials[i], moved[i], "key " + seed + " leaves special id " + specials[i]);
                assertTrue(moved[i] >= specials.length, "key " + seed + " maps special " + specials[i] + " to "
                        + moved[i] + ", still a standard special id");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void refusesToTransformTwiceOrIntoANonEmptyDirectory() throws Exception {
        Path root = RepoPaths.root();
        ModelDirectory.Model original = ModelDirectory.load(root.resolve("models/vit-fmnist"));
        ModelDirectory.Model t = EeModelTransform.transform(original, key(1));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> EeModelTransform.transform(t, key(2)));
        assertTrue(twice.getMessage().contains("already EE-transformed"), twice.getMessage());
        Files.writeString(tmp.resolve("x"), "x");
        IllegalArgumentException full = assertThrows(IllegalArgumentException.class,
                () -> EeModelTransform.transform(root.resolve("models/vit-fmnist"), key(1), tmp));
        assertTrue(full.getMessage().contains("not empty"), full.getMessage());
    }

    @org.junit.jupiter.api.Test
    void aClientWithAnotherKeyIsTold() throws Exception {
        Path root = RepoPaths.root();
        ModelDirectory.Model t = EeModelTransform.transform(
                ModelDirectory.load(root.resolve("models/vit-fmnist")), key(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EeCodec(key(2), t.config()).requireSameKey(t.config()));
        assertTrue(e.getMessage().contains(key(1).keyId()), e.getMessage());
    }
}
