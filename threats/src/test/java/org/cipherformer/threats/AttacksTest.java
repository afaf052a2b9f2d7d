package org.cipherformer.threats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.cipherformer.model.data.FortuneCorpus;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.ee.EePermutations;
import org.cipherformer.model.format.ModelDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each attack on the shipped models, small sizes: where EE gives no protection the attack must succeed (T1/T2 with
 * the victim's originals recover the whole vocabulary), a different reference model must do far worse, and
 * frequency analysis must beat chance and its bigram refinement must decode most of a 100k-token stream.
 */
class AttacksTest {
    static final Path MODELS = RepoPaths.root().resolve("models");
    static EeKey key;
    static ModelDirectory.Model lm;
    static ModelDirectory.Model lmOrig;
    static ModelDirectory.Model vit;

    @BeforeAll
    static void load() throws Exception {
        byte[] s = new byte[32];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (7 * i + 3);
        }
        key = EeKey.ofSecret(s);
        lm = ModelDirectory.load(MODELS.resolve("tiny-lm"));
        lmOrig = ModelDirectory.load(MODELS.resolve("tiny-lm-original"));
        vit = ModelDirectory.load(MODELS.resolve("vit-fmnist"));
    }

    @Test
    void weightAlignmentWithTheOriginalsRecoversEveryPermutation() {
        AttackResult r = WeightAlignmentAttack.run("tiny-lm", lm, "tiny-lm", lm, key);
        System.out.println("T1 tiny-lm " + r.metrics() + " " + r.seconds() + " s");
        assertEquals(1.0, r.metric("vocab_recovered"));
        assertEquals(1.0, r.metric("residual_recovered"));
        assertTrue(r.metric("entries_recovered") >= 0.99, r.metrics().toString());
        AttackResult v = WeightAlignmentAttack.run("vit-fmnist", vit, "vit-fmnist", vit, key);
        System.out.println("T1 vit " + v.metrics() + " " + v.seconds() + " s");
        assertEquals(1.0, v.metric("classes_recovered"));
        assertEquals(1.0, v.metric("patch_positions_recovered"));
        assertTrue(v.metric("entries_recovered") >= 0.99, v.metrics().toString());
    }

    @Test
    void weightAlignmentWithARelatedModelIsInexactButFarAboveChance() {
        // tiny-lm-original is the polynomial tiny-lm's sibling (same data, tokenizer and training recipe): its
        // sorted embedding rows are close enough to name most tokens, but not bit-exact, so some entries fail
        AttackResult r = WeightAlignmentAttack.run("tiny-lm", lm, "tiny-lm-original", lmOrig, key);
        System.out.println("T1 proxy " + r.metrics() + " " + r.seconds() + " s");
        assertTrue(r.metric("entries_recovered") < 1.0, r.metrics().toString());
        assertTrue(r.metric("vocab_recovered") > 100 * r.metric("chance_level_vocab_or_classes"),
                r.metrics().toString());
    }

    @Test
    void functionalSignatureWithTheOriginalRecoversTheVocabulary() {
        AttackResult r = FunctionalSignatureAttack.run("tiny-lm", lm, "tiny-lm", lm, key, 512);
        System.out.println("T2 " + r.metrics() + " " + r.seconds() + " s");
        assertTrue(r.metric("vocab_recovered") >= 0.99, r.metrics().toString());
        AttackResult p = FunctionalSignatureAttack.run("tiny-lm", lm, "tiny-lm-original", lmOrig, key, 512);
        System.out.println("T2 proxy " + p.metrics() + " " + p.seconds() + " s");
        // sorted next-token distributions of a different model do not identify tokens (measured: ~chance)
        assertTrue(p.metric("vocab_recovered") < 0.1, p.metrics().toString());
        assertThrows(IllegalArgumentException.class,
                () -> FunctionalSignatureAttack.run("tiny-lm", lm, "tiny-lm", lm, key, 0));
    }

    @Test
    void frequencyAnalysisBeatsChanceAndRefinementDecodesMostOf100kTokens() throws Exception {
        FortuneCorpus corpus = FortuneCorpus.load(FortuneCorpus.DEBIAN_DIR);
        List<String> train = corpus.train();
        int split = (int) (train.size() * ThreatSuite.PUBLIC_SHARE);
        int[] pub = FortuneCorpus.stream(train.subList(0, split), lm.tokenizer());
        int[] victim = FortuneCorpus.stream(train.subList(split, train.size()), lm.tokenizer());
        List<AttackResult> rs = FrequencyAnalysisAttack.run("fortunes", pub, victim,
                EePermutations.derive(key, lm.config()).vocab(), new int[] {1000, 10000, 100000},
                new FrequencyAnalysisAttack.Refinement(120, 20, 1000));
        for (AttackResult r : rs) {
            System.out.println("T4 " + r.metrics() + " " + r.seconds() + " s");
            assertTrue(r.metric("frequency_token_accuracy") > 0.1, r.metrics().toString());
            assertTrue(r.metric("refined_token_accuracy") > 0.1, r.metrics().toString());
        }
        // (at 1k-10k tokens the refinement's gain depends on the key: measured -0.3 .. +14 points)
        // 100k observed tokens: the bigram refinement decodes most of the stream
        assertTrue(rs.get(2).metric("refined_token_accuracy") > 0.6, rs.get(2).metrics().toString());
        assertTrue(rs.get(2).metric("refined_token_accuracy") > rs.get(2).metric("frequency_token_accuracy") + 0.2,
                rs.get(2).metrics().toString());
    }
}
