package org.cipherformer.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.format.ActivationSpec;
import org.cipherformer.model.format.Architecture;
import org.cipherformer.model.format.AttentionSpec;
import org.cipherformer.model.format.ChebyshevSpec;
import org.cipherformer.model.format.Components;
import org.cipherformer.model.format.DType;
import org.cipherformer.model.format.Domain;
import org.cipherformer.model.format.GoldschmidtSpec;
import org.cipherformer.model.format.ImageSpec;
import org.cipherformer.model.format.LayerNormSpec;
import org.cipherformer.model.format.ModelConfig;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.SafeTensors;
import org.cipherformer.model.format.Task;
import org.cipherformer.model.format.Tensor;
import org.cipherformer.model.format.Variant;
import org.cipherformer.model.reference.ReferenceModel;
import org.cipherformer.model.tokenizer.WordTokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a trainer checkpoint into a model directory of the model format (config.json, model.safetensors,
 * tokenizer.json for the LM) plus {@code reference-logits.safetensors}: the DJL graph's logits on the shipped samples,
 * computed in float64 from the stored float32 weights, without input clamping (exactly the format's semantics).
 * It then loads the directory back with module model's loader, recomputes the samples with its
 * {@link ReferenceModel} and fails if any logit differs by more than {@link #AGREEMENT}.
 *
 * <p>Usage: {@code ExportModel --checkpoint FILE --out models/<name> [--repo .]}.
 */
public final class ExportModel {
    /** Required agreement between the DJL float64 logits and module model's reference. */
    public static final double AGREEMENT = 1e-4;

    private ExportModel() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path out = Path.of(args.get("out", ""));
        if (out.toString().isEmpty()) {
            throw new IllegalArgumentException("--out is required");
        }
        double diff = export(Checkpoint.read(Path.of(args.get("checkpoint", ""))), out,
                Path.of(args.get("repo", ".")));
        System.out.printf(Locale.ROOT, "exported %s; max |DJL float64 - reference| = %.3g%n", out, diff);
    }

    /**
     * Exports and checks agreement.
     *
     * @return the largest absolute logit difference between the DJL graph and module model's reference
     * @throws IllegalStateException if that difference exceeds {@link #AGREEMENT}
     */
    public static double export(Checkpoint ck, Path out, Path repoRoot) throws IOException {
        String model = ck.metadata.get("model");
        String variant = ck.metadata.get("variant");
        ComponentSettings settings = ComponentSettings.fromMetadata(ck.metadata);
        boolean lm = "tiny-lm".equals(model);
        if (!lm && !"vit-fmnist".equals(model)) {
            throw new IllegalArgumentException("checkpoint holds unknown model " + model);
        }
        String name = out.getFileName().toString();
        WordTokenizer tokenizer = lm ? WordTokenizer.parse(ck.metadata.get("tokenizer_json"), "checkpoint") : null;
        NetShape shape;
        Architecture arch;
        if (lm) {
            long[] pos = ck.shapes.get("pos_embed");
            long[] fc1 = ck.shapes.get("layers.0.mlp.fc1.weight");
            shape = new NetShape((int) pos[1], 4, countLayers(ck), (int) fc1[0], (int) pos[0], tokenizer.vocabSize());
            arch = Architecture.causalLm(shape.dModel(), shape.heads(), shape.layers(), shape.mlpHidden(),
                    shape.seqLen(), shape.outputs());
        } else {
            shape = TrainVit.vitShape();
            arch = Architecture.vit(shape.dModel(), shape.heads(), shape.layers(), shape.mlpHidden(),
                    new ImageSpec(FashionMnistPatches.SIDE, FashionMnistPatches.SIDE, 1, FashionMnistPatches.PATCH,
                            true, shape.outputs(), FashionMnistPatches.PIXEL_MEAN, FashionMnistPatches.PIXEL_STD));
        }
        ModelConfig config = new ModelConfig(name, lm ? Task.CAUSAL_LM : Task.IMAGE_CLASSIFICATION,
                settings.isPolynomial() ? Variant.POLYNOMIAL : Variant.ORIGINAL, arch, components(settings),
                provenance(ck));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : ck.tensors.entrySet()) {
            long[] s = ck.shapes.get(e.getKey());
            int[] dims = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                dims[i] = (int) s[i];
            }
            double[] v = new double[e.getValue().length];
            for (int i = 0; i < v.length; i++) {
                v[i] = e.getValue()[i];
            }
            weights.put(e.getKey(), new Tensor(DType.F32, dims, v));
        }
        Files.createDirectories(out);
        ModelDirectory.write(out, config, weights, tokenizer, Map.of());

        // reference logits from the DJL graph in float64
        double[][] djl;
        double[][] ref;
        ReferenceModel reference = ReferenceModel.load(out);
        Map<String, Tensor> logits = new LinkedHashMap<>();
        try (NDManager root = NDManager.newBaseManager()) {
            Map<String, NDArray> p = new LinkedHashMap<>();
            for (Map.Entry<String, float[]> e : ck.tensors.entrySet()) {
                p.put(e.getKey(), root.create(e.getValue(), new Shape(ck.shapes.get(e.getKey())))
                        .toType(DataType.FLOAT64, true));
            }
            RangeMonitor monitor = new RangeMonitor(false, 0);
            TransformerOps ops = new TransformerOps(settings, monitor, shape.heads(), lm);
            if (lm) {
                List<int[]> prompts = promptIds(repoRoot, tokenizer, shape.seqLen());
                djl = new double[prompts.size()][];
                ref = new double[prompts.size()][];
                LmNet net = new LmNet(shape);
                for (int i = 0; i < prompts.size(); i++) {
                    int[] ids = prompts.get(i);
                    long[] x = new long[ids.length];
                    for (int t = 0; t < ids.length; t++) {
                        x[t] = ids[t];
                    }
                    try (NDManager sm = root.newSubManager()) {
                        NDArray out3 = net.forward(ops, p, sm.create(x, new Shape(1, ids.length)));
                        djl[i] = out3.get("0, -1, :").toDoubleArray();
                    }
                    double[][] r = reference.languageModel(ids).logits();
                    ref[i] = r[r.length - 1];
                }
                logits.put("logits_last", Tensor.ofMatrix(DType.F64, djl));
            } else {
                FashionMnist.Samples samples = FashionMnist.shippedSamples(repoRoot);
                FashionMnistPatches patches = new FashionMnistPatches(samples);
                int n = samples.size();
                int stride = FashionMnistPatches.PATCHES * FashionMnistPatches.PATCH_PIXELS;
                double[] xs = new double[n * stride];
                for (int i = 0; i < n; i++) {
                    patches.patches(i, false, xs, i * stride);
                }
                VitNet net = new VitNet(shape, FashionMnistPatches.PATCH_PIXELS);
                try (NDManager sm = root.newSubManager()) {
                    NDArray y = net.forward(ops, p, sm.create(xs, new Shape(n, FashionMnistPatches.PATCHES,
                            FashionMnistPatches.PATCH_PIXELS)));
                    double[] flat = y.toDoubleArray();
                    djl = new double[n][];
                    for (int i = 0; i < n; i++) {
                        djl[i] = java.util.Arrays.copyOfRange(flat, i * shape.outputs(), (i + 1) * shape.outputs());
                    }
                }
                ref = new double[n][];
                for (int i = 0; i < n; i++) {
                    ref[i] = reference.classify(samples.image(i)).logits()[0];
                }
                logits.put("logits", Tensor.ofMatrix(DType.F64, djl));
            }
        }
        double maxDiff = 0;
        for (int i = 0; i < djl.length; i++) {
            for (int j = 0; j < djl[i].length; j++) {
                double d = Math.abs(djl[i][j] - ref[i][j]);
                if (!(d <= maxDiff)) {
                    maxDiff = d; // NaN propagates and fails below
                }
            }
        }
        if (!(maxDiff <= AGREEMENT)) {
            throw new IllegalStateException(out + ": DJL and reference logits differ by " + maxDiff + " > "
                    + AGREEMENT);
        }
        SafeTensors.write(out.resolve("reference-logits.safetensors"), logits,
                Map.of("dtype_trained", "F32", "computed_by", "trainer/ExportModel (DJL float64)"));
        return maxDiff;
    }

    /** [<bos>] + encode(line), truncated to seq_len, for each line of data/prompts/prompts.txt. */
    static List<int[]> promptIds(Path repoRoot, WordTokenizer tokenizer, int seqLen) throws IOException {
        List<int[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(repoRoot.resolve("data/prompts/prompts.txt"), StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                continue;
            }
            int[] enc = tokenizer.encode(line);
            int[] ids = new int[Math.min(seqLen, enc.length + 1)];
            ids[0] = WordTokenizer.BOS;
            System.arraycopy(enc, 0, ids, 1, ids.length - 1);
            out.add(ids);
        }
        return out;
    }

    private static int countLayers(Checkpoint ck) {
        int n = 0;
        while (ck.tensors.containsKey("layers." + n + ".ln1.weight")) {
            n++;
        }
        return n;
    }

    static Components components(ComponentSettings s) {
        if (!s.isPolynomial()) {
            return new Components(new AttentionSpec.Softmax(), new LayerNormSpec.Exact(s.layerNormEps),
                    new ActivationSpec.Gelu());
        }
        return new Components(
                new AttentionSpec.PowerSoftmax(s.power, s.attentionEps,
                        new GoldschmidtSpec(new Domain(s.invLo, s.invHi), s.invIterations)),
                new LayerNormSpec.Polynomial(s.layerNormEps,
                        new ChebyshevSpec(new Domain(s.varLo, s.varHi), s.invSqrtCoefficients), s.newtonSteps),
                new ActivationSpec.Polynomial(new ChebyshevSpec(new Domain(s.actLo, s.actHi),
                        s.activationCoefficients), "gelu"));
    }

    /** The "training" object of config.json: how the weights were made and what they measure. */
    static Map<String, Object> provenance(Checkpoint ck) {
        Map<String, Object> t = new LinkedHashMap<>();
        Map<String, String> m = ck.metadata;
        boolean lm = "tiny-lm".equals(m.get("model"));
        t.put("trainer", "org.cipherformer.trainer." + (lm ? "TrainLm" : "TrainVit") + " (DJL 0.36.0, PyTorch 2.7.1 CPU,"
                + " 1 thread, float32)");
        t.put("command", "java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 org.cipherformer.trainer."
                + (lm ? "TrainLm " : "TrainVit ") + m.get("command") + "   (see scripts/train.sh)");
        t.put("seed", Long.parseLong(m.get("seed")));
        if (m.containsKey("init")) {
            t.put("continued_from", "the checkpoint of: " + m.get("init") + " (" + m.get("init_epochs")
                    + " epochs); optimizer state and schedule restarted");
        }
        if (m.containsKey("distilled_from")) {
            t.put("distilled_from", m.get("distilled_from"));
            t.put("distill_weight", Double.parseDouble(m.get("distill_weight")));
            t.put("distill_temperature", Double.parseDouble(m.get("distill_temperature")));
            t.put("distill_loss", "(1 - w) cross-entropy + w T^2 KL(teacher_T || student_T), mean over positions");
        }
        t.put("epochs", Integer.parseInt(m.get("epochs")));
        t.put("epochs_completed", Integer.parseInt(m.getOrDefault("epochs_completed", m.get("epochs"))));
        t.put("batch", Integer.parseInt(m.get("batch")));
        t.put("learning_rate", Double.parseDouble(m.get("lr")));
        t.put("optimizer", "Adam, linear warm-up then cosine decay to 2% of the peak, element-wise gradient clip 1");
        if ("polynomial".equals(m.get("variant"))) {
            t.put("range_regularizer_weight", Double.parseDouble(m.get("range_weight")));
        }
        t.put("train_seconds", Long.parseLong(m.get("train_seconds")));
        if (lm) {
            t.put("data", "Debian package fortunes: /usr/share/games/fortunes/* without extension, file-name order,"
                    + " split on '%' lines; fortune i is validation when i % 10 == 0; training windows of context+1"
                    + " tokens at seeded random offsets of the [<bos>] fortune [<eos>] stream");
            t.put("train_tokens", Long.parseLong(m.get("train_tokens")));
            t.put("validation_tokens", Long.parseLong(m.get("validation_tokens")));
            t.put("validation_perplexity", Double.parseDouble(m.get("validation_perplexity")));
        } else {
            t.put("data", "Debian package dataset-fashion-mnist: 60000 training images (random horizontal flips),"
                    + " 10000 test images");
            t.put("test_accuracy", Double.parseDouble(m.get("test_accuracy")));
        }
        Map<String, Object> ranges = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : RangeReport.decode(m.get("range_statistics")).entrySet()) {
            double[] v = e.getValue();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("min", v[0]);
            r.put("max", v[1]);
            r.put("outside_domain", (long) v[2]);
            r.put("values", (long) v[3]);
            ranges.put(e.getKey(), r);
        }
        if (!ranges.isEmpty()) {
            t.put("range_statistics", ranges);
            t.put("range_statistics_on", lm ? "validation set" : "test set");
        }
        return t;
    }
}
