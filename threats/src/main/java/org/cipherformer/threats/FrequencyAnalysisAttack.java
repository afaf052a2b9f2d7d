package org.cipherformer.threats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cipherformer.model.ee.Permutation;

/**
 * T4, ciphertext-only frequency analysis of permuted token streams: an eavesdropper (or the server) sees only the
 * permuted ids a client sends and knows public text of the same kind.
 *
 * <p>Step 1 maps the r-th most frequent observed id to the r-th most frequent plaintext id of the public text.
 * Step 2 refines that mapping by hill climbing over swaps: the score of a mapping {@code m} is the log-likelihood
 * {@code sum over observed id bigrams (a, b) of n(a, b) log P(m(a) -> m(b))} under the attacker's {@link BigramModel};
 * a swap of {@code m(a)} and {@code m(b)} changes only the bigrams that touch {@code a} or {@code b}, so each trial
 * costs their degree. Candidates pair each observed id with the ids just below it in frequency rank (a window that
 * widens with rank, since ranks of rare ids are mostly ties); passes repeat until none improves or the time budget
 * runs out.
 */
public final class FrequencyAnalysisAttack {
    private FrequencyAnalysisAttack() {
    }

    /** Settings of the refinement. */
    public record Refinement(double secondsPerRun, int baseWindow, int maxPasses) {
        public Refinement {
            if (!(secondsPerRun >= 0) || baseWindow < 1 || maxPasses < 0) {
                throw new IllegalArgumentException("refinement needs seconds >= 0, window >= 1, passes >= 0; got "
                        + secondsPerRun + ", " + baseWindow + ", " + maxPasses);
            }
        }
    }

    /**
     * Attacks the first {@code n} tokens of the victim's stream for each {@code n} in {@code observed}.
     *
     * @param corpusName  name of the text source (for the report)
     * @param publicText  plaintext ids the attacker knows (disjoint from the victim's text)
     * @param victimText  the victim's plaintext ids (the attacker sees only their permutation)
     * @param vocab       the secret vocabulary permutation (source form: permuted id c carries plaintext
     *                    {@code vocab.source(c)})
     * @param observed    stream lengths to attack, each at most {@code victimText.length}
     * @param refinement  hill-climbing settings
     * @return one result per length
     */
    public static List<AttackResult> run(String corpusName, int[] publicText, int[] victimText, Permutation vocab,
                                         int[] observed, Refinement refinement) {
        int v = vocab.size();
        BigramModel lm = BigramModel.train(publicText, v);
        int[] plainByFreq = lm.byFrequency();
        List<AttackResult> out = new ArrayList<>();
        for (int n : observed) {
            if (n < 2 || n > victimText.length) {
                throw new IllegalArgumentException("observed length " + n + " outside [2, " + victimText.length
                        + "] (the victim stream's length)");
            }
            int[] cipher = new int[n];
            for (int i = 0; i < n; i++) {
                cipher[i] = vocab.positionOf(victimText[i]);
            }
            long t0 = System.nanoTime();
            long[] counts = new long[v];
            for (int c : cipher) {
                counts[c]++;
            }
            int[] cipherByFreq = FrequencyRanking.order(counts);
            int[] m = new int[v];
            for (int r = 0; r < v; r++) {
                m[cipherByFreq[r]] = plainByFreq[r];
            }
            double freqSeconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("observed_tokens", n);
            int distinct = 0;
            for (long c : counts) {
                distinct += c > 0 ? 1 : 0;
            }
            metrics.put("distinct_ids_observed", distinct);
            score(metrics, "frequency_", m, cipher, counts, vocab);
            metrics.put("frequency_seconds", freqSeconds);

            Hill h = new Hill(cipher, v, lm, m);
            long t1 = System.nanoTime();
            int passes = h.climb(cipherByFreq, distinct, refinement);
            double refineSeconds = (System.nanoTime() - t1) / 1e9;
            score(metrics, "refined_", m, cipher, counts, vocab);
            metrics.put("refine_passes", passes);
            metrics.put("refine_swaps_accepted", h.accepted);
            metrics.put("refine_seconds", refineSeconds);
            out.add(new AttackResult("T4", "ciphertext-only frequency analysis + bigram refinement",
                    corpusName, "permuted token stream only + public text of the same kind (" + publicText.length
                    + " plaintext tokens, disjoint from the victim's) + the vocabulary size",
                    n + " observed permuted tokens", metrics, freqSeconds + refineSeconds));
        }
        return out;
    }

