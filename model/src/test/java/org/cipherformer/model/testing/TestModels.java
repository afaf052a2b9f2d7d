package org.cipherformer.model.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.special.Erf;
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
import org.cipherformer.model.format.Task;
import org.cipherformer.model.format.Tensor;
import org.cipherformer.model.format.TensorLayout;
import org.cipherformer.model.format.Variant;
import org.cipherformer.model.poly.ChebyshevPolynomial;
import org.cipherformer.model.tokenizer.WordTokenizer;

/** Small configurations and random weights for tests. */
public final class TestModels {
    private TestModels() {
    }

    /** Polynomial components fitted here (independently of the production fitting helpers). */
    public static Components polynomialComponents() {
        ChebyshevPolynomial invSqrt = ChebyshevPolynomial.fit(v -> 1 / Math.sqrt(v), new Domain(0.01, 50.0), 48);
        ChebyshevPolynomial gelu = ChebyshevPolynomial.fit(x -> 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2))),
                new Domain(-8, 8), 20);
        return new Components(
                new AttentionSpec.PowerSoftmax(4, 1e-2, new GoldschmidtSpec(new Domain(1e-2, 1e4), 24)),
                new LayerNormSpec.Polynomial(1e-5, invSqrt.toSpec(), 3),
                new ActivationSpec.Polynomial(gelu.toSpec(), "gelu"));
    }

    /** Exact components. */
    public static Components originalComponents() {
        return new Components(new AttentionSpec.Softmax(), new LayerNormSpec.Exact(1e-5), new ActivationSpec.Gelu());
    }

    /** A tiny ViT: 8x8 single-channel images, 4x4 patches (4 patches + class token), 3 classes. */
    public static ModelConfig vit(Variant variant) {
        ImageSpec image = new ImageSpec(8, 8, 1, 4, true, 3, 0.25, 0.5);
        return new ModelConfig("tiny-vit", Task.IMAGE_CLASSIFICATION, variant,
                Architecture.vit(8, 2, 2, 16, image),
                variant == Variant.POLYNOMIAL ? polynomialComponents() : originalComponents(),
                Map.of("seed", 1, "note", "test"));
    }

    /** Corpus of the tiny LM tests. */
    public static final List<String> CORPUS = List.of(
            "the cat sat on the mat.", "the dog sat on the log!", "a cat and a dog don't fight.",
            "it's the end of the story, the cat said.");

    /** The tokenizer of the tiny LM. */
    public static WordTokenizer tokenizer() {
        return WordTokenizer.train(CORPUS, 20);
    }

    /** A tiny causal LM over {@link #tokenizer()}'s vocabulary, context 6. */
    public static ModelConfig lm(Variant variant) {
        return new ModelConfig("tiny-lm", Task.CAUSAL_LM, variant,
                Architecture.causalLm(8, 2, 2, 12, 6, tokenizer().vocabSize()),
                variant == Variant.POLYNOMIAL ? polynomialComponents() : originalComponents(), Map.of());
    }

    /**
     * Random weights for a configuration: N(0, 0.25^2) entries (N(1, 0.25^2) for LayerNorm gains); small
     * enough that the polynomial components of {@link #polynomialComponents()} stay in their domains.
     *
     * @param config configuration
     * @param seed   random seed
     * @param dtype  storage type
     * @return tensors by name
     */
    public static Map<String, Tensor> randomWeights(ModelConfig config, long seed, DType dtype) {
        Random rnd = new Random(seed);
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : TensorLayout.expectedShapes(config).entrySet()) {
            int n = (int) Tensor.elementCount(e.getValue());
            double[] v = new double[n];
            boolean gain = e.getKey().endsWith("ln1.weight") || e.getKey().endsWith("ln2.weight")
                    || e.getKey().equals("final_ln.weight");
            for (int i = 0; i < n; i++) {
                v[i] = (gain ? 1.0 : 0.0) + 0.25 * rnd.nextGaussian();
                if (dtype == DType.F32) {
                    v[i] = (float) v[i];
                }
            }
            w.put(e.getKey(), new Tensor(dtype, e.getValue(), v));
        }
        return w;
    }

    /** @return a ChebyshevSpec with given coefficients on [-1, 1] */
    public static ChebyshevSpec cheb(double... c) {
        return new ChebyshevSpec(new Domain(-1, 1), c);
    }
}
