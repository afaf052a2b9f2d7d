package org.cipherformer.model.reference;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.format.Task;
import org.cipherformer.model.poly.RangeReport;

/**
 * Top-1 accuracy of an image classifier with the plaintext reference on labelled images (the Fashion-MNIST test set
 * for the table of {@link AccuracyTable}), with the range report of its polynomial components over all images.
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
        /** @return correct / total (NaN for no images) */
        public double accuracy() {
            return total == 0 ? Double.NaN : (double) correct / total;
        }
    }

    /**
     * Evaluates one image classifier on one thread, silently.
     *
     * @param modelDir model directory
     * @param samples  test images and labels
     * @param limit    evaluate the first {@code min(limit, samples.size())} samples
     * @return the evaluation
     * @throws IOException              if the model cannot be loaded
     * @throws IllegalArgumentException if the model is not an image classifier
     */
    public static Evaluation evaluate(Path modelDir, FashionMnist.Samples samples, int limit) throws IOException {
        return evaluate(modelDir, samples, limit, 1, null);
    }

    /**
     * Evaluates one image classifier: an image counts as correct when the arg-max of its logits (the first on ties)
     * is its label.
     *
     * @param modelDir model directory
     * @param samples  test images and labels
     * @param limit    evaluate the first {@code min(limit, samples.size())} samples
     * @param threads  worker threads (the result does not depend on it)
     * @param progress receives progress lines (null: silent)
     * @return the evaluation
     * @throws IOException              if the model cannot be loaded
     * @throws IllegalArgumentException if the model is not an image classifier, or limit or threads is below 0 or 1
     */
    public static Evaluation evaluate(Path modelDir, FashionMnist.Samples samples, int limit, int threads,
                                      PrintStream progress) throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("image limit " + limit + " is negative");
        }
        ReferenceModel ref = ReferenceModel.load(modelDir);
        if (ref.config().task() != Task.IMAGE_CLASSIFICATION) {
            throw new IllegalArgumentException(modelDir + " is a " + ref.config().task().jsonName()
                    + " model; AccuracyReport evaluates image classifiers");
        }
        int n = Math.min(limit, samples.size());
        boolean[] hit = new boolean[n];
        long start = System.nanoTime();
        RangeReport ranges = ParallelEvaluation.run(ref.config().name(), "images", n, threads, progress, (i, r) ->
                hit[i] = argMax(ref.classLogits(samples.image(i), r)) == samples.labels()[i]);
        int correct = 0;
        for (boolean h : hit) {
            correct += h ? 1 : 0;
        }
        return new Evaluation(modelDir, ref.config().variant().jsonName(), correct, n, ranges,
                (System.nanoTime() - start) / 1e9);
    }

    /**
     * @param z values (non-empty)
     * @return the index of the largest, the first one on ties
     */
    static int argMax(double[] z) {
        int best = 0;
        for (int c = 1; c < z.length; c++) {
            if (z[c] > z[best]) {
                best = c;
            }
        }
        return best;
    }
}
