package org.cipherformer.model.reference;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.data.FortuneCorpus;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.poly.RangeMonitor;
import org.cipherformer.model.poly.RangeReport;

/**
 * The accuracy table of the shipped models (issue 3), computed with the Java double-precision reference:
 * <ul>
 *   <li>Fashion-MNIST test accuracy of the polynomial ViT and its original twin (all 10,000 test images); targets:
 *   polynomial {@code >= 88%} and at most 1.5 points below the twin;</li>
 *   <li>validation perplexity of the polynomial LM and its twin on exactly the trainer's validation split
 *   ({@link FortuneCorpus}, windows of {@link org.cipherformer.model.data.TokenWindows}); target: polynomial
 *   perplexity at most 10% above the twin's;</li>
 *   <li>per model, the largest |logit difference| between the Java reference and the trained DJL model on the shipped
 *   samples ({@link ReferenceLogitsCheck}); target {@code <= 1e-4};</li>
 *   <li>per polynomial component instance, how many of its inputs on the test / validation set fell outside its valid
 *   domain, with the smallest and largest input seen; target: never.</li>
 * </ul>
 *
 * <p>Usage ({@code scripts/accuracy-report.sh} builds module model and runs this):
 * {@code AccuracyTable [--models DIR] [--images N] [--tokens N] [--threads T] [--fashion-mnist DIR]
 * [--fortunes DIR] [--strict]}. It prints progress to stderr and one Markdown table to stdout; {@code --images} and
 * {@code --tokens} evaluate only the first N test images / validation tokens; {@code --strict} exits with status 1
 * when a target is not met (otherwise the status is 0 and the table says FAIL).
 */
public final class AccuracyTable {
    /** Smallest acceptable test accuracy of the polynomial ViT. */
    public static final double MIN_POLY_ACCURACY = 0.88;
    /** Largest acceptable accuracy loss of the polynomial ViT against its twin, in percentage points. */
    public static final double MAX_ACCURACY_DROP_POINTS = 1.5;
    /** Largest acceptable relative perplexity excess of the polynomial LM over its twin. */
    public static final double MAX_PERPLEXITY_EXCESS = 0.10;
    /** Slack of the gap comparisons, so that a figure exactly at its target is not failed by rounding. */
    private static final double ROUNDING = 1e-9;

    private AccuracyTable() {
    }

    /** Outcome of one row. */
    public enum Verdict {
        /** Target met. */
        PASS,
        /** Target not met. */
        FAIL,
        /** Informational row (a twin's figure). */
        NONE
    }

    /**
     * One line of the table.
     *
     * @param model   model directory name
     * @param measure what was measured, on what
     * @param value   the measured value
     * @param target  the target ("" for informational rows)
     * @param verdict PASS, FAIL or NONE
     */
    public record Row(String model, String measure, String value, String target, Verdict verdict) {
    }

