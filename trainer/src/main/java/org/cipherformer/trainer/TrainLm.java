package org.cipherformer.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.cipherformer.model.data.FortuneCorpus;
import org.cipherformer.model.data.TokenWindows;
import org.cipherformer.model.tokenizer.WordTokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Trains the causal word-level LM on the fortunes corpus (polynomial variant or original twin) and writes a
 * checkpoint (weights + tokenizer JSON + provenance).
 *
 * <p>Usage: {@code TrainLm --variant polynomial|original --epochs N --seed S --checkpoint FILE [--vocab 2048]
 * [--context 32] [--d-model 64] [--mlp 128] [--batch 64] [--lr 2e-3] [--train-limit-tokens n] [--init FILE]
 * [--teacher FILE --distill-weight 0.5 --temperature 1] [--power 4 --attention-eps 1 --inverse-hi 129
 * --inverse-iterations 9]} (the last four: Power-Softmax of the polynomial variant; the inverse runs on [eps, hi]).
 * An epoch is (training tokens / context) windows of context + 1 tokens at seeded random offsets of the training
 * stream; validation perplexity is exp(mean cross-entropy) over every position of the non-overlapping windows of the
 * validation stream.
 */
public final class TrainLm {
    private TrainLm() {
    }

    public static void main(String[] argv) throws Exception {
        Result r = train(new Args(argv));
        System.out.printf(Locale.ROOT, "final validation perplexity %.3f (%d s)%n", r.validationPerplexity, r.seconds);
    }

    /** What a run produced. */
    public record Result(double validationPerplexity, double firstLoss, double lastLoss, long seconds,
                         Path checkpoint) {
    }

