package org.cipherformer.threats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.cipherformer.model.data.FortuneCorpus;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.ee.EePermutations;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.tokenizer.WordTokenizer;

/**
 * The suite's adapters for the first three EE attacks (T1 weight alignment, T2 functional signature, T4 frequency
 * analysis) on the shipped models: T1 and T2 with the victim's own originals and with the sibling model standing in
 * for a privately trained victim, T4 on the fortunes corpus.
 */
public final class BaselineEeAttacks {
    /** Fraction of the training fortunes (in corpus order) that is the attacker's public text; the rest and the
     * validation fortunes are the victim's stream. */
    static final double PUBLIC_SHARE = 0.7;

    /** Model directories the three attacks read, relative to the models directory. */
    public static final List<String> MODELS = List.of("tiny-lm", "tiny-lm-original", "vit-fmnist",
            "vit-fmnist-original");

    /**
     * @param t2Queries  single-token queries for T2 (at most the vocabulary)
     * @param observed   stream lengths for T4, increasing
     * @param refinement T4 hill-climbing settings
     */
    public record Settings(int t2Queries, int[] observed, FrequencyAnalysisAttack.Refinement refinement) {
        public Settings {
            if (t2Queries < 1) {
                throw new IllegalArgumentException("T2 queries must be >= 1, got " + t2Queries);
            }
            if (observed.length == 0) {
                throw new IllegalArgumentException("T4 needs at least one observed stream length");
            }
            for (int n : observed) {
                if (n < 2) {
                    throw new IllegalArgumentException("T4 observed length must be >= 2, got " + n);
                }
            }
            observed = observed.clone();
        }

        /** @return the test-suite size (a few seconds per attack) */
        public static Settings quick() {
            return new Settings(128, new int[] {1000, 10000}, new FrequencyAnalysisAttack.Refinement(1, 20, 1000));
        }

        /** @return the documented full run: the whole vocabulary for T2, 1k/10k/100k tokens for T4 */
        public static Settings full() {
            return new Settings(2048, new int[] {1000, 10000, 100000},
                    new FrequencyAnalysisAttack.Refinement(20, 20, 1000));
        }

        @Override
        public int[] observed() {
            return observed.clone();
        }

        @Override
        public String toString() {
            return "t2_queries=" + t2Queries + ", t4_observed=" + Arrays.toString(observed) + ", t4_refine_seconds="
                    + refinement.secondsPerRun() + ", t4_window=" + refinement.baseWindow();
        }
    }

    private BaselineEeAttacks() {
    }

    /**
     * T1 on both shipped models, with the originals and with the sibling as the reference.
     *
     * @param models   the models directory
     * @param key      the defender's key
     * @param progress short progress lines
     * @return six rows
     * @throws IOException if a model cannot be read
     */
    public static List<AttackResult> weightAlignment(Path models, EeKey key, Consumer<String> progress)
            throws IOException {
        ModelDirectory.Model lm = load(models, "tiny-lm");
        ModelDirectory.Model lmOrig = load(models, "tiny-lm-original");
        ModelDirectory.Model vit = load(models, "vit-fmnist");
        ModelDirectory.Model vitOrig = load(models, "vit-fmnist-original");
        List<AttackResult> out = new ArrayList<>();
        progress.accept("T1: own originals as reference");
        out.add(WeightAlignmentAttack.run("tiny-lm", lm, "tiny-lm", lm, key));
        out.add(WeightAlignmentAttack.run("tiny-lm-original", lmOrig, "tiny-lm-original", lmOrig, key));
        out.add(WeightAlignmentAttack.run("vit-fmnist", vit, "vit-fmnist", vit, key));
        out.add(WeightAlignmentAttack.run("vit-fmnist-original", vitOrig, "vit-fmnist-original", vitOrig, key));
        progress.accept("T1: sibling model as reference");
        out.add(WeightAlignmentAttack.run("tiny-lm", lm, "tiny-lm-original", lmOrig, key));
        out.add(WeightAlignmentAttack.run("vit-fmnist", vit, "vit-fmnist-original", vitOrig, key));
        return out;
    }

    /**
     * T2 on tiny-lm (the only shipped model with single-token inputs), own originals and sibling reference.
     *
     * @param models   the models directory
     * @param key      the defender's key
     * @param s        settings (query count)
     * @param progress short progress lines
     * @return three rows
     * @throws IOException if a model cannot be read
     */
    public static List<AttackResult> functionalSignature(Path models, EeKey key, Settings s,
                                                         Consumer<String> progress) throws IOException {
        ModelDirectory.Model lm = load(models, "tiny-lm");
        ModelDirectory.Model lmOrig = load(models, "tiny-lm-original");
        List<AttackResult> out = new ArrayList<>();
        progress.accept("T2: " + s.t2Queries() + " single-token queries per row");
        out.add(FunctionalSignatureAttack.run("tiny-lm", lm, "tiny-lm", lm, key, s.t2Queries()));
        out.add(FunctionalSignatureAttack.run("tiny-lm-original", lmOrig, "tiny-lm-original", lmOrig, key,
                s.t2Queries()));
        out.add(FunctionalSignatureAttack.run("tiny-lm", lm, "tiny-lm-original", lmOrig, key, s.t2Queries()));
        return out;
    }

    /**
     * T4 on the fortunes corpus under tiny-lm's tokenizer and vocabulary permutation.
     *
     * @param models   the models directory
     * @param fortunes the fortune files
     * @param key      the defender's key
     * @param s        settings (observed lengths, refinement)
     * @param progress short progress lines
     * @return one row per observed length
     * @throws IOException if the model or the corpus cannot be read
     */
    public static List<AttackResult> frequencyAnalysis(Path models, Path fortunes, EeKey key, Settings s,
                                                       Consumer<String> progress) throws IOException {
        ModelDirectory.Model lm = load(models, "tiny-lm");
        WordTokenizer tok = lm.tokenizer();
        FortuneCorpus corpus = FortuneCorpus.load(fortunes);
        List<String> train = corpus.train();
        int split = (int) (train.size() * PUBLIC_SHARE);
        int[] publicText = FortuneCorpus.stream(train.subList(0, split), tok);
        List<String> victim = new ArrayList<>(train.subList(split, train.size()));
        victim.addAll(corpus.validation());
        int[] victimText = FortuneCorpus.stream(victim, tok);
        List<AttackResult> out = new ArrayList<>();
        for (int n : s.observed()) {
            progress.accept("T4: " + n + " observed tokens");
            out.addAll(FrequencyAnalysisAttack.run("fortunes (tiny-lm tokenizer)", publicText, victimText,
                    EePermutations.derive(key, lm.config()).vocab(), new int[] {n}, s.refinement()));
        }
        return out;
    }

    private static ModelDirectory.Model load(Path models, String name) throws IOException {
        return ModelDirectory.load(models.resolve(name));
    }
}