    /**
     * Everything the table shows.
     *
     * @param vit       the polynomial ViT on the test images
     * @param vitTwin   its original twin on the same images
     * @param lm        the polynomial LM on the validation stream
     * @param lmTwin    its original twin on the same stream
     * @param agreement Java-vs-DJL comparison of each of the four models, in that order
     */
    public record Table(AccuracyReport.Evaluation vit, AccuracyReport.Evaluation vitTwin,
                        LanguageModelReport.Evaluation lm, LanguageModelReport.Evaluation lmTwin,
                        List<ReferenceLogitsCheck.Outcome> agreement) {
        /** @return polynomial minus twin test accuracy, in percentage points */
        public double accuracyGapPoints() {
            return 100 * (vit.accuracy() - vitTwin.accuracy());
        }

        /** @return polynomial perplexity / twin perplexity - 1 */
        public double perplexityExcess() {
            return lm.perplexity() / lmTwin.perplexity() - 1;
        }

        /** @return the rows, in print order */
        public List<Row> rows() {
            List<Row> rows = new ArrayList<>();
            String images = String.format(Locale.ROOT, "test accuracy, %,d Fashion-MNIST test images", vit.total());
            rows.add(new Row(name(vit.model()), images, percent(vit), ">= " + pct(MIN_POLY_ACCURACY),
                    verdict(vit.accuracy() >= MIN_POLY_ACCURACY)));
            rows.add(new Row(name(vitTwin.model()), String.format(Locale.ROOT, "test accuracy, %,d Fashion-MNIST test"
                    + " images", vitTwin.total()), percent(vitTwin), "", Verdict.NONE));
            rows.add(new Row(name(vit.model()), "accuracy minus twin's",
                    String.format(Locale.ROOT, "%+.2f points", accuracyGapPoints()),
                    String.format(Locale.ROOT, ">= -%.1f points", MAX_ACCURACY_DROP_POINTS),
                    verdict(accuracyGapPoints() >= -MAX_ACCURACY_DROP_POINTS - ROUNDING)));
            rows.add(new Row(name(lm.model()), perplexityMeasure(lm),
                    String.format(Locale.ROOT, "%.2f", lm.perplexity()), "", Verdict.NONE));
            rows.add(new Row(name(lmTwin.model()), perplexityMeasure(lmTwin),
                    String.format(Locale.ROOT, "%.2f", lmTwin.perplexity()), "", Verdict.NONE));
            rows.add(new Row(name(lm.model()), "perplexity over twin's",
                    String.format(Locale.ROOT, "%+.1f%%", 100 * perplexityExcess()),
                    String.format(Locale.ROOT, "<= +%.0f%%", 100 * MAX_PERPLEXITY_EXCESS),
                    verdict(perplexityExcess() <= MAX_PERPLEXITY_EXCESS + ROUNDING)));
            for (ReferenceLogitsCheck.Outcome o : agreement) {
                rows.add(new Row(name(o.model()), String.format(Locale.ROOT, "Java vs DJL: max abs logit difference,"
                        + " %,d logits of the shipped samples", o.compared()),
                        String.format(Locale.ROOT, "%.1e", o.maxAbsDiff()),
                        String.format(Locale.ROOT, "<= %.0e", ReferenceLogitsCheck.TOLERANCE),
                        verdict(o.agrees() && o.compared() > 0)));
            }
            addRanges(rows, vit.model(), vit.ranges(), "test images");
            addRanges(rows, vitTwin.model(), vitTwin.ranges(), "test images");
            addRanges(rows, lm.model(), lm.ranges(), "validation tokens");
            addRanges(rows, lmTwin.model(), lmTwin.ranges(), "validation tokens");
            return rows;
        }

        /** @return rows whose target is not met */
        public long failures() {
            return rows().stream().filter(r -> r.verdict() == Verdict.FAIL).count();
        }

        /** @return the table in Markdown, one row per line, then a line counting the targets met */
        public String toMarkdown() {
            List<Row> rows = rows();
            StringBuilder sb = new StringBuilder();
            sb.append("| model | measure | value | target | result |\n|---|---|---|---|---|\n");
            long pass = 0;
            long fail = 0;
            for (Row r : rows) {
                sb.append("| ").append(r.model()).append(" | ").append(r.measure()).append(" | ").append(r.value())
                        .append(" | ").append(r.target()).append(" | ")
                        .append(r.verdict() == Verdict.NONE ? "" : r.verdict().name()).append(" |\n");
                pass += r.verdict() == Verdict.PASS ? 1 : 0;
                fail += r.verdict() == Verdict.FAIL ? 1 : 0;
            }
            sb.append(String.format(Locale.ROOT, "%ntargets met: %d of %d%n", pass, pass + fail));
            return sb.toString();
        }
    }

    private static void addRanges(List<Row> rows, Path model, RangeReport ranges, String over) {
        if (ranges.totalCount() == 0) {
            return; // an original twin has no polynomial component
        }
        rows.add(new Row(name(model), "polynomial inputs outside their domain, all components, " + over,
                outside(ranges.totalOutOfRange(), ranges.totalCount()), "never",
                verdict(ranges.totalOutOfRange() == 0)));
        for (RangeMonitor m : ranges.monitors()) {
            rows.add(new Row(name(model), String.format(Locale.ROOT, "`%s` input outside [%s, %s]", m.name(),
                    bound(m.domain().lo()), bound(m.domain().hi())),
                    outside(m.outOfRange(), m.count()) + String.format(Locale.ROOT, "; seen [%.4g, %.4g]", m.min(),
                            m.max()), "never", verdict(m.outOfRange() == 0)));
        }
    }

    /** A domain bound with 4 significant digits and no trailing zeros (0.1, 129, -8). */
    private static String bound(double v) {
        return new BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros().toPlainString();
    }

    private static String outside(long out, long count) {
        String s = String.format(Locale.ROOT, "%,d of %,d", out, count);
        return out == 0 ? s : s + String.format(Locale.ROOT, " (rate %.2e)", (double) out / count);
    }

    private static String perplexityMeasure(LanguageModelReport.Evaluation e) {
        return String.format(Locale.ROOT, "validation perplexity, %,d fortune tokens (%,d windows)",
                e.predictions(), e.windows());
    }

    private static String percent(AccuracyReport.Evaluation e) {
        return String.format(Locale.ROOT, "%.2f%% (%,d / %,d)", 100 * e.accuracy(), e.correct(), e.total());
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }

    private static Verdict verdict(boolean met) {
        return met ? Verdict.PASS : Verdict.FAIL;
    }

    private static String name(Path model) {
        return model.getFileName().toString();
    }

