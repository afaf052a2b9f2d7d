package org.cipherformer.model.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.special.Erf;
import org.cipherformer.model.format.ActivationSpec;
import org.cipherformer.model.format.AttentionSpec;
import org.cipherformer.model.format.ChebyshevSpec;
import org.cipherformer.model.format.DType;
import org.cipherformer.model.format.ImageSpec;
import org.cipherformer.model.format.LayerNormSpec;
import org.cipherformer.model.format.ModelConfig;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.Task;
import org.cipherformer.model.format.Tensor;
import org.cipherformer.model.format.Variant;
import org.cipherformer.model.poly.RangeMonitor;
import org.cipherformer.model.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compares the reference against an independent whole-matrix implementation written here with Commons Math matrices,
 * the T_k sum instead of Clenshaw, and Goldschmidt's closed product form.
 */
class ReferenceModelTest {
    @TempDir
    Path tmp;

    // ---------- independent implementation (matrix form) ----------

    private static RealMatrix mat(Map<String, Tensor> w, String name) {
        return new Array2DRowRealMatrix(w.get(name).toMatrix());
    }

    private static double[] vec(Map<String, Tensor> w, String name) {
        return w.get(name).data();
    }

    /** X W^T + 1 b^T */
    private static RealMatrix linear(RealMatrix x, Map<String, Tensor> w, String prefix) {
        RealMatrix y = x.multiply(mat(w, prefix + ".weight").transpose());
        double[] b = vec(w, prefix + ".bias");
        for (int r = 0; r < y.getRowDimension(); r++) {
            for (int c = 0; c < y.getColumnDimension(); c++) {
                y.addToEntry(r, c, b[c]);
            }
        }
        return y;
    }

    /** sum_k c_k T_k(t) by the three-term recurrence (not Clenshaw). */
    private static double chebSum(ChebyshevSpec spec, double x) {
        double[] c = spec.coefficients();
        double t = (2 * x - spec.domain().lo() - spec.domain().hi()) / spec.domain().width();
        double tPrev = 1;
        double tCur = t;
        double s = c[0];
        for (int k = 1; k < c.length; k++) {
            s += c[k] * tCur;
            double next = 2 * t * tCur - tPrev;
            tPrev = tCur;
            tCur = next;
        }
        return s;
    }

    /** Goldschmidt as c * prod_{i=0}^{k} (1 + b0^(2^i)). */
    private static double goldschmidtProduct(AttentionSpec.PowerSoftmax ps, double x) {
        double c = 2 / (ps.inverse().domain().lo() + ps.inverse().domain().hi());
        double b = 1 - c * x;
        double prod = 1;
        double bp = b;
        for (int i = 0; i <= ps.inverse().iterations(); i++) {
            prod *= 1 + bp;
            bp = bp * bp;
        }
        return c * prod;
    }

    private static RealMatrix layerNorm(RealMatrix x, double[] g, double[] b, LayerNormSpec spec) {
        int n = x.getColumnDimension();
        RealMatrix out = x.copy();
        for (int r = 0; r < x.getRowDimension(); r++) {
            double[] row = x.getRow(r);
            double mu = java.util.Arrays.stream(row).sum() / n;
            double v = java.util.Arrays.stream(row).map(e -> (e - mu) * (e - mu)).sum() / n + spec.eps();
            double y;
            if (spec instanceof LayerNormSpec.Polynomial pl) {
                y = chebSum(pl.invSqrt(), v);
                for (int s = 0; s < pl.newtonSteps(); s++) {
                    y = 0.5 * y * (3 - v * y * y);
                }
            } else {
                y = Math.pow(v, -0.5);
            }
            for (int c = 0; c < n; c++) {
                out.setEntry(r, c, (row[c] - mu) * y * g[c] + b[c]);
            }
        }
        return out;
    }

