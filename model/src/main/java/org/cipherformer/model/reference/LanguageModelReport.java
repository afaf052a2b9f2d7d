package org.cipherformer.model.reference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cipherformer.model.format.Task;
import org.cipherformer.model.poly.RangeReport;
import org.cipherformer.model.tokenizer.WordTokenizer;

/**
 * Evaluates causal LMs with the plaintext reference on text lines: each line becomes
 * {@code [<bos>] + encode(line) + [<eos>]}, truncated to seq_len; position t predicts id t+1. Reports the mean
 * cross-entropy (nats per predicted token), perplexity {@code exp(mean CE)} and top-1 next-token accuracy, plus the
 * range report of the polynomial components.
 *
 * <p>Usage: {@code LanguageModelReport [--limit N] TEXT_FILE MODEL_DIR...}.
 */
public final class LanguageModelReport {
    private LanguageModelReport() {
    }

    /**
     * One model's evaluation.
     *
     * @param model       model directory
     * @param variant     "polynomial" or "original"
     * @param predictions predicted tokens
     * @param correct     top-1 hits
     * @param totalLoss   summed cross-entropy in nats
     * @param ranges      merged range report
     */
    public record Evaluation(Path model, String variant, long predictions, long correct, double totalLoss,
                             RangeReport ranges) {
        /** @return mean cross-entropy per predicted token */
        public double meanLoss() {
            return predictions == 0 ? Double.NaN : totalLoss / predictions;
        }

        /** @return {@code exp(meanLoss)} */
        public double perplexity() {
            return Math.exp(meanLoss());
        }

        /** @return correct / predictions */
        public double accuracy() {
            return predictions == 0 ? Double.NaN : (double) correct / predictions;
        }
    }

    /**
     * @param tokenizer the model's tokenizer
     * @param line      text
     * @param seqLen    context length
     * @return {@code [<bos>] + encode(line) + [<eos>]}, truncated to seqLen
     */
    public static int[] sequenceIds(WordTokenizer tokenizer, String line, int seqLen) {
        int[] body = tokenizer.encode(line);
        int n = Math.min(seqLen, body.length + 2);
        int[] ids = new int[n];
        ids[0] = WordTokenizer.BOS;
        for (int i = 1; i < n; i++) {
            ids[i] = i - 1 < body.length ? body[i - 1] : WordTokenizer.EOS;
        }
        return ids;
    }

    /**
     * Evaluates one causal LM.
     *
     * @param modelDir model directory
     * @param lines    text lines (blank ones are skipped)
     * @param limit    at most this many lines
     * @return the evaluation
     * @throws IOException if the model cannot be loaded
     */
    public static Evaluation evaluate(Path modelDir, List<String> lines, int limit) throws IOException {
        ReferenceModel ref = ReferenceModel.load(modelDir);
        if (ref.config().task() != Task.CAUSAL_LM) {
            throw new IllegalArgumentException(modelDir + " is a " + ref.config().task().jsonName()
                    + " model; LanguageModelReport evaluates causal LMs");
        }
        WordTokenizer tok = ref.model().tokenizer();
        int seq = ref.config().architecture().seqLen();
        RangeReport ranges = new RangeReport();
        long predictions = 0;
        long correct = 0;
        double loss = 0;
        int used = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            if (used++ >= limit) {
                break;
            }
            int[] ids = sequenceIds(tok, line, seq);
            if (ids.length < 2) {
                continue;
            }
            double[][] logits = ref.lmLogits(ids, ranges);
            for (int t = 0; t + 1 < ids.length; t++) {
                double[] z = logits[t];
                int best = 0;
                double max = z[0];
                for (int v = 1; v < z.length; v++) {
                    if (z[v] > z[best]) {
                        best = v;
                    }
                    max = Math.max(max, z[v]);
                }
                double sum = 0;
                for (double zv : z) {
                    sum += Math.exp(zv - max);
                }
                loss += max + Math.log(sum) - z[ids[t + 1]];
                predictions++;
                if (best == ids[t + 1]) {
                    correct++;
                }
            }
        }
        return new Evaluation(modelDir, ref.config().variant().jsonName(), predictions, correct, loss, ranges);
    }

    /**
     * Command-line entry point (see the class comment).
     *
     * @param args options, the text file, model directories
     */
    public static void main(String[] args) throws IOException {
        int limit = Integer.MAX_VALUE;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--limit")) {
                limit = Integer.parseInt(args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        if (rest.size() < 2) {
            System.err.println("usage: LanguageModelReport [--limit N] TEXT_FILE MODEL_DIR...");
            System.exit(2);
        }
        List<String> lines = Files.readAllLines(Path.of(rest.get(0)), StandardCharsets.UTF_8);
        List<Evaluation> results = new ArrayList<>();
        for (String m : rest.subList(1, rest.size())) {
            Evaluation e = evaluate(Path.of(m), lines, limit);
            results.add(e);
            System.out.printf("== %s (%s): %d predictions, cross-entropy %.4f nats, perplexity %.2f, "
                    + "top-1 %.4f%n", m, e.variant(), e.predictions(), e.meanLoss(), e.perplexity(), e.accuracy());
            if (e.ranges().totalCount() > 0) {
                System.out.print(e.ranges());
            }
            System.out.println();
        }
        System.out.println("| model | variant | predicted tokens | perplexity | top-1 | polynomial inputs out of range |");
        System.out.println("|---|---|---|---|---|---|");
        for (Evaluation e : results) {
            System.out.printf("| %s | %s | %d | %.2f | %.2f%% | %s |%n", e.model().getFileName(), e.variant(),
                    e.predictions(), e.perplexity(), 100 * e.accuracy(), e.ranges().totalCount() == 0 ? "n/a"
                            : e.ranges().totalOutOfRange() + " / " + e.ranges().totalCount());
        }
    }
}
