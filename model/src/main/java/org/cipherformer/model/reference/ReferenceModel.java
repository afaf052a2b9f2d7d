package org.cipherformer.model.reference;

import java.io.IOException;
import java.nio.file.Path;
import org.cipherformer.model.format.ActivationSpec;
import org.cipherformer.model.format.Architecture;
import org.cipherformer.model.format.AttentionSpec;
import org.cipherformer.model.format.ImageSpec;
import org.cipherformer.model.format.LayerNormSpec;
import org.cipherformer.model.format.ModelConfig;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.Task;
import org.cipherformer.model.format.Tensor;
import org.cipherformer.model.poly.ExactLayerNorm;
import org.cipherformer.model.poly.Gelu;
import org.cipherformer.model.poly.MaskedSoftmax;
import org.cipherformer.model.poly.PolyLayerNorm;
import org.cipherformer.model.poly.PolynomialActivation;
import org.cipherformer.model.poly.PowerSoftmax;
import org.cipherformer.model.poly.RangeMonitor;
import org.cipherformer.model.poly.RangeReport;

/**
 * Plaintext reference inference in double precision: runs exactly the program of docs/model-format.md (the
 * polynomial components for a polynomial model, softmax/LayerNorm/GELU for its original twin). Deterministic: same
 * inputs, same bits. The encrypted path is checked against it, and it is checked against the trainer's logits.
 *
 * <p>Every input of a polynomial component is recorded in a {@link RangeReport} under the component instance's name
 * ({@code layers.{i}.ln1.inv_sqrt}, {@code layers.{i}.attn.inverse}, {@code layers.{i}.ln2.inv_sqrt},
 * {@code layers.{i}.mlp.activation}, {@code final_ln.inv_sqrt}). Instances are immutable and thread-safe; each call
 * uses the report it is given.
 */
public final class ReferenceModel {
    private final ModelConfig config;
    private final Architecture arch;
    private final ModelDirectory.Model model;
    private final Block[] blocks;
    private final double[] finalGamma;
    private final double[] finalBeta;
    private final double[][] posEmbed;
    private final Linear head;
    // ViT
    private final Linear patchEmbed;
    private final double[] clsToken;
    // LM
    private final double[][] tokEmbed;
    // components
    private final PowerSoftmax powerSoftmax;
    private final PolyLayerNorm polyNorm;
    private final ExactLayerNorm exactNorm;
    private final PolynomialActivation polyAct;

    /** {@code y = W x + b}, {@code W} stored {@code [out][in]}. */
    private record Linear(double[][] w, double[] b) {
        double[] apply(double[] x) {
            double[] y = new double[w.length];
            for (int o = 0; o < w.length; o++) {
                double s = b[o];
                double[] row = w[o];
                for (int i = 0; i < x.length; i++) {
                    s += row[i] * x[i];
                }
                y[o] = s;
            }
            return y;
        }
    }

    private record Block(double[] ln1Gamma, double[] ln1Beta, Linear q, Linear k, Linear v, Linear out,
                         double[] ln2Gamma, double[] ln2Beta, Linear fc1, Linear fc2) {
    }

    /** @param model a loaded (hence validated) model */
    public ReferenceModel(ModelDirectory.Model model) {
        this.model = model;
        this.config = model.config();
        this.arch = config.architecture();
        blocks = new Block[arch.layers()];
        for (int i = 0; i < blocks.length; i++) {
            String p = "layers." + i + ".";
            blocks[i] = new Block(vec(p + "ln1.weight"), vec(p + "ln1.bias"), linear(p + "attn.q"),
                    linear(p + "attn.k"), linear(p + "attn.v"), linear(p + "attn.out"), vec(p + "ln2.weight"),
                    vec(p + "ln2.bias"), linear(p + "mlp.fc1"), linear(p + "mlp.fc2"));
        }
        finalGamma = vec("final_ln.weight");
        finalBeta = vec("final_ln.bias");
        posEmbed = model.tensor("pos_embed").toMatrix();
        if (config.task() == Task.IMAGE_CLASSIFICATION) {
            patchEmbed = linear("patch_embed");
            clsToken = vec("cls_token");
            head = linear("head");
            tokEmbed = null;
        } else {
            patchEmbed = null;
            clsToken = null;
            tokEmbed = model.tensor("tok_embed.weight").toMatrix();
            head = linear("lm_head");
        }
        var c = config.components();
        powerSoftmax = c.attention() instanceof AttentionSpec.PowerSoftmax ps ? new PowerSoftmax(ps) : null;
        polyNorm = c.layerNorm() instanceof LayerNormSpec.Polynomial pl ? new PolyLayerNorm(pl) : null;
        exactNorm = c.layerNorm() instanceof LayerNormSpec.Exact ex ? new ExactLayerNorm(ex.eps()) : null;
        polyAct = c.activation() instanceof ActivationSpec.Polynomial pa ? new PolynomialActivation(pa) : null;
    }

