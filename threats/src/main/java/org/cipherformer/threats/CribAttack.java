package org.cipherformer.threats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.cipherformer.model.data.FortuneCorpus;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.ee.EeCodec;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.ee.EePermutations;
import org.cipherformer.model.ee.Permutation;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.tokenizer.WordTokenizer;

/**
 * T3, cribs: the server (or an eavesdropper) sees the permuted ids of every request a client of a fortune application
 * sends to the EE-served tiny-lm, and knows the application: its prompt templates ({@link RequestTemplate#fortuneApp})
 * and the tokenizer's special tokens, which the client places at fixed positions ({@code <bos>} first, {@code <eos>}
 * after the content, {@code <pad>} filling fixed-shape requests). {@link CribDragger} turns these into vocabulary-map
 * entries; the entries then serve as fixed anchors of T4's frequency analysis
 * ({@link FrequencyAnalysisAttack#decode}), compared with the same analysis without anchors on the same stream.
 *
 * <p>The key is fresh ({@link EeKey#generate()}, SecureRandom) and requests are permuted by the client's own
 * {@link EeCodec#permuteTokens}. Scoring compares with the true permutation, which the attack never reads. The figure
 * that matters for privacy is the accuracy on user-text positions ({@code *_user_token_accuracy}): template and
 * special tokens are not secret.
 */
public final class CribAttack {
    /**
     * @param models       directory holding tiny-lm
     * @param fortunes     fortune directory
     * @param observed     token budgets of the observed request stream (whole requests up to each budget)
     * @param pad          whether the client pads requests to the context length
     * @param refinement   T4 hill-climbing settings (per decode)
     * @param minSupport   requests needed to accept a template pattern
     * @param trafficSeed  seed of the clients' template choices (not key material)
     */
    public record Settings(Path models, Path fortunes, int[] observed, boolean pad,
                           FrequencyAnalysisAttack.Refinement refinement, int minSupport, long trafficSeed) {
        public Settings {
            observed = observed.clone();
            for (int n : observed) {
                if (n < 64) {
                    throw new IllegalArgumentException("observed token budget " + n + " is below 64 (two requests)");
                }
            }
            if (minSupport < 1) {
                throw new IllegalArgumentException("minSupport must be >= 1, got " + minSupport);
            }
        }

        /** @return the test-suite size: 1k and 10k observed tokens, 3 s of refinement per decode */
        public static Settings quick() {
            return new Settings(RepoPaths.root().resolve("models"), FortuneCorpus.DEBIAN_DIR,
                    new int[] {1000, 10000}, true, new FrequencyAnalysisAttack.Refinement(3, 20, 1000), 3, 1);
        }

        /** @return the documented run: 1k, 10k and 100k observed tokens, up to 60 s of refinement per decode */
        public static Settings full() {
            return new Settings(RepoPaths.root().resolve("models"), FortuneCorpus.DEBIAN_DIR,
                    new int[] {1000, 10000, 100000}, true, new FrequencyAnalysisAttack.Refinement(60, 20, 1000), 3, 1);
        }
    }

    private CribAttack() {
    }

