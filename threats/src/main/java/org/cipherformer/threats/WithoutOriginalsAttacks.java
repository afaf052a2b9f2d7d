package org.cipherformer.threats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.cipherformer.model.data.FortuneCorpus;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.ee.EeModelTransform;
import org.cipherformer.model.ee.EePermutations;
import org.cipherformer.model.ee.Permutation;
import org.cipherformer.model.format.Architecture;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;

/**
 * T1 and T2 when the attacker holds none of the victim's weights (the victim trained its model privately) and no
 * related model either.
 *
 * <ul>
 *   <li>T1/T2 with a randomly initialised model of the same architecture ({@link RandomInitModel}) as the reference:
 *       the sorted-row and sorted-output matching of {@link WeightAlignmentAttack} and
 *       {@link FunctionalSignatureAttack} with nothing to match against; expected at chance.</li>
 *   <li>What remains: the transformed model still shows its architecture (vocabulary size, width, depth, MLP width,
 *       heads, sequence length) and every per-token statistic up to the secret order. A trained LM's output bias and
 *       embedding-row norms track token frequency, and so does its mean output over black-box queries; ranking them
 *       against public text's unigram frequencies ({@link UnigramRankAttack}) names the frequent tokens. T1 rows use
 *       the transformed weights (output bias; embedding-row norms), the T2 row only queries.</li>
 * </ul>
 * The ViT's class head bias is not attacked this way: Fashion-MNIST's classes are balanced, so there is no public
 * prior to rank against.
 */
public final class WithoutOriginalsAttacks {
    /**
     * @param models     directory holding the shipped models
     * @param fortunes   fortune directory (public text = the first {@link ThreatSuite#PUBLIC_SHARE} of the training
     *                   fortunes; the victim's text = the validation fortunes)
     * @param key        the defender's EE key (fresh per run)
     * @param lms        LM directory names attacked
     * @param vits       ViT directory names attacked by T1 with a random reference
     * @param seed       the attacker's seed for its random models (public, not key material)
     * @param t2Queries  single-token queries for T2 with a random reference
     * @param priorQueries single-token queries for the black-box frequency ranking
     */
    public record Settings(Path models, Path fortunes, EeKey key, List<String> lms, List<String> vits, long seed,
                           int t2Queries, int priorQueries) {
        public Settings {
            lms = List.copyOf(lms);
            vits = List.copyOf(vits);
            if (t2Queries < 1 || priorQueries < 1) {
                throw new IllegalArgumentException("query counts must be >= 1, got " + t2Queries + ", "
                        + priorQueries);
            }
        }

        /** @return the test-suite size: tiny-lm and vit-fmnist, 256 queries each */
        public static Settings quick() {
            return new Settings(RepoPaths.root().resolve("models"), FortuneCorpus.DEBIAN_DIR, EeKey.generate(),
                    List.of("tiny-lm"), List.of("vit-fmnist"), 20261128L, 256, 256);
        }

        /** @return the documented run: all four shipped models, every id queried */
        public static Settings full() {
            return new Settings(RepoPaths.root().resolve("models"), FortuneCorpus.DEBIAN_DIR, EeKey.generate(),
                    List.of("tiny-lm", "tiny-lm-original"), List.of("vit-fmnist", "vit-fmnist-original"),
                    20261128L, 2048, 2048);
        }
    }

    private WithoutOriginalsAttacks() {
    }

    /**
     * @param s        settings
     * @param progress one line per result
     * @return T1/T2 rows with a random reference, then the weight-free frequency-rank rows
     * @throws IOException if a model or the corpus cannot be read
     */
    public static List<AttackResult> run(Settings s, Consumer<String> progress) throws IOException {
        List<AttackResult> out = new ArrayList<>();
        FortuneCorpus corpus = FortuneCorpus.load(s.fortunes());
        for (String name : s.vits()) {
            ModelDirectory.Model vit = ModelDirectory.load(s.models().resolve(name));
            out.add(report(progress, WeightAlignmentAttack.run(name, vit, randomName(name, s.seed()),
                    RandomInitModel.of(vit, s.seed()), s.key(), randomKnowledge("transformed weights of " + name,
                            name, s.seed()))));
        }
        for (String name : s.lms()) {
            ModelDirectory.Model lm = ModelDirectory.load(s.models().resolve(name));
            ModelDirectory.Model random = RandomInitModel.of(lm, s.seed());
            out.add(report(progress, WeightAlignmentAttack.run(name, lm, randomName(name, s.seed()), random,
                    s.key(), randomKnowledge("transformed weights of " + name, name, s.seed()))));
            out.add(report(progress, FunctionalSignatureAttack.run(name, lm, randomName(name, s.seed()), random,
                    s.key(), Math.min(s.t2Queries(), lm.config().architecture().vocabSize()),
                    randomKnowledge("query access to the EE-served " + name, name, s.seed()))));
            out.addAll(frequencyRank(name, lm, corpus, s, progress));
        }
        return out;
    }

