package org.cipherformer.model.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.data.FortuneCorpus;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.format.Domain;
import org.cipherformer.model.poly.RangeReport;
import org.cipherformer.model.reference.AccuracyTable.Row;
import org.cipherformer.model.reference.AccuracyTable.Verdict;
import org.cipherformer.model.tokenizer.WordTokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The accuracy table on the shipped models and small subsets of the real data (its figures recomputed here without
 * the evaluation code), and its verdicts on made-up figures at and around each target.
 */
class AccuracyTableTest {
    private static final Path ROOT = RepoPaths.root();
    private static final Path MODELS = ROOT.resolve("models");

    private static int directArgMax(double[] z) {
        int best = 0;
        for (int i = 1; i < z.length; i++) {
            best = z[i] > z[best] ? i : best;
        }
        return best;
    }

    @Test
    void polynomialVitAccuracyOnTheShippedSamplesEqualsADirectCount() throws Exception {
        FashionMnist.Samples s = FashionMnist.shippedSamples(ROOT);
        ReferenceModel ref = ReferenceModel.load(MODELS.resolve("vit-fmnist"));
        int correct = 0;
        for (int i = 0; i < s.size(); i++) {
            correct += directArgMax(ref.classify(s.image(i)).logits()[0]) == s.labels()[i] ? 1 : 0;
        }
        AccuracyReport.Evaluation e = AccuracyReport.evaluate(MODELS.resolve("vit-fmnist"), s, 1000, 2, null);
        assertEquals(64, e.total());
        assertEquals(correct, e.correct());
        assertTrue(correct > 40, "a trained model gets most of 64 images right, got " + correct);
        // per image: 17 tokens per LayerNorm instance, 17 rows x 4 heads per attention, 17 x 128 activations
        assertEquals(64 * 17, e.ranges().get("final_ln.inv_sqrt").count());
        assertEquals(64 * 17 * 4, e.ranges().get("layers.1.attn.inverse").count());
        assertEquals(64 * 17 * 128, e.ranges().get("layers.0.mlp.activation").count());
        assertEquals(64L * 17 * (5 + 2 * 4 + 2 * 128), e.ranges().totalCount());
        AccuracyReport.Evaluation one = AccuracyReport.evaluate(MODELS.resolve("vit-fmnist"), s, 1000, 1, null);
        assertEquals(e.correct(), one.correct());
        assertEquals(e.ranges().toString(), one.ranges().toString(), "thread count changes nothing");
    }