    /**
     * @param s        settings
     * @param progress receives one line per observed size
     * @return one T3 result per observed size
     * @throws IOException if the model or the corpus cannot be read
     */
    public static List<AttackResult> run(Settings s, Consumer<String> progress) throws IOException {
        ModelDirectory.Model model = ModelDirectory.load(s.models().resolve("tiny-lm"));
        WordTokenizer tok = model.tokenizer();
        int v = model.config().architecture().vocabSize();
        int context = model.config().architecture().seqLen();
        FortuneCorpus corpus = FortuneCorpus.load(s.fortunes());
        List<String> train = corpus.train();
        int split = (int) (train.size() * ThreatSuite.PUBLIC_SHARE);
        List<String> victimFortunes = new ArrayList<>(train.subList(split, train.size()));
        victimFortunes.addAll(corpus.validation());
        List<RequestTemplate> templates = RequestTemplate.fortuneApp();
        // the attacker wraps its public fortunes the way the (public) client code does, with its own template draws
        List<RequestTraffic.Request> publicReqs = RequestTraffic.build(train.subList(0, split), tok, templates,
                context, s.pad(), new Random(s.trafficSeed() * 2 + 1));
        List<RequestTraffic.Request> victimReqs = RequestTraffic.build(victimFortunes, tok, templates, context,
                s.pad(), new Random(s.trafficSeed() * 2));
        BigramModel lm = BigramModel.train(RequestTraffic.concat(publicReqs), v);
        List<int[]> prefixes = new ArrayList<>();
        List<int[]> suffixes = new ArrayList<>();
        for (RequestTemplate t : templates) {
            prefixes.add(t.prefixIds(tok));
            suffixes.add(t.suffixIds(tok));
        }

        EeKey key = EeKey.generate();
        EeCodec codec = EeCodec.forVocabulary(key, v);
        Permutation truth = EePermutations.derive(key, model.config()).vocab();

        List<AttackResult> out = new ArrayList<>();
        for (int n : s.observed()) {
            List<RequestTraffic.Request> reqs = RequestTraffic.firstTokens(victimReqs, n);
            List<int[]> cipherReqs = new ArrayList<>();
            for (RequestTraffic.Request r : reqs) {
                cipherReqs.add(codec.permuteTokens(r.ids()));
            }
            int[] cipher = concat(cipherReqs);
            boolean[] user = userMask(reqs);

            long t0 = System.nanoTime();
            CribDragger.Cribs cribs = CribDragger.drag(cipherReqs, v, WordTokenizer.BOS, WordTokenizer.EOS,
                    s.pad() ? WordTokenizer.PAD : -1, prefixes, suffixes, s.minSupport());
            double cribSeconds = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            int[] base = FrequencyAnalysisAttack.decode(cipher, lm, null, s.refinement());
            double baseSeconds = (System.nanoTime() - t1) / 1e9;
            long t2 = System.nanoTime();
            int[] anchored = FrequencyAnalysisAttack.decode(cipher, lm, cribs.anchors(), s.refinement());
            double anchoredSeconds = (System.nanoTime() - t2) / 1e9;

            Map<String, Object> m = new LinkedHashMap<>();
            m.put("observed_tokens", cipher.length);
            m.put("requests", reqs.size());
            m.put("distinct_ids_observed", (int) Arrays.stream(cipher).distinct().count());
            int correct = 0;
            long covered = 0;
            for (int c = 0; c < v; c++) {
                if (cribs.anchors()[c] >= 0 && cribs.anchors()[c] == truth.source(c)) {
                    correct++;
                }
            }
            for (int c : cipher) {
                covered += cribs.anchors()[c] >= 0 ? 1 : 0;
            }
            m.put("crib_entries", cribs.entries());
            m.put("crib_entries_correct", correct);
            m.put("crib_vocab_recovered", (double) correct / v);
            m.put("crib_templates_found", cribs.templatesFound());
            m.put("crib_requests_explained", cribs.requestsExplained());
            m.put("crib_token_coverage", (double) covered / cipher.length);
            m.put("crib_seconds", cribSeconds);
            score(m, "baseline_", base, cipher, user, truth);
            m.put("baseline_seconds", baseSeconds);
            score(m, "cribs_", anchored, cipher, user, truth);
            m.put("cribs_seconds", anchoredSeconds);
            progress.accept(String.format("T3: %d observed tokens (%d requests): %d crib entries (%d correct), user "
                            + "token accuracy %.3f without cribs, %.3f with", cipher.length, reqs.size(),
                    cribs.entries(), correct, m.get("baseline_user_token_accuracy"),
                    m.get("cribs_user_token_accuracy")));
            String knowledge = "permuted request ids + request boundaries (one RPC each) + the client application's "
                    + templates.size() + " prompt templates, request layout and special tokens (<bos> first, <eos> "
                    + "after the content" + (s.pad() ? ", <pad> to the context length" : "") + ") + public text ("
                    + publicReqs.size() + " public fortunes wrapped the same way)";
            String inputs = reqs.size() + " observed requests (" + cipher.length + " permuted tokens) under one fresh "
                    + "key (id " + key.keyId() + "); no queries";
            out.add(new AttackResult("T3", "cribs (template and special tokens) + frequency analysis anchored on them",
                    "tiny-lm (fortune-app requests)", knowledge, inputs, m,
                    cribSeconds + anchoredSeconds));
        }
        return out;
    }

    /**
     * Adds {@code <prefix>token_accuracy} (all observed tokens), {@code <prefix>user_token_accuracy} (user-text
     * positions only) and {@code <prefix>distinct_recovered} (observed distinct ids mapped right).
     */
    static void score(Map<String, Object> m, String prefix, int[] guess, int[] cipher, boolean[] user,
                      Permutation truth) {
        long ok = 0;
        long userOk = 0;
        long userN = 0;
        for (int i = 0; i < cipher.length; i++) {
            boolean hit = guess[cipher[i]] == truth.source(cipher[i]);
            ok += hit ? 1 : 0;
            if (user[i]) {
                userN++;
                userOk += hit ? 1 : 0;
            }
        }
        boolean[] seen = new boolean[guess.length];
        int distinct = 0;
        int distinctOk = 0;
        for (int c : cipher) {
            if (!seen[c]) {
                seen[c] = true;
                distinct++;
                distinctOk += guess[c] == truth.source(c) ? 1 : 0;
            }
        }
        m.put(prefix + "token_accuracy", (double) ok / cipher.length);
        m.put(prefix + "user_token_accuracy", userN == 0 ? 0.0 : (double) userOk / userN);
        m.put(prefix + "distinct_recovered", (double) distinctOk / distinct);
    }

    static int[] concat(List<int[]> parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = new int[n];
        int o = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    static boolean[] userMask(List<RequestTraffic.Request> reqs) {
        int n = 0;
        for (RequestTraffic.Request r : reqs) {
            n += r.ids().length;
        }
        boolean[] user = new boolean[n];
        int o = 0;
        for (RequestTraffic.Request r : reqs) {
            for (int i = 0; i < r.ids().length; i++) {
                user[o + i] = r.isUserText(i);
            }
            o += r.ids().length;
        }
        return user;
    }
}
