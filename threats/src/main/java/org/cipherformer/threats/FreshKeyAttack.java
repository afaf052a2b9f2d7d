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
import org.cipherformer.model.ee.EeKeySchedule;
import org.cipherformer.model.ee.EeModelTransform;
import org.cipherformer.model.ee.EePermutations;
import org.cipherformer.model.ee.Permutation;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;
import org.cipherformer.model.tokenizer.WordTokenizer;

/**
 * T6, a fresh EE key for every request: request k is permuted by its own key {@code K_k} (fresh vocabulary, residual,
 * MLP and head permutations, {@link EeKey#generate()}), and the server runs tiny-lm transformed under {@code K_k}
 * ({@link EeModelTransform}). Measured, on fortune-application requests ({@link RequestTraffic}):
 *
 * <ol>
 *   <li><b>Token streams</b> (rows with {@code queries}): T4's frequency analysis on the pooled stream of Q requests,
 *       each under its own key, and on each request alone, against the same analysis when all Q requests share one
 *       key; and after the server aligns every request's vocabulary to request 1 through the transformed embedding
 *       it was given for that request (sorted rows are key-independent fingerprints: {@link SortedRowIndex}), which
 *       turns Q fresh-key requests back into one single-key stream without any original weights.</li>
 *   <li><b>Hidden coordinates from activations only</b> (rows with {@code tokens_per_request}): the residual stream
 *       after the embedding ({@code tok_embed[c_t] + pos_embed[t]} of the transformed model, what the server holds
 *       before block 0), aligned between request 1 and request k by per-coordinate statistics
 *       ({@link CoordinateAligner}); once over the first n positions of each request (which start with the same
 *       {@code <bos>} and template, so the states of position 0 are the same vector permuted twice), once over n
 *       user-text positions only.</li>
 *   <li><b>Per-request recovery from the weights</b> (one row): with the public originals, each request's vocabulary
 *       and residual permutation by exact sorted-row lookup, and the request's tokens decoded with it; without the
 *       originals, the same relative to request 1.</li>
 * </ol>
 * Scoring uses the true permutations; the attacks never read them.
 */
public final class FreshKeyAttack {
    /**
     * @param models               directory holding tiny-lm
     * @param fortunes             fortune directory
     * @param queries              numbers of requests for the token-stream rows
     * @param tokensPerRequest     tokens per request for the activation-alignment rows (each in [1, seq_len])
     * @param alignmentRequests    requests (keys) in the activation alignment (>= 2)
     * @param vocabRequests        requests (keys) attacked through their weights (>= 2)
     * @param pad                  whether the client pads requests to the context length
     * @param refinement           T4 settings for pooled streams
     * @param perRequestRefinement T4 settings for one request alone
     * @param trafficSeed          seed of the clients' template choices (not key material)
     */
    public record Settings(Path models, Path fortunes, int[] queries, int[] tokensPerRequest, int alignmentRequests,
                           int vocabRequests, boolean pad, FrequencyAnalysisAttack.Refinement refinement,
                           FrequencyAnalysisAttack.Refinement perRequestRefinement, long trafficSeed) {
        public Settings {
            queries = queries.clone();
            tokensPerRequest = tokensPerRequest.clone();
            for (int q : queries) {
                if (q < 1) {
                    throw new IllegalArgumentException("queries must be >= 1, got " + q);
                }
            }
            for (int n : tokensPerRequest) {
                if (n < 1) {
                    throw new IllegalArgumentException("tokens per request must be >= 1, got " + n);
                }
            }
            if (alignmentRequests < 2 || vocabRequests < 2) {
                throw new IllegalArgumentException("alignment and vocabulary rows need >= 2 requests, got "
                        + alignmentRequests + " and " + vocabRequests);
            }
        }

        /** @return the test-suite size: up to 100 requests, 8 requests aligned, 3 attacked by weights */
        public static Settings quick() {
            return new Settings(RepoPaths.root().resolve("models"), FortuneCorpus.DEBIAN_DIR, new int[] {1, 10, 100},
                    new int[] {1, 2, 4, 8, 16, 24}, 8, 3, true, new FrequencyAnalysisAttack.Refinement(2, 20, 1000),
                    new FrequencyAnalysisAttack.Refinement(0.05, 20, 100), 1);
        }

        /** @return the documented run: up to 1000 requests, 32 aligned (up to 30 user-text tokens: a 32-token
         * request without a template), 8 attacked by weights */
        public static Settings full() {
            return new Settings(RepoPaths.root().resolve("models"), FortuneCorpus.DEBIAN_DIR,
                    new int[] {1, 10, 100, 1000}, new int[] {1, 2, 4, 8, 16, 24, 30}, 32, 8, true,
                    new FrequencyAnalysisAttack.Refinement(30, 20, 1000),
                    new FrequencyAnalysisAttack.Refinement(0.2, 20, 100), 1);
        }
    }