    private static RealMatrix attention(RealMatrix x, Map<String, Tensor> w, String p, ModelConfig cfg) {
        int d = cfg.architecture().dModel();
        int heads = cfg.architecture().heads();
        int dh = d / heads;
        int n = x.getRowDimension();
        RealMatrix q = linear(x, w, p + "attn.q");
        RealMatrix k = linear(x, w, p + "attn.k");
        RealMatrix v = linear(x, w, p + "attn.v");
        RealMatrix mask = MatrixUtils.createRealMatrix(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                mask.setEntry(i, j, !cfg.architecture().causal() || j <= i ? 1 : 0);
            }
        }
        RealMatrix concat = MatrixUtils.createRealMatrix(n, d);
        for (int h = 0; h < heads; h++) {
            RealMatrix qh = q.getSubMatrix(0, n - 1, h * dh, h * dh + dh - 1);
            RealMatrix kh = k.getSubMatrix(0, n - 1, h * dh, h * dh + dh - 1);
            RealMatrix vh = v.getSubMatrix(0, n - 1, h * dh, h * dh + dh - 1);
            RealMatrix s = qh.multiply(kh.transpose()).scalarMultiply(1 / Math.sqrt(dh));
            RealMatrix a = MatrixUtils.createRealMatrix(n, n);
            for (int i = 0; i < n; i++) {
                double l = 0;
                for (int j = 0; j < n; j++) {
                    l += mask.getEntry(i, j);
                }
                if (cfg.components().attention() instanceof AttentionSpec.PowerSoftmax ps) {
                    double m = 0;
                    for (int j = 0; j < n; j++) {
                        m += mask.getEntry(i, j) * Math.pow(s.getEntry(i, j), ps.p());
                    }
                    m /= l;
                    double inv = goldschmidtProduct(ps, ps.eps() + m);
                    for (int j = 0; j < n; j++) {
                        a.setEntry(i, j, mask.getEntry(i, j) * Math.pow(s.getEntry(i, j), ps.p()) * inv / l);
                    }
                } else {
                    double z = 0;
                    for (int j = 0; j < n; j++) {
                        z += mask.getEntry(i, j) * Math.exp(s.getEntry(i, j));
                    }
                    for (int j = 0; j < n; j++) {
                        a.setEntry(i, j, mask.getEntry(i, j) * Math.exp(s.getEntry(i, j)) / z);
                    }
                }
            }
            concat.setSubMatrix(a.multiply(vh).getData(), 0, h * dh);
        }
        return linear(concat, w, p + "attn.out");
    }

    private static RealMatrix blocks(RealMatrix x, Map<String, Tensor> w, ModelConfig cfg) {
        for (int l = 0; l < cfg.architecture().layers(); l++) {
            String p = "layers." + l + ".";
            x = x.add(attention(layerNorm(x, vec(w, p + "ln1.weight"), vec(w, p + "ln1.bias"),
                    cfg.components().layerNorm()), w, p, cfg));
            RealMatrix h = linear(layerNorm(x, vec(w, p + "ln2.weight"), vec(w, p + "ln2.bias"),
                    cfg.components().layerNorm()), w, p + "mlp.fc1");
            ActivationSpec act = cfg.components().activation();
            h.walkInOptimizedOrder(new org.apache.commons.math3.linear.DefaultRealMatrixChangingVisitor() {
                @Override
                public double visit(int r, int c, double value) {
                    return act instanceof ActivationSpec.Polynomial pa ? chebSum(pa.polynomial(), value)
                            : value * 0.5 * (1 + Erf.erf(value / Math.sqrt(2)));
                }
            });
            x = x.add(linear(h, w, p + "mlp.fc2"));
        }
        return layerNorm(x, vec(w, "final_ln.weight"), vec(w, "final_ln.bias"), cfg.components().layerNorm());
    }

    private static double[] independentVit(ModelConfig cfg, Map<String, Tensor> w, double[] pixels) {
        ImageSpec im = cfg.architecture().image();
        int p = im.patch();
        int np = im.patchCount();
        // patches: walk the image and drop each pixel into its patch
        double[][] patches = new double[np][im.patchDim()];
        for (int r = 0; r < im.height(); r++) {
            for (int c = 0; c < im.width(); c++) {
                int patchIndex = (r / p) * (im.width() / p) + c / p;
                int inPatch = (r % p) * p + c % p;
                patches[patchIndex][inPatch] = (pixels[r * im.width() + c] / 255.0 - im.pixelMean()) / im.pixelStd();
            }
        }
        RealMatrix emb = linear(new Array2DRowRealMatrix(patches), w, "patch_embed");
        RealMatrix x = MatrixUtils.createRealMatrix(np + 1, cfg.architecture().dModel());
        x.setRow(0, vec(w, "cls_token"));
        x.setSubMatrix(emb.getData(), 1, 0);
        x = x.add(mat(w, "pos_embed"));
        RealMatrix h = blocks(x, w, cfg);
        return linear(h.getSubMatrix(0, 0, 0, h.getColumnDimension() - 1), w, "head").getRow(0);
    }

    private static double[][] independentLm(ModelConfig cfg, Map<String, Tensor> w, int[] tokens) {
        RealMatrix e = mat(w, "tok_embed.weight");
        RealMatrix pos = mat(w, "pos_embed");
        RealMatrix x = MatrixUtils.createRealMatrix(tokens.length, cfg.architecture().dModel());
        for (int t = 0; t < tokens.length; t++) {
            x.setRowVector(t, e.getRowVector(tokens[t]).add(pos.getRowVector(t)));
        }
        return linear(blocks(x, w, cfg), w, "lm_head").getData();
    }

    // ---------- tests ----------

    private static double[] randomImage(Random rnd, int n) {
        double[] px = new double[n];
        for (int i = 0; i < n; i++) {
            px[i] = rnd.nextInt(256);
        }
        return px;
    }

    private ReferenceModel saveAndLoad(ModelConfig cfg, Map<String, Tensor> w) throws Exception {
        Path dir = tmp.resolve(cfg.name() + "-" + cfg.variant().jsonName());
        ModelDirectory.write(dir, cfg, w, cfg.task() == Task.CAUSAL_LM ? TestModels.tokenizer() : null, Map.of());
        return ReferenceModel.load(dir);
    }

    @Test
    void vitMatchesIndependentMatrixComputation() throws Exception {
        Random rnd = new Random(41);
        for (Variant variant : Variant.values()) {
            ModelConfig cfg = TestModels.vit(variant);
            Map<String, Tensor> w = TestModels.randomWeights(cfg, 100 + variant.ordinal(), DType.F32);
            ReferenceModel ref = saveAndLoad(cfg, w);
            for (int trial = 0; trial < 10; trial++) {
                double[] px = randomImage(rnd, 64);
                ReferenceModel.Result r = ref.classify(px);
                double[] expected = independentVit(cfg, w, px);
                assertEquals(3, r.logits()[0].length);
                for (int c = 0; c < 3; c++) {
                    assertEquals(expected[c], r.logits()[0][c], 1e-12 * Math.max(1, Math.abs(expected[c])),
                            variant + " trial " + trial + " class " + c);
                }
                if (variant == Variant.POLYNOMIAL) {
                    RangeMonitor inv = r.ranges().get("layers.1.attn.inverse");
                    assertEquals(2 * 5, inv.count(), "heads x tokens inverse inputs");
                    assertEquals(5, r.ranges().get("final_ln.inv_sqrt").count());
                    assertEquals(5 * 16, r.ranges().get("layers.0.mlp.activation").count());
                    assertEquals(2 * (2 * 5 + 5 + 5 + 80) + 5, r.ranges().totalCount());
                    assertEquals(0, r.ranges().totalOutOfRange(), "test model stays in its domains\n" + r.ranges());
                } else {
                    assertEquals(0, r.ranges().totalCount(), "original variant has no polynomial");
                }
            }
        }
    }

    @Test
    void lmMatchesIndependentMatrixComputationAtEveryPosition() throws Exception {
        Random rnd = new Random(42);
        for (Variant variant : Variant.values()) {
            ModelConfig cfg = TestModels.lm(variant);
            Map<String, Tensor> w = TestModels.randomWeights(cfg, 200 + variant.ordinal(), DType.F64);
            ReferenceModel ref = saveAndLoad(cfg, w);
            for (int len = 1; len <= 6; len++) {
                int[] tokens = new int[len];
                for (int t = 0; t < len; t++) {
                    tokens[t] = rnd.nextInt(cfg.architecture().vocabSize());
                }
                ReferenceModel.Result result = ref.languageModel(tokens);
                assertEquals(0, result.ranges().totalOutOfRange(), "in-domain regime\n" + result.ranges());
                double[][] got = result.logits();
                double[][] expected = independentLm(cfg, w, tokens);
                assertEquals(len, got.length);
                for (int t = 0; t < len; t++) {
                    for (int v = 0; v < expected[t].length; v++) {
                        assertEquals(expected[t][v], got[t][v], 1e-12 * Math.max(1, Math.abs(expected[t][v])),
                                variant + " len " + len + " pos " + t);
                    }
                }
            }
        }
    }

    @Test
    void causalLmPrefixLogitsDoNotDependOnLaterTokens() throws Exception {
        ModelConfig cfg = TestModels.lm(Variant.POLYNOMIAL);
        ReferenceModel ref = saveAndLoad(cfg, TestModels.randomWeights(cfg, 300, DType.F32));
        double[][] a = ref.languageModel(new int[] {4, 5, 6, 7, 8}).logits();
        double[][] b = ref.languageModel(new int[] {4, 5, 6, 9, 10, 11}).logits();
        for (int t = 0; t < 3; t++) {
            for (int v = 0; v < a[t].length; v++) {
                assertEquals(a[t][v], b[t][v], 0.0, "position " + t);
            }
        }
        assertTrue(a[3][0] != b[3][0], "position 3 differs once its own token differs");
    }

    @Test
    void deterministicAndValidatesInputs() throws Exception {
        ModelConfig cfg = TestModels.vit(Variant.POLYNOMIAL);
        ReferenceModel ref = saveAndLoad(cfg, TestModels.randomWeights(cfg, 5, DType.F32));
        double[] px = randomImage(new Random(6), 64);
        assertEquals(ref.classify(px).logits()[0][1], ref.classify(px).logits()[0][1], 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ref.classify(new double[63]));
        assertTrue(e.getMessage().contains("63"), e.getMessage());
        px[7] = Double.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> ref.classify(px));
        assertTrue(e.getMessage().contains("pixel 7"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> ref.languageModel(new int[] {1}));

        ModelConfig lm = TestModels.lm(Variant.ORIGINAL);
        ReferenceModel lmRef = saveAndLoad(lm, TestModels.randomWeights(lm, 5, DType.F32));
        e = assertThrows(IllegalArgumentException.class, () -> lmRef.languageModel(new int[] {1, 999}));
        assertTrue(e.getMessage().contains("token id 999 at position 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lmRef.languageModel(new int[7]));
        assertTrue(e.getMessage().contains("sequence length 7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> lmRef.languageModel(new int[0]));
    }

    @Test
    void outOfRangeInputsAreReported() throws Exception {
        ModelConfig base = TestModels.vit(Variant.POLYNOMIAL);
        // a deliberately narrow activation domain: fc1 outputs of random weights exceed [-0.1, 0.1]
        ActivationSpec.Polynomial narrow = new ActivationSpec.Polynomial(
                org.cipherformer.model.poly.PolynomialActivation.fitGelu(
                        new org.cipherformer.model.format.Domain(-0.1, 0.1), 6).chebyshev(), "gelu");
        ModelConfig cfg = new ModelConfig(base.name(), base.task(), base.variant(), base.architecture(),
                new org.cipherformer.model.format.Components(base.components().attention(),
                        base.components().layerNorm(), narrow), base.training());
        ReferenceModel ref = saveAndLoad(cfg, TestModels.randomWeights(cfg, 9, DType.F32));
        ReferenceModel.Result r = ref.classify(randomImage(new Random(1), 64));
        RangeMonitor act = r.ranges().get("layers.0.mlp.activation");
        assertTrue(act.outOfRange() > 0 && act.outOfRange() <= act.count(), act.toString());
        assertTrue(act.max() > 0.1 || act.min() < -0.1, act.toString());
        assertTrue(r.ranges().totalOutOfRange() >= act.outOfRange());
        assertTrue(r.ranges().toString().contains("layers.0.mlp.activation"));
    }
}
