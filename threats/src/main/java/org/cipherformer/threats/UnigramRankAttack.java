package org.cipherformer.threats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cipherformer.model.ee.Permutation;
import org.cipherformer.model.tokenizer.WordTokenizer;

/**
 * A weight-free attack on the vocabulary permutation: the attacker has a per-id statistic of the served model that
 * tracks how frequent a token is (the output bias {@code lm_head.bias}, which a trained LM fills with roughly the
 * log unigram prior; the norm of an embedding row; the mean output probability over black-box queries), reads it at
 * every permuted id, and maps the r-th largest to the r-th most frequent token of public text. It needs no related
 * model, only public text of the same kind and the tokenizer (which is public: the client encodes with it).
 *
 * <p>Scored three ways: the fraction of ids mapped right ({@code vocab_recovered}, dominated by the many rare tokens,
 * whose ranks are ties), the fraction of the 100 most frequent tokens mapped right ({@code top100_recovered}), and
 * the fraction of a victim's token stream decoded right ({@code token_accuracy}, what matters for reading a prompt;
 * also without the {@code <unk>} tokens, {@code token_accuracy_without_unk}, since {@code <unk>} alone is a large
 * share of the stream).
 */
final class UnigramRankAttack {
    static final int TOP = 100;

    private UnigramRankAttack() {
    }

    /**
     * @param stat        statistic per permuted id (larger = assumed more frequent)
     * @param plainByFreq plaintext ids by descending public frequency
     * @return guess[c] = plaintext id assigned to permuted id c
     */
    static int[] map(double[] stat, int[] plainByFreq) {
        if (stat.length != plainByFreq.length) {
            throw new IllegalArgumentException("statistic has " + stat.length + " ids, public ranking "
                    + plainByFreq.length);
        }
        Integer[] ids = new Integer[stat.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        Arrays.sort(ids, Comparator.<Integer>comparingDouble(i -> -stat[i]).thenComparingInt(i -> i));
        int[] guess = new int[stat.length];
        for (int r = 0; r < ids.length; r++) {
            guess[ids[r]] = plainByFreq[r];
        }
        return guess;
    }

    /**
     * Maps and scores.
     *
     * @param stat         statistic per permuted id
     * @param publicCounts token counts of the attacker's public text
     * @param vocab        the true vocabulary permutation (scoring only)
     * @param victimStream the victim's plaintext tokens (scoring only)
     * @return metrics: vocab_recovered, top100_recovered, token_accuracy, token_accuracy_without_unk, unk_share,
     *         spearman_with_frequency, victim_tokens, chance_level
     */
    static Map<String, Object> score(double[] stat, long[] publicCounts, Permutation vocab, int[] victimStream) {
        int v = stat.length;
        int[] plainByFreq = FrequencyRanking.order(publicCounts);
        int[] guess = map(stat, plainByFreq);
        int[] truth = vocab.sources();
        int ok = 0;
        for (int c = 0; c < v; c++) {
            ok += guess[c] == truth[c] ? 1 : 0;
        }
        int top = 0;
        int tops = Math.min(TOP, v);
        for (int r = 0; r < tops; r++) {
            int t = plainByFreq[r];
            top += guess[vocab.positionOf(t)] == t ? 1 : 0;
        }
        int right = 0;
        int unk = 0;
        int unkRight = 0;
        for (int t : victimStream) {
            boolean hit = guess[vocab.positionOf(t)] == t;
            right += hit ? 1 : 0;
            if (t == WordTokenizer.UNK) {
                unk++;
                unkRight += hit ? 1 : 0;
            }
        }
        // how well the statistic tracks public frequency, per plaintext token
        double[] statByPlain = new double[v];
        double[] freq = new double[v];
        for (int c = 0; c < v; c++) {
            statByPlain[truth[c]] = stat[c];
        }
        for (int t = 0; t < v; t++) {
            freq[t] = publicCounts[t];
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vocab_recovered", (double) ok / v);
        m.put("top100_recovered", (double) top / tops);
        m.put("token_accuracy", victimStream.length == 0 ? 0.0 : (double) right / victimStream.length);
        // <unk> (every out-of-vocabulary word) is one of the most frequent ids, so one right guess there is worth a
        // large share of the stream: report the accuracy on the other tokens too
        int known = victimStream.length - unk;
        m.put("token_accuracy_without_unk", known == 0 ? 0.0 : (double) (right - unkRight) / known);
        m.put("unk_share", victimStream.length == 0 ? 0.0 : (double) unk / victimStream.length);
        m.put("spearman_with_frequency", spearman(statByPlain, freq));
        m.put("victim_tokens", victimStream.length);
        m.put("chance_level", 1.0 / v);
        return m;
    }

    /** Spearman rank correlation (average ranks for ties). */
    static double spearman(double[] x, double[] y) {
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += rx[i];
            my += ry[i];
        }
        mx /= x.length;
        my /= x.length;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
    }

    private static double[] ranks(double[] x) {
        Integer[] ids = new Integer[x.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        Arrays.sort(ids, Comparator.comparingDouble(i -> x[i]));
        double[] r = new double[x.length];
        int i = 0;
        while (i < ids.length) {
            int j = i;
            while (j + 1 < ids.length && x[ids[j + 1]] == x[ids[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0;
            for (int k = i; k <= j; k++) {
                r[ids[k]] = avg;
            }
            i = j + 1;
        }
        return r;
    }
}
