package org.cipherformer.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Trains the Fashion-MNIST vision transformer (polynomial variant or original twin) and writes a checkpoint.
 *
 * <p>Usage: {@code TrainVit --variant polynomial|original --epochs N --seed S --checkpoint FILE [--batch 128]
 * [--lr 2e-3] [--range-weight 1] [--train-limit n] [--test-limit n]}.
 * Data: the 60000 training images (horizontally flipped with probability 1/2), evaluated on the 10000 test images.
 */
public final class TrainVit {
    private TrainVit() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Result r = train(args);
        System.out.printf(Locale.ROOT, "final test accuracy %.4f (%d s)%n", r.testAccuracy, r.seconds);
    }

    /** What a run produced. */
    public record Result(double testAccuracy, double firstLoss, double lastLoss, long seconds, Path checkpoint) {
    }

    public static NetShape vitShape() {
        return new NetShape(64, 4, 2, 128, FashionMnistPatches.PATCHES + 1, 10);
    }

    public static Result train(Args args) throws Exception {
        String variant = args.get("variant", "polynomial");
        int epochs = args.getInt("epochs", 10);
        long seed = args.getInt("seed", 1);
        int batch = args.getInt("batch", 128);
        float lr = (float) args.getDouble("lr", 2e-3);
        double rangeWeight = args.getDouble("range-weight", 1.0);
        Path checkpoint = Path.of(args.get("checkpoint", "/tmp/vit-" + variant + ".ckpt"));
        ComponentSettings settings = variantSettings(variant);
        // --init: continue from a checkpoint of the same model and variant (fresh optimizer state and schedule)
        Checkpoint init = args.get("init", null) == null ? null : Checkpoint.read(Path.of(args.get("init", null)));

        FashionMnistPatches train = FashionMnistPatches.debianTrainSet();
        FashionMnistPatches test = FashionMnistPatches.debianTestSet();
        int trainCount = Math.min(train.count, args.getInt("train-limit", train.count));
        int testCount = Math.min(test.count, args.getInt("test-limit", test.count));
        int stepsPerEpoch = trainCount / batch;
        int totalSteps = stepsPerEpoch * epochs;
        System.out.printf(Locale.ROOT, "vit %s: %s; %d train, %d test, batch %d, %d epochs, lr %g, seed %d%n",
                variant, settings, trainCount, testCount, batch, epochs, lr, seed);

        NetShape shape = vitShape();
        VitNet net = new VitNet(shape, FashionMnistPatches.PATCH_PIXELS);
        RangeMonitor monitor = new RangeMonitor(settings.isPolynomial() && rangeWeight > 0, PolynomialChoice.MARGIN);
        TransformerOps ops = new TransformerOps(settings, monitor, shape.heads(), false);
        Random shuffle = new Random(seed * 7919 + 17);
        long start = System.nanoTime();
        double firstLoss = Double.NaN;
        double lastLoss = Double.NaN;
        double accuracy = Double.NaN;
        Map<String, double[]> rangeStats = new LinkedHashMap<>();
        try (NDManager root = NDManager.newBaseManager();
             ParameterSet params = init == null ? net.initialize(new ParameterSet(root), seed)
                     : ParameterSet.fromCheckpoint(root, init)) {
            System.out.printf(Locale.ROOT, "%d parameters%n", params.count());
            Optimization opt = new Optimization(lr, Math.min(500, totalSteps / 10), totalSteps, 1.0f);
            int[] order = new int[trainCount];
            for (int i = 0; i < trainCount; i++) {
                order[i] = i;
            }
            float[] xs = new float[batch * FashionMnistPatches.PATCHES * FashionMnistPatches.PATCH_PIXELS];
            float[] ys = new float[batch * 10];
            int step = 0;
            for (int epoch = 0; epoch < epochs; epoch++) {
                shuffleInPlace(order, shuffle);
                double lossSum = 0;
                double penaltySum = 0;
                int lossCount = 0;
                for (int b = 0; b < stepsPerEpoch; b++) {
                    java.util.Arrays.fill(ys, 0f);
                    for (int i = 0; i < batch; i++) {
                        int idx = order[b * batch + i];
                        train.patches(idx, shuffle.nextBoolean(), xs,
                                i * FashionMnistPatches.PATCHES * FashionMnistPatches.PATCH_PIXELS);
                        ys[i * 10 + train.label(idx)] = 1f;
                    }
                    try (NDManager sm = root.newSubManager()) {
                        NDArray x = sm.create(xs, new Shape(batch, FashionMnistPatches.PATCHES, FashionMnistPatches.PATCH_PIXELS));
                        NDArray y = sm.create(ys, new Shape(batch, 10));
                        double lossValue;
                        double penaltyValue = 0;
                        boolean debug = step < Integer.getInteger("trainer.debugSteps", 0);
                        monitor.setRecordStatistics(debug);
                        ops.setClampInputs(true);
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            monitor.beginPass();
                            NDArray logits = net.forward(ops, params.views(sm), x);
                            NDArray loss = crossEntropy(logits, y);
                            NDArray total = loss;
                            if (monitor.penalty() != null) {
                                total = loss.add(Scalars.mul(monitor.penalty(), rangeWeight));
                                penaltyValue = monitor.penalty().getFloat();
                            }
                            lossValue = loss.getFloat();
                            gc.backward(total);
                        }
                        if (Boolean.getBoolean("trainer.printSteps")) {
                            System.out.printf(Locale.ROOT, "step %d loss %.4f penalty %.4g%n", step, lossValue, penaltyValue);
                        }
                        if (debug) {
                            System.out.printf(Locale.ROOT, "step %d loss %.4f penalty %.4g%n%s", step, lossValue,
                                    penaltyValue, monitor.describe());
                            monitor.resetStatistics();
                            monitor.setRecordStatistics(false);
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
                    if (step % 100 == 0) {
                        System.out.printf(Locale.ROOT, "epoch %d step %d loss %.4f range-penalty %.3g  %ds%n", epoch,
                                step, lossSum / lossCount, penaltySum / lossCount,
                                (System.nanoTime() - start) / 1_000_000_000L);
                        lossSum = 0;
                        penaltySum = 0;
                        lossCount = 0;
                    }
                }
                ops.setClampInputs(false);
                monitor.resetStatistics();
                monitor.setRecordStatistics(true);
                accuracy = evaluate(root, net, ops, monitor, params, test, testCount);
                monitor.setRecordStatistics(false);
                rangeStats = new LinkedHashMap<>(monitor.statistics());
                System.out.printf(Locale.ROOT, "epoch %d test accuracy %.4f  %ds%n%s", epoch, accuracy,
                        (System.nanoTime() - start) / 1_000_000_000L, monitor.describe());
                System.out.flush();
                // checkpoint after every epoch, so a run cut short still leaves its latest weights
                long seconds = (System.nanoTime() - start) / 1_000_000_000L;
                Map<String, String> meta = Checkpoint.runMetadata("vit-fmnist", variant, seed, epochs, epoch + 1, init,
                        batch, lr, rangeWeight);
                meta.put("train_examples", Integer.toString(trainCount));
                meta.put("test_examples", Integer.toString(testCount));
                meta.put("test_accuracy", Double.toString(accuracy));
                meta.put("train_seconds", Long.toString(seconds));
                meta.put("command", args.commandLine);
                meta.put("range_statistics", RangeReport.encode(rangeStats));
                if (checkpoint.getParent() != null) {
                    Files.createDirectories(checkpoint.getParent());
                }
                toCheckpoint(params, meta).write(checkpoint);
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            return new Result(accuracy, firstLoss, lastLoss, seconds, checkpoint);
        }
    }

    static ComponentSettings variantSettings(String variant) {
        switch (variant) {
            case "polynomial":
                return PolynomialChoice.standard();
            case "original":
                return ComponentSettings.original();
            default:
                throw new IllegalArgumentException("--variant must be polynomial or original, got " + variant);
        }
    }

    static Checkpoint toCheckpoint(ParameterSet params, Map<String, String> meta) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.arrays().entrySet()) {
            shapes.put(e.getKey(), e.getValue().getShape().getShape());
            tensors.put(e.getKey(), e.getValue().toFloatArray());
        }
        return new Checkpoint(meta, shapes, tensors);
    }

    /** Mean over the batch of -sum_c y_c log softmax(logits)_c. */
    static NDArray crossEntropy(NDArray logits, NDArray oneHot) {
        return logits.logSoftmax(-1).mul(oneHot).sum(new int[] {-1}).mean().neg();
    }

    static void shuffleInPlace(int[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Accuracy of the float32 network on the first {@code count} examples (no gradients). */
    static double evaluate(NDManager root, VitNet net, TransformerOps ops, RangeMonitor monitor, ParameterSet params,
                           FashionMnistPatches data, int count) {
        int batch = 500;
        int correct = 0;
        int stride = FashionMnistPatches.PATCHES * FashionMnistPatches.PATCH_PIXELS;
        for (int s = 0; s < count; s += batch) {
            int n = Math.min(batch, count - s);
            float[] xs = new float[n * stride];
            for (int i = 0; i < n; i++) {
                data.patches(s + i, false, xs, i * stride);
            }
            try (NDManager sm = root.newSubManager()) {
                monitor.beginPass();
                NDArray x = sm.create(xs, new Shape(n, FashionMnistPatches.PATCHES, FashionMnistPatches.PATCH_PIXELS));
                Map<String, NDArray> views = params.views(sm);
                NDArray logits = net.forward(ops, views, x);
                long[] pred = logits.argMax(-1).toType(DataType.INT64, false).toLongArray();
                for (int i = 0; i < n; i++) {
                    if (pred[i] == data.label(s + i)) {
                        correct++;
                    }
                }
            }
        }
        return correct / (double) count;
    }
}
