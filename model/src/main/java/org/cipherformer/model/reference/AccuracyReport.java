package org.cipherformer.model.reference;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.format.Task;
import org.cipherformer.model.poly.RangeReport;

/**
 * Evaluates ViT models with the plaintext reference on the Fashion-MNIST test set (by default the Debian package's
 * 10,000 images) and prints, per model, the top-1 accuracy and the range report of its polynomial components, then a
 * summary table (the "polynomial vs original twin" accuracy table).
 *
 * <p>Usage: {@code AccuracyReport [--limit N] [--images FILE --labels FILE] MODEL_DIR...}; e.g.
 * {@code mvn -B -q -ntp -pl model exec:java -Dexec.mainClass=org.cipherformer.model.reference.AccuracyReport
 * -Dexec.args="models/vit-fmnist models/vit-fmnist-original"}.
 */
public final class AccuracyReport {
    private AccuracyReport() {
    }

    /**
     * One model's evaluation.
     *
     * @param model    model directory
     * @param variant  "polynomial" or "original"
     * @param correct  correctly classified images
     * @param total    images evaluated
     * @param ranges   merged range report over all images
     * @param seconds  wall time
     */
    public record Evaluation(Path model, String variant, int correct, int total, RangeReport ranges, double seconds) {
        /** @return correct / total */
        public double accuracy() {
            return total == 0 ? 0 : (double) correct / total;
        }
    }

    /**
     * Evaluates one ViT model.
     *
     * @param modelDir model directory
     * @param samples  test images and labels
     * @param limit    evaluate at most this many samples
     * @return the evaluation
     * @throws IOException if the model cannot be loaded
     */
    public static Evaluation evaluate(Path modelDir, FashionMnist.Samples samples, int limit) throws IOException {
        ReferenceModel ref = ReferenceModel.load(modelDir);
        if (ref.config().task() != Task.IMAGE_CLASSIFICATION) {
            throw new IllegalArgumentException(modelDir + " is a " + ref.config().task().jsonName()
                    + " model; AccuracyReport evaluates image classifiers");
        }
        int n = Math.min(limit, samples.size());
        RangeReport ranges = new RangeReport();
        long start = System.nanoTime();
        int correct = 0;
        for (int i = 0; i < n; i++) {
            double[] logits = ref.classLogits(samples.image(i), ranges);
            int best = 0;
            for (int c = 1; c < logits.length; c++) {
                if (logits[c] > logits[best]) {
                    best = c;
                }
            }
            if (best == samples.labels()[i]) {
                correct++;
            }
        }
        return new Evaluation(modelDir, ref.config().variant().jsonName(), correct, n, ranges,
                (System.nanoTime() - start) / 1e9);
    }

    /**
     * Command-line entry point (see the class comment).
     *
     * @param args options and model directories
     */
    public static void main(String[] args) throws IOException {
        int limit = Integer.MAX_VALUE;
        Path images = null;
        Path labels = null;
        List<Path> models = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--limit" -> limit = Integer.parseInt(args[++i]);
                case "--images" -> images = Path.of(args[++i]);
                case "--labels" -> labels = Path.of(args[++i]);
                default -> models.add(Path.of(args[i]));
            }
        }
        if (models.isEmpty()) {
            System.err.println("usage: AccuracyReport [--limit N] [--images FILE --labels FILE] MODEL_DIR...");
            System.exit(2);
        }
        FashionMnist.Samples samples = images == null ? FashionMnist.debianTestSet()
                : FashionMnist.read(images, labels);
        PrintStream out = System.out;
        List<Evaluation> results = new ArrayList<>();
        for (Path m : models) {
            Evaluation e = evaluate(m, samples, limit);
            results.add(e);
            out.printf("== %s (%s): accuracy %.4f (%d/%d), %.1f s%n", m, e.variant(), e.accuracy(), e.correct(),
                    e.total(), e.seconds());
            if (e.ranges().totalCount() > 0) {
                out.print(e.ranges());
                out.printf("inputs outside their polynomial's domain: %d of %d%n", e.ranges().totalOutOfRange(),
                        e.ranges().totalCount());
            }
            out.println();
        }
        out.println("| model | variant | test images | accuracy | polynomial inputs out of range |");
        out.println("|---|---|---|---|---|");
        for (Evaluation e : results) {
            out.printf("| %s | %s | %d | %.2f%% | %s |%n", e.model().getFileName(), e.variant(), e.total(),
                    100 * e.accuracy(), e.ranges().totalCount() == 0 ? "n/a"
                            : e.ranges().totalOutOfRange() + " / " + e.ranges().totalCount());
        }
    }
}