    /**
     * Loads a model directory and builds its reference.
     *
     * @param dir model directory
     * @return the reference model
     * @throws IOException if loading or validation fails
     */
    public static ReferenceModel load(Path dir) throws IOException {
        return new ReferenceModel(ModelDirectory.load(dir));
    }

    private double[] vec(String name) {
        return model.tensor(name).data();
    }

    private Linear linear(String prefix) {
        return new Linear(model.tensor(prefix + ".weight").toMatrix(), model.tensor(prefix + ".bias").data());
    }

    /** @return the configuration */
    public ModelConfig config() {
        return config;
    }

    /** @return the loaded model (config, weights, tokenizer) */
    public ModelDirectory.Model model() {
        return model;
    }

    /**
     * Logits and the range report of one inference.
     *
     * @param logits ViT: {@code [1][num_classes]}; LM: {@code [tokens][vocab]}
     * @param ranges inputs seen by each polynomial component
     */
    public record Result(double[][] logits, RangeReport ranges) {
    }

    /**
     * Classifies one image with a fresh range report.
     *
     * @param pixels {@code height * width * channels} values in [0, 255], row-major, channel last
     * @return logits {@code [1][num_classes]} and the range report
     */
    public Result classify(double[] pixels) {
        RangeReport r = new RangeReport();
        return new Result(new double[][] {classLogits(pixels, r)}, r);
    }

    /**
     * Runs the causal LM on a token sequence with a fresh range report.
     *
     * @param tokens 1 to seq_len token ids
     * @return logits {@code [tokens][vocab]} and the range report
     */
    public Result languageModel(int[] tokens) {
        RangeReport r = new RangeReport();
        return new Result(lmLogits(tokens, r), r);
    }

    /**
     * ViT forward pass: {@code x = (p/255 - mean)/std}; token 0 = cls_token, token t = patch_embed(patch t); add
     * pos_embed; blocks; final LN; head on token 0.
     *
     * @param pixels {@code height * width * channels} finite values (nominally [0, 255]), row-major, channel last
     * @param report receives component inputs
     * @return class logits
     * @throws IllegalStateException    if the model is not a ViT
     * @throws IllegalArgumentException if the pixel count is wrong or a pixel is not finite
     */
    public double[] classLogits(double[] pixels, RangeReport report) {
        if (config.task() != Task.IMAGE_CLASSIFICATION) {
            throw new IllegalStateException("model " + config.name() + " is a " + config.task().jsonName());
        }
        ImageSpec im = arch.image();
        int expected = im.height() * im.width() * im.channels();
        if (pixels.length != expected) {
            throw new IllegalArgumentException("image has " + pixels.length + " values, model " + config.name()
                    + " needs " + im.height() + "x" + im.width() + "x" + im.channels() + " = " + expected);
        }
        for (int i = 0; i < pixels.length; i++) {
            if (!Double.isFinite(pixels[i])) {
                throw new IllegalArgumentException("pixel " + i + " is " + pixels[i]);
            }
        }
        int p = im.patch();
        int c = im.channels();
        int perRow = im.width() / p;
        double[][] x = new double[arch.seqLen()][];
        x[0] = add(clsToken, posEmbed[0]);
        for (int t = 0; t < im.patchCount(); t++) {
            int top = (t / perRow) * p;
            int left = (t % perRow) * p;
            double[] patch = new double[im.patchDim()];
            for (int r = 0; r < p; r++) {
                for (int col = 0; col < p; col++) {
                    for (int ch = 0; ch < c; ch++) {
                        double v = pixels[((top + r) * im.width() + left + col) * c + ch];
                        patch[(r * p + col) * c + ch] = (v / 255.0 - im.pixelMean()) / im.pixelStd();
                    }
                }
            }
            x[t + 1] = add(patchEmbed.apply(patch), posEmbed[t + 1]);
        }
        double[][] h = encode(x, report, null);
        return head.apply(h[0]);
    }