    public static Result train(Args args) throws Exception {
        String variant = args.get("variant", "polynomial");
        int epochs = args.getInt("epochs", 8);
        long seed = args.getInt("seed", 1);
        int batch = args.getInt("batch", 64);
        int context = args.getInt("context", 32);
        int vocabSize = args.getInt("vocab", 2048);
        int dModel = args.getInt("d-model", 64);
        int mlp = args.getInt("mlp", 128);
        float lr = (float) args.getDouble("lr", 2e-3);
        double rangeWeight = args.getDouble("range-weight", 1.0);
        Path checkpoint = Path.of(args.get("checkpoint", "/tmp/lm-" + variant + ".ckpt"));
        ComponentSettings settings = TrainVit.variantSettings(variant);
        if (settings.isPolynomial()) {
            // Power-Softmax overrides (defaults: PolynomialChoice.standard()); the inverse's domain is [eps, hi]
            settings = settings.withPowerSoftmax(args.getInt("power", settings.power),
                    args.getDouble("attention-eps", settings.attentionEps),
                    args.getDouble("inverse-hi", settings.invHi),
                    args.getInt("inverse-iterations", settings.invIterations));
        }
        // --init: continue from a checkpoint of the same model and variant (fresh optimizer state and schedule)
        Checkpoint init = args.get("init", null) == null ? null : Checkpoint.read(Path.of(args.get("init", null)));
        // --teacher: knowledge distillation from a trained checkpoint (the original twin), see Distillation
        Distillation distill = args.get("teacher", null) == null ? null
                : new Distillation(Checkpoint.read(Path.of(args.get("teacher", null))),
                        args.getDouble("distill-weight", 0.5), args.getDouble("temperature", 1.0));

        FortuneCorpus corpus = FortuneCorpus.load(Path.of(args.get("data", FortuneCorpus.DEBIAN_DIR.toString())));
        WordTokenizer tokenizer = WordTokenizer.train(corpus.train(), vocabSize);
        int[] trainIds = FortuneCorpus.stream(corpus.train(), tokenizer);
        int[] validIds = FortuneCorpus.stream(corpus.validation(), tokenizer);
        int limit = args.getInt("train-limit-tokens", trainIds.length);
        if (limit < trainIds.length) {
            trainIds = java.util.Arrays.copyOf(trainIds, limit);
            validIds = java.util.Arrays.copyOf(validIds, Math.min(validIds.length, Math.max(limit / 9, context + 1)));
        }
        int vocab = tokenizer.vocabSize();
        NetShape shape = new NetShape(dModel, 4, 2, mlp, context, vocab);
        int stepsPerEpoch = Math.max(1, (trainIds.length / context) / batch);
        int totalSteps = stepsPerEpoch * epochs;
        if (distill != null) {
            System.out.println("distilling from " + distill);
        }
        System.out.printf(Locale.ROOT, "lm %s: %s; %d train fortunes (%d tokens), %d validation fortunes (%d tokens),"
                        + " vocab %d, %s, batch %d, %d epochs x %d steps, lr %g, seed %d%n", variant, settings,
                corpus.train().size(), trainIds.length, corpus.validation().size(), validIds.length, vocab, shape,
                batch, epochs, stepsPerEpoch, lr, seed);

        LmNet net = new LmNet(shape);
        RangeMonitor monitor = new RangeMonitor(settings.isPolynomial() && rangeWeight > 0, PolynomialChoice.MARGIN);
        TransformerOps ops = new TransformerOps(settings, monitor, shape.heads(), true);
        Random rnd = new Random(seed * 7919 + 23);
        long start = System.nanoTime();
        double firstLoss = Double.NaN;
        double lastLoss = Double.NaN;
        double perplexity = Double.NaN;
        Map<String, double[]> rangeStats = new LinkedHashMap<>();
        try (Distillation teacher = distill;
             NDManager root = NDManager.newBaseManager();
             ParameterSet params = init == null ? net.initialize(new ParameterSet(root), seed)
                     : ParameterSet.fromCheckpoint(root, init)) {
            System.out.printf(Locale.ROOT, "%d parameters%n", params.count());
            Optimization opt = new Optimization(lr, Math.min(300, totalSteps / 10), totalSteps, 1.0f);
            long[] xs = new long[batch * context];
            long[] ys = new long[batch * context];
            int step = 0;
            for (int epoch = 0; epoch < epochs; epoch++) {
                double lossSum = 0;
                double penaltySum = 0;
                int lossCount = 0;
                for (int b = 0; b < stepsPerEpoch; b++) {
                    for (int i = 0; i < batch; i++) {
                        int off = rnd.nextInt(trainIds.length - context);
                        for (int t = 0; t < context; t++) {
                            xs[i * context + t] = trainIds[off + t];
                            ys[i * context + t] = trainIds[off + t + 1];
                        }
                    }
                    try (NDManager sm = root.newSubManager()) {
                        NDArray x = sm.create(xs, new Shape(batch, context));
                        NDArray y = sm.create(ys, new Shape(batch, context, 1));
                        double lossValue;
                        double penaltyValue = 0;
                        ops.setClampInputs(true);
                        NDArray teacherLogits = distill == null ? null : distill.logits(sm, x);
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            monitor.beginPass();
                            NDArray logits = net.forward(ops, params.views(sm), x);
                            NDArray loss = nextTokenLogProbabilities(logits, y).mean().neg();
                            NDArray total = distill == null ? loss : distill.loss(loss, logits, teacherLogits);
                            if (monitor.penalty() != null) {
                                total = loss.add(Scalars.mul(monitor.penalty(), rangeWeight));
                                penaltyValue = monitor.penalty().getFloat();
                            }
                            lossValue = loss.getFloat();
                            gc.backward(total);
                        }
                        opt.step(params);
                        if (!Double.isFinite(lossValue)) {
                            throw new IllegalStateException("loss became " + lossValue + " at step " + step);
                        }
                        if (Double.isNaN(firstLoss)) {
                            firstLoss = lossValue;
                        }
                        lastLoss = lossValue;
                        lossSum += lossValue;
                        penaltySum += penaltyValue;
                        lossCount++;
                    }
                    step++;
                    if (step % 50 == 0) {
                        System.out.printf(Locale.ROOT, "epoch %d step %d loss %.4f range-penalty %.3g  %ds%n", epoch,
                                step, lossSum / lossCount, penaltySum / lossCount,
                                (System.nanoTime() - start) / 1_000_000_000L);
                        System.out.flush();
                        lossSum = 0;
                        penaltySum = 0;
                        lossCount = 0;
                    }
                }
                ops.setClampInputs(false);
                monitor.resetStatistics();
                monitor.setRecordStatistics(true);
                perplexity = perplexity(root, net, ops, monitor, params, validIds, context, vocab);
                monitor.setRecordStatistics(false);
                rangeStats = new LinkedHashMap<>(monitor.statistics());
                System.out.printf(Locale.ROOT, "epoch %d validation perplexity %.3f  %ds%n%s", epoch, perplexity,
                        (System.nanoTime() - start) / 1_000_000_000L, monitor.describe());
                System.out.flush();
                // checkpoint after every epoch, so a run cut short still leaves its latest weights
                long seconds = (System.nanoTime() - start) / 1_000_000_000L;
                Map<String, String> meta = Checkpoint.runMetadata("tiny-lm", variant, seed, epochs, epoch + 1, init,
                        batch, lr, rangeWeight);
                settings.describeInto(meta);
                if (distill != null) {
                    distill.describeInto(meta);
                }
                meta.put("context", Integer.toString(context));
                meta.put("d_model", Integer.toString(dModel));
                meta.put("mlp_hidden", Integer.toString(mlp));
                meta.put("train_tokens", Integer.toString(trainIds.length));
                meta.put("validation_tokens", Integer.toString(validIds.length));
                meta.put("validation_perplexity", Double.toString(perplexity));
                meta.put("train_seconds", Long.toString(seconds));
                meta.put("command", args.commandLine);
                meta.put("range_statistics", RangeReport.encode(rangeStats));
                meta.put("tokenizer_json", tokenizer.toJson());
                if (checkpoint.getParent() != null) {
                    Files.createDirectories(checkpoint.getParent());
                }
                TrainVit.toCheckpoint(params, meta).write(checkpoint);
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            return new Result(perplexity, firstLoss, lastLoss, seconds, checkpoint);
        }
    }

