package org.cipherformer.threats;

/**
 * The attacker's language model for T4: interpolated bigram log-probabilities estimated from public plaintext,
 * {@code log P(y | x) = log(lambda * c(x, y) / c(x) + (1 - lambda) * (c(y) + 1) / (N + V))} with {@code lambda = 0}
 * for a never-seen {@code x}. Add-one unigram smoothing keeps every entry finite, so a mapping is never scored
 * minus infinity for an unseen pair.
 */
public final class BigramModel {
    /** Weight of the bigram estimate against the unigram back-off. */
    static final double LAMBDA = 0.9;

    private final int vocab;
    private final float[] logProb;
    private final long[] unigram;

    private BigramModel(int vocab, float[] logProb, long[] unigram) {
        this.vocab = vocab;
        this.logProb = logProb;
        this.unigram = unigram;
    }

    /**
     * @param ids   plaintext token stream (ids in [0, vocab))
     * @param vocab vocabulary size (at most 8192: the table is dense, vocab^2 floats)
     * @return the model
     */
    public static BigramModel train(int[] ids, int vocab) {
        if (vocab < 1 || vocab > 8192) {
            throw new IllegalArgumentException("vocabulary size must be in [1, 8192] for a dense bigram table, got "
                    + vocab);
        }
        long[] uni = new long[vocab];
        int[] bi = new int[vocab * vocab];
        for (int i = 0; i < ids.length; i++) {
            int t = ids[i];
            if (t < 0 || t >= vocab) {
                throw new IllegalArgumentException("token id " + t + " at position " + i + " outside [0, " + vocab
                        + ")");
            }
            uni[t]++;
            if (i > 0) {
                bi[ids[i - 1] * vocab + t]++;
            }
        }
        long[] left = new long[vocab];
        for (int i = 0; i + 1 < ids.length; i++) {
            left[ids[i]]++;
        }
        float[] lp = new float[vocab * vocab];
        double denom = ids.length + (double) vocab;
        for (int x = 0; x < vocab; x++) {
            double l = left[x] == 0 ? 0 : LAMBDA;
            for (int y = 0; y < vocab; y++) {
                double pb = left[x] == 0 ? 0 : (double) bi[x * vocab + y] / left[x];
                double pu = (uni[y] + 1) / denom;
                lp[x * vocab + y] = (float) Math.log(l * pb + (1 - l) * pu);
            }
        }
        return new BigramModel(vocab, lp, uni);
    }

    /** @return log P(y | x) */
    public double logProb(int x, int y) {
        return logProb[x * vocab + y];
    }

    /** @return vocabulary size */
    public int vocab() {
        return vocab;
    }

    /** @return plaintext ids ordered by descending count in the training text (ties by id) */
    public int[] byFrequency() {
        return FrequencyRanking.order(unigram);
    }
}