    private static AttackResult report(Consumer<String> progress, AttackResult r) {
        progress.accept(r.id() + " " + r.model() + " without originals: " + r.metrics());
        return r;
    }

    private static String randomName(String victim, long seed) {
        return "random-init " + victim + " (seed " + seed + ")";
    }

    private static String randomKnowledge(String access, String victim, long seed) {
        return access + " (privately trained) + a randomly initialised, untrained model of the same architecture"
                + " (PyTorch default init, seed " + seed + "): no weights related to " + victim;
    }

    /** The three weight-free frequency-rank rows for one LM. */
    private static List<AttackResult> frequencyRank(String name, ModelDirectory.Model lm, FortuneCorpus corpus,
                                                    Settings s, Consumer<String> progress) {
        Architecture a = lm.config().architecture();
        int v = a.vocabSize();
        List<String> train = corpus.train();
        int[] publicText = FortuneCorpus.stream(train.subList(0, (int) (train.size() * ThreatSuite.PUBLIC_SHARE)),
                lm.tokenizer());
        int[] victimText = FortuneCorpus.stream(corpus.validation(), lm.tokenizer());
        long[] counts = new long[v];
        for (int t : publicText) {
            counts[t]++;
        }
        ModelDirectory.Model served = EeModelTransform.transform(lm, s.key());
        Permutation vocab = EePermutations.derive(s.key(), lm.config()).vocab();
        String shape = "vocab " + v + ", d_model " + a.dModel() + ", " + a.layers() + " layers, " + a.heads()
                + " heads, MLP " + a.mlpHidden() + ", seq_len " + a.seqLen();
        String pub = "; public text (" + publicText.length + " tokens of training fortunes) + the public tokenizer;"
                + " no reference model";
        List<AttackResult> out = new ArrayList<>();

        long t0 = System.nanoTime();
        double[] bias = served.tensor("lm_head.bias").data().clone();
        double biasSeconds = (System.nanoTime() - t0) / 1e9;
        out.add(report(progress, new AttackResult("T1", "weight-free frequency ranking (output bias)", name,
                "transformed weights of " + name + " (privately trained; visible: " + shape + ")" + pub,
                "lm_head.bias ranked against public unigram frequency",
                UnigramRankAttack.score(bias, counts, vocab, victimText), biasSeconds)));

        t0 = System.nanoTime();
        double[][] e = served.tensor("tok_embed.weight").toMatrix();
        double[] norms = new double[v];
        for (int c = 0; c < v; c++) {
            double q = 0;
            for (double x : e[c]) {
                q += x * x;
            }
            norms[c] = Math.sqrt(q);
        }
        // which way norms run with frequency is not known a priori; the attacker reads it off the transformed weights
        // themselves (the sign of their rank correlation with the output bias)
        boolean flip = UnigramRankAttack.spearman(norms, bias) < 0;
        if (flip) {
            for (int c = 0; c < v; c++) {
                norms[c] = -norms[c];
            }
        }
        double normSeconds = (System.nanoTime() - t0) / 1e9;
        out.add(report(progress, new AttackResult("T1", "weight-free frequency ranking (embedding row norms)", name,
                "transformed weights of " + name + " (privately trained; visible: " + shape + ")" + pub,
                "tok_embed row norms ranked against public unigram frequency (" + (flip ? "smaller" : "larger")
                        + " norm = more frequent, the direction read from the norms' rank correlation with the output"
                        + " bias)", UnigramRankAttack.score(norms, counts, vocab, victimText), normSeconds)));

        t0 = System.nanoTime();
        ReferenceModel ref = new ReferenceModel(served);
        int queries = Math.min(s.priorQueries(), v);
        double[] meanProb = new double[v];
        for (int c = 0; c < queries; c++) {
            double[] logits = ref.languageModel(new int[] {c}).logits()[0];
            double max = Double.NEGATIVE_INFINITY;
            for (double x : logits) {
                max = Math.max(max, x);
            }
            double z = 0;
            for (double x : logits) {
                z += Math.exp(x - max);
            }
            for (int o = 0; o < v; o++) {
                meanProb[o] += Math.exp(logits[o] - max) / z / queries;
            }
        }
        double querySeconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>(UnigramRankAttack.score(meanProb, counts, vocab, victimText));
        m.put("queries", queries);
        out.add(report(progress, new AttackResult("T2", "weight-free frequency ranking (mean output over queries)",
                name, "query access to the EE-served " + name + " (privately trained)" + pub,
                queries + " single-token queries [c] (permuted ids 0.." + (queries - 1) + "); output probabilities "
                        + "averaged per permuted output id and ranked against public unigram frequency",
                m, querySeconds)));
        return out;
    }
}