    /** log softmax(logits)[target] per position: logits [B, T, V], targets [B, T, 1] int64 -> [B, T, 1]. */
    static NDArray nextTokenLogProbabilities(NDArray logits, NDArray targets) {
        return logits.logSoftmax(-1).gather(targets, -1);
    }

    /**
     * exp(mean next-token cross-entropy) over every position of the non-overlapping windows of the stream
     * ({@link TokenWindows}, shared with module model's accuracy report), float32, no gradients.
     */
    static double perplexity(NDManager root, LmNet net, TransformerOps ops, RangeMonitor monitor, ParameterSet params,
                             int[] ids, int context, int vocab) {
        int windows = TokenWindows.count(ids.length, context);
        int batch = 64;
        double nll = 0;
        long count = 0;
        for (int w0 = 0; w0 < windows; w0 += batch) {
            int n = Math.min(batch, windows - w0);
            long[] xs = new long[n * context];
            long[] ys = new long[n * context];
            for (int i = 0; i < n; i++) {
                int[] in = TokenWindows.inputs(ids, w0 + i, context);
                int[] out = TokenWindows.targets(ids, w0 + i, context);
                for (int t = 0; t < context; t++) {
                    xs[i * context + t] = in[t];
                    ys[i * context + t] = out[t];
                }
            }
            try (NDManager sm = root.newSubManager()) {
                monitor.beginPass();
                NDArray x = sm.create(xs, new Shape(n, context));
                NDArray y = sm.create(ys, new Shape(n, context, 1));
                NDArray logits = net.forward(ops, params.views(sm), x);
                nll -= nextTokenLogProbabilities(logits, y).sum().toType(DataType.FLOAT64, false).getDouble();
                count += (long) n * context;
            }
        }
        return Math.exp(nll / count);
    }
}