    /**
     * Causal LM forward pass: token embeddings plus pos_embed; blocks; final LN; lm_head at every position.
     *
     * @param tokens 1 to seq_len ids in {@code [0, vocab_size)}
     * @param report receives component inputs
     * @return logits {@code [tokens.length][vocab_size]}
     * @throws IllegalStateException    if the model is not a causal LM
     * @throws IllegalArgumentException if the length or an id is out of range
     */
    public double[][] lmLogits(int[] tokens, RangeReport report) {
        double[][] h = encode(embedTokens(tokens), report, null);
        double[][] logits = new double[h.length][];
        for (int t = 0; t < h.length; t++) {
            logits[t] = head.apply(h[t]);
        }
        return logits;
    }

    /** {@code tok_embed[tokens[t]] + pos_embed[t]} for every position, after checking the task and the ids. */
    private double[][] embedTokens(int[] tokens) {
        requireLm();
        if (tokens.length < 1 || tokens.length > arch.seqLen()) {
            throw new IllegalArgumentException("sequence length " + tokens.length + " outside [1, " + arch.seqLen()
                    + "]");
        }
        double[][] x = new double[tokens.length][];
        for (int t = 0; t < tokens.length; t++) {
            if (tokens[t] < 0 || tokens[t] >= arch.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[t] + " at position " + t + " outside [0, "
                        + arch.vocabSize() + ")");
            }
            x[t] = add(tokEmbed[tokens[t]], posEmbed[t]);
        }
        return x;
    }

    /**
     * Pre-LN blocks then the final LN, on the residual stream {@code [tokens][d_model]}.
     *
     * @param streams if not null, receives the residual stream before block 0 at index 0 and after block l at index
     *                l + 1 (rows are never modified after they are stored: each step builds new rows)
     */
    private double[][] encode(double[][] x, RangeReport report, double[][][] streams) {
        if (streams != null) {
            streams[0] = x.clone();
        }
        for (int l = 0; l < blocks.length; l++) {
            Block b = blocks[l];
            String p = "layers." + l + ".";
            double[][] n1 = norm(x, b.ln1Gamma, b.ln1Beta, report, p + "ln1.inv_sqrt");
            double[][] att = attention(n1, b, report, p + "attn.inverse");
            for (int t = 0; t < x.length; t++) {
                x[t] = add(x[t], att[t]);
            }
            double[][] n2 = norm(x, b.ln2Gamma, b.ln2Beta, report, p + "ln2.inv_sqrt");
            RangeMonitor actMonitor = polyAct == null ? null
                    : report.monitor(p + "mlp.activation", polyAct.polynomial().domain());
            for (int t = 0; t < x.length; t++) {
                double[] h = b.fc1.apply(n2[t]);
                for (int i = 0; i < h.length; i++) {
                    h[i] = polyAct == null ? Gelu.value(h[i]) : polyAct.value(h[i], actMonitor);
                }
                x[t] = add(x[t], b.fc2.apply(h));
            }
            if (streams != null) {
                streams[l + 1] = x.clone();
            }
        }
        return norm(x, finalGamma, finalBeta, report, "final_ln.inv_sqrt");
    }

    /**
     * The residual stream of a causal LM (what a server running the model holds in memory between blocks):
     * {@code h_0[t] = tok_embed[tokens[t]] + pos_embed[t]} and {@code h_{l+1} = block_l(h_l)}; the logits of
     * {@link #lmLogits} are {@code lm_head(final_ln(h_layers[t]))}.
     *
     * @param tokens 1 to seq_len ids in {@code [0, vocab_size)}
     * @return {@code [layers + 1][tokens.length][d_model]}: index 0 the embedding output, index l + 1 the stream
     *         after block l (before the final LayerNorm)
     * @throws IllegalStateException    if the model is not a causal LM
     * @throws IllegalArgumentException if the length or an id is out of range
     */
    public double[][][] lmResidualStreams(int[] tokens) {
        double[][] x = embedTokens(tokens);
        double[][][] streams = new double[blocks.length + 1][][];
        encode(x, new RangeReport(), streams);
        return streams;
    }

    /**
     * The keys and values of every block for a fixed token prefix of a causal LM (a key/value cache), so that
     * {@link #lmNextResiduals} can evaluate one more token in time linear in the prefix length instead of re-running
     * the whole prefix. Immutable; built by {@link #lmPrefix}.
     */
    public static final class LmPrefix {
        private final ReferenceModel owner;
        private final int length;
        /** {@code [layer][position][d_model]}, heads concatenated as in the full pass. */
        private final double[][][] keys;
        private final double[][][] values;

        private LmPrefix(ReferenceModel owner, int length, double[][][] keys, double[][][] values) {
            this.owner = owner;
            this.length = length;
            this.keys = keys;
            this.values = values;
        }

        /** @return the number of prefix tokens */
        public int length() {
            return length;
        }
    }

    /**
     * Builds the key/value cache of a causal-LM prefix.
     *
     * @param tokens 0 to seq_len - 1 ids in {@code [0, vocab_size)}
     * @return the prefix cache
     * @throws IllegalStateException    if the model is not a causal LM
     * @throws IllegalArgumentException if the length or an id is out of range
     */
    public LmPrefix lmPrefix(int[] tokens) {
        requireLm();
        if (tokens.length > arch.seqLen() - 1) {
            throw new IllegalArgumentException("prefix length " + tokens.length + " outside [0, "
                    + (arch.seqLen() - 1) + "]");
        }
        double[][][] keys = new double[blocks.length][tokens.length][];
        double[][][] values = new double[blocks.length][tokens.length][];
        LmPrefix growing = new LmPrefix(this, 0, keys, values);
        for (int t = 0; t < tokens.length; t++) {
            step(growing, t, tokens[t], blocks.length, keys, values);
            growing = new LmPrefix(this, t + 1, keys, values);
        }
        return growing;
    }

    /**
     * The residual stream at position {@code prefix.length()} when {@code token} follows the prefix: the same values
     * as {@code lmResidualStreams(prefix + [token])[l][prefix.length()]} for {@code l <= layers} (same operations in
     * the same order), at a cost of one token instead of {@code prefix.length() + 1}. The prefix is not changed.
     *
     * @param prefix a cache built by this model's {@link #lmPrefix}
     * @param token  the next token id
     * @param layers how many blocks to run, in {@code [0, layers]}
     * @return {@code [layers + 1][d_model]}: index 0 the embedding output, index l + 1 the stream after block l
     * @throws IllegalArgumentException if the prefix belongs to another model, is full, or an argument is out of
     *                                  range
     */
    public double[][] lmNextResiduals(LmPrefix prefix, int token, int layers) {
        requireLm();
        if (prefix.owner != this) {
            throw new IllegalArgumentException("the prefix cache was built by another model");
        }
        if (prefix.length >= arch.seqLen()) {
            throw new IllegalArgumentException("prefix of " + prefix.length + " tokens leaves no position (seq_len "
                    + arch.seqLen() + ")");
        }
        if (layers < 0 || layers > blocks.length) {
            throw new IllegalArgumentException("layers " + layers + " outside [0, " + blocks.length + "]");
        }
        return step(prefix, prefix.length, token, layers, null, null);
    }

    /**
     * One causal-LM token at position {@code pos} attending to the cached prefix (positions {@code < pos}) and
     * itself; mirrors {@link #encode} row {@code pos} operation by operation. Stores its keys and values into
     * {@code keysOut}/{@code valuesOut} when they are not null.
     */
    private double[][] step(LmPrefix prefix, int pos, int token, int layers, double[][][] keysOut,
                            double[][][] valuesOut) {
        if (token < 0 || token >= arch.vocabSize()) {
            throw new IllegalArgumentException("token id " + token + " at position " + pos + " outside [0, "
                    + arch.vocabSize() + ")");
        }
        RangeReport report = new RangeReport();
        double[][] out = new double[layers + 1][];
        double[] x = add(tokEmbed[token], posEmbed[pos]);
        out[0] = x;
        int dh = arch.headDim();
        double scale = 1 / Math.sqrt(dh);
        for (int l = 0; l < layers; l++) {
            Block b = blocks[l];
            String p = "layers." + l + ".";
            double[] n1 = norm(new double[][] {x}, b.ln1Gamma, b.ln1Beta, report, p + "ln1.inv_sqrt")[0];
            double[] q = b.q.apply(n1);
            double[] k = b.k.apply(n1);
            double[] v = b.v.apply(n1);
            if (keysOut != null) {
                keysOut[l][pos] = k;
                valuesOut[l][pos] = v;
            }
            RangeMonitor m = powerSoftmax == null ? null
                    : report.monitor(p + "attn.inverse", powerSoftmax.inverse().domain());
            double[] concat = new double[arch.dModel()];
            for (int h = 0; h < arch.heads(); h++) {
                int off = h * dh;
                double[] s = new double[pos + 1];
                for (int j = 0; j <= pos; j++) {
                    double[] kj = j == pos ? k : prefix.keys[l][j];
                    double dot = 0;
                    for (int e = 0; e < dh; e++) {
                        dot += q[off + e] * kj[off + e];
                    }
                    s[j] = dot * scale;
                }
                // one query row over all visible keys: the causal row pos of the full pass
                double[] a = (powerSoftmax != null ? powerSoftmax.apply(new double[][] {s}, false, m)
                        : MaskedSoftmax.apply(new double[][] {s}, false))[0];
                for (int j = 0; j <= pos; j++) {
                    double w = a[j];
                    if (w != 0) {
                        double[] vj = j == pos ? v : prefix.values[l][j];
                        for (int e = 0; e < dh; e++) {
                            concat[off + e] += w * vj[off + e];
                        }
                    }
                }
            }
            x = add(x, b.out.apply(concat));
            double[] n2 = norm(new double[][] {x}, b.ln2Gamma, b.ln2Beta, report, p + "ln2.inv_sqrt")[0];
            RangeMonitor actMonitor = polyAct == null ? null
                    : report.monitor(p + "mlp.activation", polyAct.polynomial().domain());
            double[] hid = b.fc1.apply(n2);
            for (int i = 0; i < hid.length; i++) {
                hid[i] = polyAct == null ? Gelu.value(hid[i]) : polyAct.value(hid[i], actMonitor);
            }
            x = add(x, b.fc2.apply(hid));
            out[l + 1] = x;
        }
        return out;
    }

    private void requireLm() {
        if (config.task() != Task.CAUSAL_LM) {
            throw new IllegalStateException("model " + config.name() + " is a " + config.task().jsonName());
        }
    }

    private double[][] norm(double[][] x, double[] gamma, double[] beta, RangeReport report, String name) {
        double[][] out = new double[x.length][];
        RangeMonitor m = polyNorm == null ? null : report.monitor(name, polyNorm.domain());
        for (int t = 0; t < x.length; t++) {
            out[t] = polyNorm != null ? polyNorm.apply(x[t], gamma, beta, m) : exactNorm.apply(x[t], gamma, beta);
        }
        return out;
    }

    /** Multi-head attention with the configured normalisation, then the output projection. */
    private double[][] attention(double[][] x, Block b, RangeReport report, String name) {
        int n = x.length;
        int dh = arch.headDim();
        double[][] q = new double[n][];
        double[][] k = new double[n][];
        double[][] v = new double[n][];
        for (int t = 0; t < n; t++) {
            q[t] = b.q.apply(x[t]);
            k[t] = b.k.apply(x[t]);
            v[t] = b.v.apply(x[t]);
        }
        RangeMonitor m = powerSoftmax == null ? null : report.monitor(name, powerSoftmax.inverse().domain());
        double scale = 1 / Math.sqrt(dh);
        double[][] concat = new double[n][arch.dModel()];
        for (int h = 0; h < arch.heads(); h++) {
            int off = h * dh;
            double[][] s = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int e = 0; e < dh; e++) {
                        dot += q[i][off + e] * k[j][off + e];
                    }
                    s[i][j] = dot * scale;
                }
            }
            double[][] a = powerSoftmax != null ? powerSoftmax.apply(s, arch.causal(), m)
                    : MaskedSoftmax.apply(s, arch.causal());
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double w = a[i][j];
                    if (w != 0) {
                        for (int e = 0; e < dh; e++) {
                            concat[i][off + e] += w * v[j][off + e];
                        }
                    }
                }
            }
        }
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            out[t] = b.out.apply(concat[t]);
        }
        return out;
    }

    private static double[] add(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }

    /** @return the tensor of the given name (for tools that inspect weights) */
    public Tensor tensor(String name) {
        return model.tensor(name);
    }
}