    @Test
    void tableOnSubsetsOfTheTestAndValidationSetsIsConsistent() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR)
                        && Files.isDirectory(FortuneCorpus.DEBIAN_DIR),
                "needs the Debian packages dataset-fashion-mnist and fortunes (scripts/setup.sh)");
        List<String> validation = FortuneCorpus.debian().validation();
        AccuracyTable.Table t = AccuracyTable.compute(new AccuracyTable.Settings(ROOT, MODELS,
                FashionMnist.debianTestSet(), 200, validation, 400, 2, null));

        assertEquals(200, t.vit().total());
        assertEquals(200, t.vitTwin().total());
        assertEquals(100.0 * (t.vit().correct() - t.vitTwin().correct()) / 200, t.accuracyGapPoints(), 1e-9);

        // tiny-lm: the validation stream built here by hand, its first 400 tokens = 12 windows of 32 (384 predictions)
        ReferenceModel lm = ReferenceModel.load(MODELS.resolve("tiny-lm"));
        WordTokenizer tok = lm.model().tokenizer();
        List<Integer> stream = new ArrayList<>();
        for (String f : validation) {
            stream.add(WordTokenizer.BOS);
            Arrays.stream(tok.encode(f)).forEach(stream::add);
            stream.add(WordTokenizer.EOS);
            if (stream.size() > 400) {
                break;
            }
        }
        double nll = 0;
        for (int w = 0; w < 12; w++) {
            int[] in = new int[32];
            for (int t2 = 0; t2 < 32; t2++) {
                in[t2] = stream.get(w * 32 + t2);
            }
            double[][] logits = lm.languageModel(in).logits();
            for (int p = 0; p < 32; p++) {
                double max = Arrays.stream(logits[p]).max().orElseThrow();
                double sum = Arrays.stream(logits[p]).map(z -> Math.exp(z - max)).sum();
                nll += max + Math.log(sum) - logits[p][stream.get(w * 32 + p + 1)];
            }
        }
        assertEquals(12, t.lm().windows());
        assertEquals(384, t.lm().predictions());
        assertEquals(Math.exp(nll / 384), t.lm().perplexity(), 1e-9 * t.lm().perplexity());
        assertEquals(384, t.lmTwin().predictions());
        assertEquals(t.lm().perplexity() / t.lmTwin().perplexity() - 1, t.perplexityExcess(), 1e-12);
        assertEquals(384, t.lm().ranges().get("layers.0.ln1.inv_sqrt").count());
        assertEquals(0, t.lmTwin().ranges().totalCount(), "the original twin has no polynomial");

        // the shipped models agree with their trainer logits (as ShippedModelsAgreementTest checks)
        assertEquals(4, t.agreement().size());
        for (ReferenceLogitsCheck.Outcome o : t.agreement()) {
            assertTrue(o.compared() > 0 && o.agrees(), o.toString());
        }

        List<Row> rows = t.rows();
        // 6 metric rows, 4 agreement rows, then per polynomial model one total row and 9 component rows
        assertEquals(6 + 4 + 2 * (1 + 9), rows.size());
        assertEquals(String.format(java.util.Locale.ROOT, "%.2f%% (%d / 200)", t.vit().accuracy() * 100,
                t.vit().correct()), rows.get(0).value());
        assertEquals(String.format(java.util.Locale.ROOT, "%.2f", t.lm().perplexity()), rows.get(3).value());
        String md = t.toMarkdown();
        assertEquals(2 + rows.size(), md.lines().filter(l -> l.startsWith("|")).count());
        long verdicts = rows.stream().filter(r -> r.verdict() != Verdict.NONE).count();
        assertTrue(md.contains("targets met: " + (verdicts - t.failures()) + " of " + verdicts), md);
    }

    private static AccuracyReport.Evaluation vit(String name, int correct, RangeReport ranges) {
        return new AccuracyReport.Evaluation(Path.of(name), "x", correct, 10000, ranges, 0);
    }

    /** An LM evaluation whose perplexity is exactly {@code ppl} (to rounding). */
    private static LanguageModelReport.Evaluation lm(String name, double ppl) {
        return new LanguageModelReport.Evaluation(Path.of(name), "x", 10, 320, 320 * Math.log(ppl), new RangeReport(),
                0);
    }

    private static ReferenceLogitsCheck.Outcome agreement(String name, long compared, double diff) {
        return new ReferenceLogitsCheck.Outcome(Path.of(name), compared, diff, "logits[0][0]");
    }

    private static AccuracyTable.Table table(int vitCorrect, int twinCorrect, double ppl, double twinPpl,
                                             RangeReport vitRanges, double diff, long compared) {
        return new AccuracyTable.Table(vit("vit-fmnist", vitCorrect, vitRanges), vit("vit-fmnist-original",
                twinCorrect, new RangeReport()), lm("tiny-lm", ppl), lm("tiny-lm-original", twinPpl),
                List.of(agreement("vit-fmnist", 640, 1e-14), agreement("vit-fmnist-original", 640, 1e-14),
                        agreement("tiny-lm", compared, diff), agreement("tiny-lm-original", 16384, 1e-14)));
    }

    private static String verdicts(AccuracyTable.Table t) {
        return t.rows().stream().map(r -> r.verdict().name().substring(0, 1)).collect(Collectors.joining());
    }

    @Test
    void verdictsFollowTheTargetsAtTheirBoundaries() {
        RangeReport clean = new RangeReport();
        clean.monitor("final_ln.inv_sqrt", new Domain(0.1, 10)).record(1.0);
        // at the boundaries: 88.00%, exactly 1.5 points below the twin, perplexity 10% above, difference 1e-4
        AccuracyTable.Table ok = table(8800, 8950, 55.0, 50.0, clean, 1e-4, 16384);
        // rows: vit acc, twin acc, gap, lm ppl, twin ppl, ppl gap, 4 agreements, range total, 1 component
        assertEquals("PNPNNPPPPPPP", verdicts(ok));
        assertEquals(-1.5, ok.accuracyGapPoints(), 1e-9);
        assertEquals(0, ok.failures());
        assertTrue(ok.toMarkdown().contains("targets met: 9 of 9"), ok.toMarkdown());
        assertEquals("+10.0%", ok.rows().get(5).value());
        assertEquals("0 of 1; seen [1.000, 1.000]", ok.rows().get(11).value());

        RangeReport dirty = new RangeReport();
        dirty.monitor("layers.0.attn.inverse", new Domain(1, 129)).record(130);
        dirty.monitor("layers.0.attn.inverse", new Domain(1, 129)).record(2);
        dirty.monitor("layers.0.attn.inverse", new Domain(1, 129)).record(3);
        dirty.monitor("layers.0.attn.inverse", new Domain(1, 129)).record(4);
        // one image fewer, 1.51 points below, perplexity 10.1% above, 1.1e-4 difference, an input outside
        AccuracyTable.Table bad = table(8799, 8950, 55.055, 50.0, dirty, 1.1e-4, 16384);
        assertEquals("FNFNNFPPFPFF", verdicts(bad));
        assertEquals(6, bad.failures());
        assertEquals("87.99% (8,799 / 10,000)", bad.rows().get(0).value());
        assertEquals("-1.51 points", bad.rows().get(2).value());
        assertEquals("1 of 4 (rate 2.50e-01); seen [2.000, 130.0]", bad.rows().get(11).value());
        assertTrue(bad.toMarkdown().contains("targets met: 3 of 9"), bad.toMarkdown());

        AccuracyTable.Table nothingCompared = table(8800, 8950, 55.0, 50.0, clean, 0, 0);
        assertEquals(Verdict.FAIL, nothingCompared.rows().get(8).verdict(), "an empty comparison proves nothing");
    }
}