    /** One served request: its plaintext, its fresh key's permutations and what the server holds for it. */
    private record Served(RequestTraffic.Request plain, Permutation vocab, Permutation residual, int[] cipher,
                          double[][] tokEmbed, double[][][] streams) {
    }

    private static final String MODEL = "tiny-lm (fortune-app requests, fresh key per request)";

    private FreshKeyAttack() {
    }

    /**
     * @param s        settings
     * @param progress receives short progress lines
     * @return the token-stream rows (one per queries value), the activation rows (one per tokens-per-request value)
     *         and the weights row, all with id T6
     * @throws IOException if the model or the corpus cannot be read
     */
    public static List<AttackResult> run(Settings s, Consumer<String> progress) throws IOException {
        ModelDirectory.Model model = ModelDirectory.load(s.models().resolve("tiny-lm"));
        WordTokenizer tok = model.tokenizer();
        int v = model.config().architecture().vocabSize();
        int d = model.config().architecture().dModel();
        int context = model.config().architecture().seqLen();
        for (int n : s.tokensPerRequest()) {
            if (n > context) {
                throw new IllegalArgumentException("tokens per request " + n + " exceeds the context " + context);
            }
        }
        FortuneCorpus corpus = FortuneCorpus.load(s.fortunes());
        List<String> train = corpus.train();
        int split = (int) (train.size() * ThreatSuite.PUBLIC_SHARE);
        List<String> victimFortunes = new ArrayList<>(train.subList(split, train.size()));
        victimFortunes.addAll(corpus.validation());
        List<RequestTemplate> templates = RequestTemplate.fortuneApp();
        List<RequestTraffic.Request> publicReqs = RequestTraffic.build(train.subList(0, split), tok, templates,
                context, s.pad(), new Random(s.trafficSeed() * 2 + 1));
        List<RequestTraffic.Request> victimReqs = RequestTraffic.build(victimFortunes, tok, templates, context,
                s.pad(), new Random(s.trafficSeed() * 2));
        BigramModel lm = BigramModel.train(RequestTraffic.concat(publicReqs), v);

        int maxQ = 0;
        for (int q : s.queries()) {
            maxQ = Math.max(maxQ, q);
        }
        if (maxQ > victimReqs.size()) {
            throw new IllegalArgumentException(maxQ + " requests asked for, the victim text makes only "
                    + victimReqs.size());
        }
        // the defender's side for the token-stream rows: a fresh key per request; the server's copy of the
        // transformed token embedding is built from the key's vocabulary and residual permutations alone (the full
        // EeModelTransform costs ~0.3 s per model; the rows attacked through weights below use it, and check that
        // it gives the same embedding)
        double[][] embed = model.tensor("tok_embed.weight").toMatrix();
        long tTransform = System.nanoTime();
        List<Served> served = new ArrayList<>();
        // the server's cross-request vocabulary alignment: id c of request k -> id of request 1 with the same
        // sorted embedding row (no original weights involved); only the maps are kept (an embedding is 1 MiB)
        List<int[]> toFirst = new ArrayList<>();
        SortedRowIndex first = null;
        double alignSeconds = 0;
        for (int k = 0; k < maxQ; k++) {
            EeKey key = EeKey.generate();
            Permutation vocab = EeKeySchedule.derive(key, EeKeySchedule.vocabLabel(), v);
            Permutation residual = EeKeySchedule.derive(key, EeKeySchedule.residualLabel(), d);
            RequestTraffic.Request r = victimReqs.get(k);
            double[][] servedEmbed = permuted(embed, vocab, residual);
            // what EeCodec.permuteTokens sends (original id t -> vocab^{-1}(t)); the codec itself would derive
            // every permutation of the key again
            int[] cipher = new int[r.ids().length];
            for (int i = 0; i < cipher.length; i++) {
                cipher[i] = vocab.positionOf(r.ids()[i]);
            }
            served.add(new Served(r, vocab, residual, cipher, null, null));
            long ta = System.nanoTime();
            if (first == null) {
                first = new SortedRowIndex(servedEmbed);
            }
            toFirst.add(first.findAll(servedEmbed));
            alignSeconds += (System.nanoTime() - ta) / 1e9;
            if ((k + 1) % 200 == 0) {
                progress.accept("T6: " + (k + 1) + "/" + maxQ + " fresh-key requests served and aligned");
            }
        }
        double lightSeconds = (System.nanoTime() - tTransform) / 1e9;
        // the alignment rows: requests with at least max(tokensPerRequest) user-text tokens, fully transformed,
        // with the residual streams the server computes for them
        int maxN = Arrays.stream(s.tokensPerRequest()).max().orElse(1);
        List<Served> alignSet = new ArrayList<>();
        for (int k = 0; k < victimReqs.size() && alignSet.size() < s.alignmentRequests(); k++) {
            RequestTraffic.Request r = victimReqs.get(k);
            if (r.contentEnd() - r.contentStart() >= maxN) {
                alignSet.add(full(model, r, EeKey.generate(), true));
            }
        }
        if (alignSet.size() < s.alignmentRequests()) {
            throw new IllegalArgumentException("only " + alignSet.size() + " requests hold " + maxN
                    + " user-text tokens; lower tokensPerRequest or alignmentRequests");
        }
        List<Served> weightSet = new ArrayList<>();
        for (int k = 0; k < s.vocabRequests(); k++) {
            weightSet.add(full(model, victimReqs.get(k), EeKey.generate(), false));
        }
        double transformSeconds = (System.nanoTime() - tTransform) / 1e9;
        progress.accept(String.format("T6: %d fresh keys for the token streams in %.1f s, %d more with fully "
                        + "transformed models in %.1f s", maxQ, lightSeconds, alignSet.size() + weightSet.size(),
                transformSeconds - lightSeconds));

        List<AttackResult> out = new ArrayList<>();
        for (int q : s.queries()) {
            out.add(tokenStreams(served.subList(0, q), toFirst, lm, s, alignSeconds * q / maxQ));
            progress.accept("T6: token streams over " + q + " requests: " + describe(out.get(out.size() - 1)));
        }
        for (int n : s.tokensPerRequest()) {
            out.add(activations(alignSet, n, d));
            progress.accept("T6: activation alignment at " + n + " tokens per request: "
                    + describe(out.get(out.size() - 1)));
        }
        out.add(weights(model, weightSet));
        progress.accept("T6: weights: " + describe(out.get(out.size() - 1)));
        return out;
    }

