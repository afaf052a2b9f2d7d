package org.cipherformer.model.reference;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.cipherformer.model.data.TokenWindows;
import org.cipherformer.model.format.Task;
import org.cipherformer.model.poly.RangeReport;

/**
 * Perplexity of a causal LM with the plaintext reference, measured the way the trainer measures validation perplexity:
 * over every position of the non-overlapping {@code seq_len}-token windows of a token stream ({@link TokenWindows}),
 * {@code exp(mean cross-entropy)} in nats, with the range report of the polynomial components over all windows.
 */
public final class LanguageModelReport {
    private LanguageModelReport() {
    }

    /**
     * One model's evaluation.
     *
     * @param model       model directory
     * @param variant     "polynomial" or "original"
     * @param windows     windows evaluated
     * @param predictions predicted tokens ({@code windows * seq_len})
     * @param totalLoss   summed cross-entropy in nats
     * @param ranges      merged range report
     * @param seconds     wall time
     */
    public record Evaluation(Path model, String variant, int windows, long predictions, double totalLoss,
                             RangeReport ranges, double seconds) {
        /** @return mean cross-entropy per predicted token (NaN for none) */
        public double meanLoss() {
            return predictions == 0 ? Double.NaN : totalLoss / predictions;
        }

        /** @return {@code exp(meanLoss)} */
        public double perplexity() {
            return Math.exp(meanLoss());
        }
    }

    /**
     * Evaluates one causal LM.
     *
     * @param modelDir  model directory
     * @param stream    token ids, e.g. {@code FortuneCorpus.stream(validation, tokenizer)}
     * @param maxTokens use only the first {@code min(maxTokens, stream.length)} ids of the stream
     * @param threads   worker threads (the result does not depend on it)
     * @param progress  receives progress lines (null: silent)
     * @return the evaluation
     * @throws IOException              if the model cannot be loaded
     * @throws IllegalArgumentException if the model is not a causal LM, an id is outside its vocabulary, or maxTokens
     *                                  or threads is below 0 or 1
     */
    public static Evaluation evaluate(Path modelDir, int[] stream, int maxTokens, int threads, PrintStream progress)
            throws IOException {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("token limit " + maxTokens + " is negative");
        }
        ReferenceModel ref = ReferenceModel.load(modelDir);
        if (ref.config().task() != Task.CAUSAL_LM) {
            throw new IllegalArgumentException(modelDir + " is a " + ref.config().task().jsonName()
                    + " model; LanguageModelReport evaluates causal LMs");
        }
        int context = ref.config().architecture().seqLen();
        int[] ids = stream.length <= maxTokens ? stream : Arrays.copyOf(stream, maxTokens);
        int windows = TokenWindows.count(ids.length, context);
        double[] windowLoss = new double[windows];
        long start = System.nanoTime();
        RangeReport ranges = ParallelEvaluation.run(ref.config().name(), "windows of " + context + " tokens", windows,
                threads, progress, (w, r) -> {
                    double[][] logits = ref.lmLogits(TokenWindows.inputs(ids, w, context), r);
                    int[] targets = TokenWindows.targets(ids, w, context);
                    double loss = 0;
                    for (int t = 0; t < context; t++) {
                        loss += crossEntropy(logits[t], targets[t]);
                    }
                    windowLoss[w] = loss;
                });
        double total = 0;
        for (double l : windowLoss) {
            total += l;
        }
        return new Evaluation(modelDir, ref.config().variant().jsonName(), windows, (long) windows * context, total,
                ranges, (System.nanoTime() - start) / 1e9);
    }

    /**
     * @param logits unnormalised log-probabilities
     * @param target the true id
     * @return {@code -log softmax(logits)[target] = logsumexp(logits) - logits[target]}, computed with the maximum
     *         subtracted so that no exponential overflows
     */
    static double crossEntropy(double[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (double z : logits) {
            max = Math.max(max, z);
        }
        double sum = 0;
        for (double z : logits) {
            sum += Math.exp(z - max);
        }
        return max + Math.log(sum) - logits[target];
    }
}