    /**
     * Decodes one permuted stream with some ids already known (fixed anchors, e.g. from cribs, T3): step 1 maps the
     * free observed ids, in descending count order, to the plaintext ids the anchors do not use, in the public text's
     * frequency order; step 2 hill-climbs over swaps of free ids only, so anchors never move. With no anchors this is
     * exactly the mapping {@link #run} scores as {@code refined_}.
     *
     * @param cipher     observed permuted ids (each in [0, lm.vocab()))
     * @param lm         the attacker's bigram model of the plaintext
     * @param anchors    {@code anchors[c]} = known plaintext of permuted id c, or -1; null for none
     * @param refinement hill-climbing settings
     * @return {@code m[c]} = guessed plaintext of permuted id c (a bijection on the vocabulary)
     * @throws IllegalArgumentException if an id is out of range or two anchors name the same plaintext
     */
    public static int[] decode(int[] cipher, BigramModel lm, int[] anchors, Refinement refinement) {
        int v = lm.vocab();
        int[] fixed = anchors == null ? new int[v] : anchors.clone();
        if (anchors == null) {
            Arrays.fill(fixed, -1);
        } else if (anchors.length != v) {
            throw new IllegalArgumentException("anchors has " + anchors.length + " entries, vocabulary " + v);
        }
        boolean[] plainUsed = new boolean[v];
        for (int c = 0; c < v; c++) {
            int p = fixed[c];
            if (p >= v || p < -1) {
                throw new IllegalArgumentException("anchor of id " + c + " is " + p + ", outside [-1, " + v + ")");
            }
            if (p >= 0) {
                if (plainUsed[p]) {
                    throw new IllegalArgumentException("anchor plaintext " + p + " is named twice (again by id " + c
                            + ")");
                }
                plainUsed[p] = true;
            }
        }
        long[] counts = new long[v];
        for (int i = 0; i < cipher.length; i++) {
            int c = cipher[i];
            if (c < 0 || c >= v) {
                throw new IllegalArgumentException("observed id " + c + " at position " + i + " outside [0, " + v
                        + ")");
            }
            counts[c]++;
        }
        int[] free = Arrays.stream(FrequencyRanking.order(counts)).filter(c -> fixed[c] < 0).toArray();
        int[] plain = Arrays.stream(lm.byFrequency()).filter(p -> !plainUsed[p]).toArray();
        int[] m = fixed;
        int freeObserved = 0;
        for (int r = 0; r < free.length; r++) {
            m[free[r]] = plain[r];
            freeObserved += counts[free[r]] > 0 ? 1 : 0;
        }
        new Hill(cipher, v, lm, m).climb(free, freeObserved, refinement);
        return m;
    }

    private static void score(Map<String, Object> metrics, String prefix, int[] m, int[] cipher, long[] counts,
                              Permutation vocab) {
        long ok = 0;
        for (int c : cipher) {
            if (m[c] == vocab.source(c)) {
                ok++;
            }
        }
        int distinct = 0;
        int distinctOk = 0;
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] > 0) {
                distinct++;
                if (m[c] == vocab.source(c)) {
                    distinctOk++;
                }
            }
        }
        metrics.put(prefix + "token_accuracy", (double) ok / cipher.length);
        metrics.put(prefix + "distinct_recovered", distinct == 0 ? 0.0 : (double) distinctOk / distinct);
    }

    /** Hill climbing over swaps of the mapping, scored on the observed bigram graph. */
    private static final class Hill {
        final int[] m;
        final BigramModel lm;
        final int[][] outNbr;
        final int[][] outCnt;
        final int[][] inNbr;
        final int[][] inCnt;
        long accepted;

        Hill(int[] cipher, int v, BigramModel lm, int[] m) {
            this.m = m;
            this.lm = lm;
            Map<Long, int[]> pairs = new HashMap<>();
            for (int i = 1; i < cipher.length; i++) {
                long key = (long) cipher[i - 1] * v + cipher[i];
                pairs.computeIfAbsent(key, k -> new int[1])[0]++;
            }
            int[] outDeg = new int[v];
            int[] inDeg = new int[v];
            for (long k : pairs.keySet()) {
                outDeg[(int) (k / v)]++;
                inDeg[(int) (k % v)]++;
            }
            outNbr = new int[v][];
            outCnt = new int[v][];
            inNbr = new int[v][];
            inCnt = new int[v][];
            for (int i = 0; i < v; i++) {
                outNbr[i] = new int[outDeg[i]];
                outCnt[i] = new int[outDeg[i]];
                inNbr[i] = new int[inDeg[i]];
                inCnt[i] = new int[inDeg[i]];
            }
            int[] oFill = new int[v];
            int[] iFill = new int[v];
            for (Map.Entry<Long, int[]> e : pairs.entrySet()) {
                int a = (int) (e.getKey() / v);
                int b = (int) (e.getKey() % v);
                int n = e.getValue()[0];
                outNbr[a][oFill[a]] = b;
                outCnt[a][oFill[a]++] = n;
                inNbr[b][iFill[b]] = a;
                inCnt[b][iFill[b]++] = n;
            }
        }

        /** Log-likelihood of every observed bigram touching a or b, each counted once. */
        double local(int a, int b) {
            double s = 0;
            for (int k = 0; k < outNbr[a].length; k++) {
                s += outCnt[a][k] * lm.logProb(m[a], m[outNbr[a][k]]);
            }
            for (int k = 0; k < inNbr[a].length; k++) {
                int x = inNbr[a][k];
                if (x != a) {
                    s += inCnt[a][k] * lm.logProb(m[x], m[a]);
                }
            }
            for (int k = 0; k < outNbr[b].length; k++) {
                int y = outNbr[b][k];
                if (y != a) {
                    s += outCnt[b][k] * lm.logProb(m[b], m[y]);
                }
            }
            for (int k = 0; k < inNbr[b].length; k++) {
                int x = inNbr[b][k];
                if (x != a && x != b) {
                    s += inCnt[b][k] * lm.logProb(m[x], m[b]);
                }
            }
            return s;
        }

        int climb(int[] byFreq, int distinct, Refinement r) {
            long deadline = System.nanoTime() + (long) (r.secondsPerRun() * 1e9);
            int v = byFreq.length;
            int passes = 0;
            boolean improved = true;
            while (improved && passes < r.maxPasses() && System.nanoTime() < deadline) {
                improved = false;
                passes++;
                for (int i = 0; i < distinct && System.nanoTime() < deadline; i++) {
                    int a = byFreq[i];
                    int hi = Math.min(v - 1, i + r.baseWindow() + i / 2);
                    for (int j = i + 1; j <= hi; j++) {
                        int b = byFreq[j];
                        double before = local(a, b);
                        int t = m[a];
                        m[a] = m[b];
                        m[b] = t;
                        double after = local(a, b);
                        if (after > before + 1e-9) {
                            improved = true;
                            accepted++;
                        } else {
                            m[b] = m[a];
                            m[a] = t;
                        }
                    }
                }
            }
            return passes;
        }
    }
}