    /**
     * What to evaluate.
     *
     * @param repoRoot    repository root (for the shipped samples of the Java-vs-DJL check)
     * @param models      directory holding vit-fmnist, vit-fmnist-original, tiny-lm and tiny-lm-original
     * @param images      test images and labels
     * @param imageLimit  evaluate the first min(imageLimit, images) images
     * @param validation  validation fortunes ({@link FortuneCorpus#validation()})
     * @param tokenLimit  evaluate the first min(tokenLimit, stream length) tokens of the validation stream
     * @param threads     worker threads
     * @param progress    progress lines (null: silent)
     */
    public record Settings(Path repoRoot, Path models, FashionMnist.Samples images, int imageLimit,
                           List<String> validation, int tokenLimit, int threads, PrintStream progress) {
    }

    /**
     * Evaluates the four shipped models.
     *
     * @param s what to evaluate
     * @return the table
     * @throws IOException if a model or sample file cannot be read
     */
    public static Table compute(Settings s) throws IOException {
        Path vit = s.models().resolve("vit-fmnist");
        Path vitTwin = s.models().resolve("vit-fmnist-original");
        Path lm = s.models().resolve("tiny-lm");
        Path lmTwin = s.models().resolve("tiny-lm-original");
        AccuracyReport.Evaluation v = AccuracyReport.evaluate(vit, s.images(), s.imageLimit(), s.threads(),
                s.progress());
        AccuracyReport.Evaluation vt = AccuracyReport.evaluate(vitTwin, s.images(), s.imageLimit(), s.threads(),
                s.progress());
        LanguageModelReport.Evaluation l = evaluateLm(lm, s);
        LanguageModelReport.Evaluation lt = evaluateLm(lmTwin, s);
        List<ReferenceLogitsCheck.Outcome> agreement = new ArrayList<>();
        for (Path m : List.of(vit, vitTwin, lm, lmTwin)) {
            agreement.add(ReferenceLogitsCheck.run(m, s.repoRoot()));
        }
        return new Table(v, vt, l, lt, agreement);
    }

    /** The validation stream is tokenized with the model's own tokenizer (the one the trainer built and exported). */
    private static LanguageModelReport.Evaluation evaluateLm(Path dir, Settings s) throws IOException {
        ReferenceModel ref = ReferenceModel.load(dir);
        int[] stream = FortuneCorpus.stream(s.validation(), ref.model().tokenizer());
        return LanguageModelReport.evaluate(dir, stream, s.tokenLimit(), s.threads(), s.progress());
    }

    /**
     * Command-line entry point (see the class comment).
     *
     * @param args options
     */
    public static void main(String[] args) throws IOException {
        Path root = RepoPaths.root();
        Path models = root.resolve("models");
        Path fashion = FashionMnist.DEBIAN_DIR;
        Path fortunes = FortuneCorpus.DEBIAN_DIR;
        int images = Integer.MAX_VALUE;
        int tokens = Integer.MAX_VALUE;
        int threads = Runtime.getRuntime().availableProcessors();
        boolean strict = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--models" -> models = Path.of(value(args, ++i));
                    case "--images" -> images = nonNegative(args, ++i);
                    case "--tokens" -> tokens = nonNegative(args, ++i);
                    case "--threads" -> threads = Math.max(1, nonNegative(args, ++i));
                    case "--fashion-mnist" -> fashion = Path.of(value(args, ++i));
                    case "--fortunes" -> fortunes = Path.of(value(args, ++i));
                    case "--strict" -> strict = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: AccuracyTable [--models DIR] [--images N] [--tokens N] [--threads T]"
                    + " [--fashion-mnist DIR] [--fortunes DIR] [--strict]");
            System.exit(2);
            return;
        }
        FashionMnist.Samples test = FashionMnist.read(fashion.resolve("t10k-images-idx3-ubyte.gz"),
                fashion.resolve("t10k-labels-idx1-ubyte.gz"));
        FortuneCorpus corpus = FortuneCorpus.load(fortunes);
        long start = System.nanoTime();
        Table t = compute(new Settings(root, models, test, images, corpus.validation(), tokens, threads,
                System.err));
        System.err.printf(Locale.ROOT, "done in %.0f s (%d threads)%n", (System.nanoTime() - start) / 1e9, threads);
        System.out.println("Accuracy report: Java double-precision reference (module model) on the Fashion-MNIST test"
                + " set and the fortunes validation split (fortune i with i % 10 == 0)");
        System.out.println();
        System.out.print(t.toMarkdown());
        if (strict && t.failures() > 0) {
            System.exit(1);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static int nonNegative(String[] args, int i) {
        String v = value(args, i);
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new IllegalArgumentException(args[i - 1] + " " + v + " is negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(args[i - 1] + " " + v + " is not an integer");
        }
    }
}