    private static String describe(AttackResult r) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> e : r.metrics().entrySet()) {
            if (e.getKey().endsWith("_accuracy") || e.getKey().endsWith("_recovered")) {
                b.append(String.format("%s %.3f ", e.getKey(), ((Number) e.getValue()).doubleValue()));
            }
        }
        return b.toString().trim();
    }

    /** (a) frequency analysis of Q requests: fresh keys pooled, one request at a time, one shared key, aligned. */
    private static AttackResult tokenStreams(List<Served> reqs, List<int[]> toFirst, BigramModel lm, Settings s,
                                             double alignSeconds) {
        List<RequestTraffic.Request> plainReqs = new ArrayList<>();
        List<int[]> fresh = new ArrayList<>();
        List<int[]> sameKey = new ArrayList<>();
        List<int[]> aligned = new ArrayList<>();
        Permutation firstVocab = reqs.get(0).vocab();
        for (int k = 0; k < reqs.size(); k++) {
            Served r = reqs.get(k);
            plainReqs.add(r.plain());
            fresh.add(r.cipher());
            int[] ids = r.plain().ids();
            int[] same = new int[ids.length];
            int[] al = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                same[i] = firstVocab.positionOf(ids[i]);
                int a = toFirst.get(k)[r.cipher()[i]];
                al[i] = a >= 0 ? a : r.cipher()[i]; // an ambiguous row stays unaligned
            }
            sameKey.add(same);
            aligned.add(al);
        }
        int[] plain = RequestTraffic.concat(plainReqs);
        boolean[] user = CribAttack.userMask(plainReqs);

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queries", reqs.size());
        m.put("observed_tokens", plain.length);
        long t0 = System.nanoTime();
        int[] freshStream = CribAttack.concat(fresh);
        m.put("fresh_key_pooled_user_token_accuracy", userAccuracy(
                apply(FrequencyAnalysisAttack.decode(freshStream, lm, null, s.refinement()), freshStream),
                plain, user));
        double pooledSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        List<int[]> perRequest = new ArrayList<>();
        for (int[] c : fresh) {
            perRequest.add(apply(FrequencyAnalysisAttack.decode(c, lm, null, s.perRequestRefinement()), c));
        }
        m.put("fresh_key_per_request_user_token_accuracy", userAccuracy(CribAttack.concat(perRequest), plain,
                user));
        double perRequestSeconds = (System.nanoTime() - t1) / 1e9;
        long t2 = System.nanoTime();
        int[] alignedStream = CribAttack.concat(aligned);
        m.put("aligned_by_weights_user_token_accuracy", userAccuracy(
                apply(FrequencyAnalysisAttack.decode(alignedStream, lm, null, s.refinement()), alignedStream),
                plain, user));
        double alignedSeconds = (System.nanoTime() - t2) / 1e9 + alignSeconds;
        int[] sameStream = CribAttack.concat(sameKey);
        m.put("same_key_user_token_accuracy", userAccuracy(
                apply(FrequencyAnalysisAttack.decode(sameStream, lm, null, s.refinement()), sameStream),
                plain, user));
        m.put("fresh_key_pooled_seconds", pooledSeconds);
        m.put("fresh_key_per_request_seconds", perRequestSeconds);
        m.put("aligned_by_weights_seconds", alignedSeconds);
        return new AttackResult("T6", "fresh key per request: frequency analysis of the request tokens", MODEL,
                "permuted ids of every request + the transformed model served for each request (for the aligned "
                        + "variant; no original weights) + public text of the same kind",
                reqs.size() + " requests, " + plain.length + " permuted tokens, each request under its own key; "
                        + "same-key row: the same requests under one key",
                m, pooledSeconds + perRequestSeconds + alignedSeconds);
    }

    /**
     * (b) align the residual coordinates of request k to request 1 from their residual streams: from n user-text
     * token states of each (per layer: the stream after the embedding and after each block; and all layers jointly,
     * since one residual permutation serves every layer), and from the single state of position 0, which holds
     * {@code <bos>} in every request (so it is one vector under two permutations).
     */
    private static AttackResult activations(List<Served> reqs, int n, int d) {
        long t0 = System.nanoTime();
        Served a = reqs.get(0);
        int sets = a.streams().length;
        double[] okUser = new double[sets + 1];
        double okBos = 0;
        for (int k = 1; k < reqs.size(); k++) {
            Served b = reqs.get(k);
            List<double[][]> ja = new ArrayList<>();
            List<double[][]> jb = new ArrayList<>();
            List<double[][]> ba = new ArrayList<>();
            List<double[][]> bb = new ArrayList<>();
            for (int l = 0; l < sets; l++) {
                double[][] ua = rows(a.streams()[l], a.plain().contentStart(), n);
                double[][] ub = rows(b.streams()[l], b.plain().contentStart(), n);
                okUser[l] += fractionAligned(CoordinateAligner.align(ua, ub), a, b);
                ja.add(ua);
                jb.add(ub);
                ba.add(rows(a.streams()[l], 0, 1));
                bb.add(rows(b.streams()[l], 0, 1));
            }
            okUser[sets] += fractionAligned(CoordinateAligner.align(ja, jb), a, b);
            okBos += fractionAligned(CoordinateAligner.align(ba, bb), a, b);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int pairs = reqs.size() - 1;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokens_per_request", n);
        m.put("requests", reqs.size());
        for (int l = 0; l <= sets; l++) {
            String name = l == sets ? "all_layers" : "layer" + l;
            m.put(name + "_coordinates_recovered", okUser[l] / pairs);
        }
        m.put("bos_state_coordinates_recovered", okBos / pairs);
        m.put("chance_level", 1.0 / d);
        return new AttackResult("T6", "fresh key per request: cross-request alignment of hidden coordinates", MODEL,
                "the residual stream of each request as the server computes it (layer0 = after the embedding, "
                        + "layerL = after block L-1; d_model = " + d + " permuted coordinates); no weights, no "
                        + "originals",
                reqs.size() + " requests x " + n + " user-text token states: per-coordinate mean, std and "
                        + CoordinateAligner.PROFILE + " order statistics, minimum-cost assignment to request 1; "
                        + "bos_state_*: the one state of position 0 (<bos> in every request) instead",
                m, seconds);
    }

    /** (c) per-request permutations from the transformed weights, with and without the originals. */
    private static AttackResult weights(ModelDirectory.Model model, List<Served> reqs) {
        double[][] e = model.tensor("tok_embed.weight").toMatrix();
        long t0 = System.nanoTime();
        SortedRowIndex rows = new SortedRowIndex(e);
        SortedRowIndex cols = new SortedRowIndex(SortedSignatureMatcher.transpose(e));
        SortedRowIndex firstCols = new SortedRowIndex(SortedSignatureMatcher.transpose(reqs.get(0).tokEmbed()));
        List<int[]> toFirst = alignVocabularies(reqs);
        double vocabSum = 0;
        double vocabMin = 1;
        double residualSum = 0;
        double tokenSum = 0;
        double crossVocab = 0;
        double crossResidual = 0;
        for (int k = 0; k < reqs.size(); k++) {
            Served r = reqs.get(k);
            int[] vocabGuess = rows.findAll(r.tokEmbed());
            int[] residualGuess = cols.findAll(SortedSignatureMatcher.transpose(r.tokEmbed()));
            double fv = SortedSignatureMatcher.fractionCorrect(vocabGuess, r.vocab().sources());
            vocabSum += fv;
            vocabMin = Math.min(vocabMin, fv);
            residualSum += SortedSignatureMatcher.fractionCorrect(residualGuess, r.residual().sources());
            int ok = 0;
            for (int i = 0; i < r.cipher().length; i++) {
                ok += vocabGuess[r.cipher()[i]] == r.plain().ids()[i] ? 1 : 0;
            }
            tokenSum += (double) ok / r.cipher().length;
            if (k > 0) {
                int[] rf = firstCols.findAll(SortedSignatureMatcher.transpose(r.tokEmbed()));
                crossVocab += relativeFraction(toFirst.get(k), reqs.get(0).vocab().sources(), r.vocab().sources());
                crossResidual += relativeFraction(rf, reqs.get(0).residual().sources(), r.residual().sources());
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int n = reqs.size();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", n);
        m.put("vocab_recovered", vocabSum / n);
        m.put("vocab_recovered_min", vocabMin);
        m.put("residual_recovered", residualSum / n);
        m.put("request_token_accuracy", tokenSum / n);
        m.put("cross_request_vocab_recovered", crossVocab / (n - 1));
        m.put("cross_request_residual_recovered", crossResidual / (n - 1));
        return new AttackResult("T6", "fresh key per request: each request's permutations from its transformed weights",
                MODEL, "the transformed model served for each request; for vocab/residual_recovered and "
                + "request_token_accuracy also the public original weights of tiny-lm; for cross_request_* none "
                + "(relative to request 1)",
                n + " requests' transformed token embeddings (EeModelTransform); exact sorted-row/column lookup, "
                        + "no queries",
                m, seconds);
    }

    /** The server's cross-request vocabulary alignment: id c of request k -> id of request 1 with the same sorted
     * embedding row (no original weights involved). */
    private static List<int[]> alignVocabularies(List<Served> reqs) {
        SortedRowIndex first = new SortedRowIndex(reqs.get(0).tokEmbed());
        List<int[]> toFirst = new ArrayList<>();
        for (Served r : reqs) {
            toFirst.add(first.findAll(r.tokEmbed()));
        }
        return toFirst;
    }

    /** A request served by a model fully transformed under its own key (and, if asked, its residual streams). */
    private static Served full(ModelDirectory.Model model, RequestTraffic.Request r, EeKey key, boolean streams) {
        EePermutations perms = EePermutations.derive(key, model.config());
        ModelDirectory.Model t = EeModelTransform.transform(model, key);
        int[] cipher = new EeCodec(key, model.config()).permuteTokens(r.ids());
        double[][] tokEmbed = t.tensor("tok_embed.weight").toMatrix();
        double[][] light = permuted(model.tensor("tok_embed.weight").toMatrix(), perms.vocab(), perms.residual());
        if (!Arrays.deepEquals(tokEmbed, light)) {
            throw new IllegalStateException("EeModelTransform's token embedding differs from the permuted original; "
                    + "the token-stream rows would not model the served weights");
        }
        return new Served(r, perms.vocab(), perms.residual(), cipher, tokEmbed,
                streams ? new ReferenceModel(t).lmResidualStreams(cipher) : null);
    }

    /** {@code out[i][j] = e[rows.source(i)][cols.source(j)]}: EE's source-form move of a matrix. */
    private static double[][] permuted(double[][] e, Permutation rows, Permutation cols) {
        double[][] out = new double[e.length][e[0].length];
        for (int i = 0; i < out.length; i++) {
            double[] src = e[rows.source(i)];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = src[cols.source(j)];
            }
        }
        return out;
    }

    private static int contentLength(Served r) {
        return r.plain().contentEnd() - r.plain().contentStart();
    }

    private static double[][] rows(double[][] states, int from, int n) {
        return Arrays.copyOfRange(states, from, from + n);
    }

    /** Coordinate j of b aligned to g[j] of a is right if both hold the same original coordinate. */
    private static double fractionAligned(int[] g, Served a, Served b) {
        return relativeFraction(g, a.residual().sources(), b.residual().sources());
    }

    /** Fraction of j with {@code sourcesA[g[j]] == sourcesB[j]} (g[j] = -1 counts as wrong). */
    private static double relativeFraction(int[] g, int[] sourcesA, int[] sourcesB) {
        int ok = 0;
        for (int j = 0; j < g.length; j++) {
            if (g[j] >= 0 && sourcesA[g[j]] == sourcesB[j]) {
                ok++;
            }
        }
        return (double) ok / g.length;
    }

    private static int[] apply(int[] mapping, int[] cipher) {
        int[] out = new int[cipher.length];
        for (int i = 0; i < cipher.length; i++) {
            out[i] = mapping[cipher[i]];
        }
        return out;
    }

    private static double userAccuracy(int[] guessPlain, int[] plain, boolean[] user) {
        long ok = 0;
        long n = 0;
        for (int i = 0; i < plain.length; i++) {
            if (user[i]) {
                n++;
                ok += guessPlain[i] == plain[i] ? 1 : 0;
            }
        }
        return n == 0 ? 0.0 : (double) ok / n;
    }
}
