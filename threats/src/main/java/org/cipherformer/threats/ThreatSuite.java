package org.cipherformer.threats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cipherformer.model.data.FortuneCorpus;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.ee.EePermutations;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.tokenizer.WordTokenizer;

/**
 * Runs the EE attacks on the shipped models: T1 and T2 with the victim's own originals and with a different public
 * model (the other shipped variant) standing in for a privately trained victim, and T4 on the fortunes corpus.
 */
public final class ThreatSuite {
    /** Fraction of the training fortunes (in corpus order) that is the attacker's public text; the rest and the
     * validation fortunes are the victim's stream. */
    static final double PUBLIC_SHARE = 0.7;

    /**
     * @param models       directory holding tiny-lm, tiny-lm-original, vit-fmnist, vit-fmnist-original
     * @param fortunes     fortune directory (Debian package fortunes)
     * @param key          the defender's key
     * @param t2Queries    single-token queries for T2 (at most the vocabulary)
     * @param observed     stream lengths for T4
     * @param refinement   T4 hill-climbing settings
     */
    public record Settings(Path models, Path fortunes, EeKey key, int t2Queries, int[] observed,
                           FrequencyAnalysisAttack.Refinement refinement) {
        /** @return the settings as report entries (the key's public id only) */
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ee_key_id", key.keyId());
            m.put("models", models.toString());
            m.put("fortunes", fortunes.toString());
            m.put("t2_queries", t2Queries);
            m.put("t4_observed", Arrays.toString(observed));
            m.put("t4_refine_seconds", refinement.secondsPerRun());
            m.put("t4_window", refinement.baseWindow());
            return m;
        }
    }

    private ThreatSuite() {
    }

    /**
     * @param s settings
     * @return every measured attack, in report order
     * @throws IOException if a model or the corpus cannot be read
     */
    public static List<AttackResult> run(Settings s) throws IOException {
        List<AttackResult> out = new ArrayList<>();
        ModelDirectory.Model lm = ModelDirectory.load(s.models().resolve("tiny-lm"));
        ModelDirectory.Model lmOrig = ModelDirectory.load(s.models().resolve("tiny-lm-original"));
        ModelDirectory.Model vit = ModelDirectory.load(s.models().resolve("vit-fmnist"));
        ModelDirectory.Model vitOrig = ModelDirectory.load(s.models().resolve("vit-fmnist-original"));

        out.add(WeightAlignmentAttack.run("tiny-lm", lm, "tiny-lm", lm, s.key()));
        out.add(WeightAlignmentAttack.run("tiny-lm-original", lmOrig, "tiny-lm-original", lmOrig, s.key()));
        out.add(WeightAlignmentAttack.run("vit-fmnist", vit, "vit-fmnist", vit, s.key()));
        out.add(WeightAlignmentAttack.run("vit-fmnist-original", vitOrig, "vit-fmnist-original", vitOrig,
                s.key()));
        out.add(WeightAlignmentAttack.run("tiny-lm", lm, "tiny-lm-original", lmOrig, s.key()));
        out.add(WeightAlignmentAttack.run("vit-fmnist", vit, "vit-fmnist-original", vitOrig, s.key()));

        out.add(FunctionalSignatureAttack.run("tiny-lm", lm, "tiny-lm", lm, s.key(), s.t2Queries()));
        out.add(FunctionalSignatureAttack.run("tiny-lm-original", lmOrig, "tiny-lm-original", lmOrig, s.key(),
                s.t2Queries()));
        out.add(FunctionalSignatureAttack.run("tiny-lm", lm, "tiny-lm-original", lmOrig, s.key(), s.t2Queries()));

        WordTokenizer tok = lm.tokenizer();
        FortuneCorpus corpus = FortuneCorpus.load(s.fortunes());
        List<String> train = corpus.train();
        int split = (int) (train.size() * PUBLIC_SHARE);
        int[] publicText = FortuneCorpus.stream(train.subList(0, split), tok);
        List<String> victim = new ArrayList<>(train.subList(split, train.size()));
        victim.addAll(corpus.validation());
        int[] victimText = FortuneCorpus.stream(victim, tok);
        out.addAll(FrequencyAnalysisAttack.run("fortunes (tiny-lm tokenizer)", publicText, victimText,
                EePermutations.derive(s.key(), lm.config()).vocab(), s.observed(), s.refinement()));
        return out;
    }
}
