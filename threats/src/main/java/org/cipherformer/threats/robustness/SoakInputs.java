package org.cipherformer.threats.robustness;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.model.reference.ReferenceModel;

/**
 * The inputs soak clients send and the plaintext reference outputs every answer is checked against, computed once
 * before the run: shipped Fashion-MNIST images with the logits of the EE source model (vit-fmnist-original) and of
 * the CKKS model (vit-fmnist), and shipped prompts with the next-token logits of tiny-lm-original (EE, several
 * lengths) and of tiny-lm (CKKS, exactly the plan's token count).
 */
final class SoakInputs {
    /** EE runs the same arithmetic in plaintext (permuted order): only float rounding may differ. */
    static final double EE_TOLERANCE = 1e-6;
    /**
     * CKKS error bound on a logit: the shipped models' measured errors are 1e-5 (ViT) and 1e-4 (tiny-lm)
     * (docs/encrypted-inference.md); ConcurrentClientsTest uses the same 1e-3.
     */
    static final double CKKS_TOLERANCE = 1e-3;
    /**
     * Released CKKS logits carry the client's noise flooding (Li-Micciancio mitigation, docs/ckks-leakage.md),
     * Gaussian with the result's std in every value: 15 std is far beyond the largest of 2048 such draws (about 3.5
     * std), as in ConcurrentClientsTest.
     */
    static final double FLOODING_STDS = 15;

    final List<double[]> images;
    final double[][] vitOriginalLogits;
    final double[][] vitLogits;
    final List<int[]> eePrompts;
    final double[][] lmOriginalLogits;
    final int[] ckksPrompt;
    final double[] lmLogits;

    /**
     * @param root          repository root
     * @param imageCount    shipped images to cycle through
     * @param ckksPromptLen token count of the CKKS LM's input layout (0: no CKKS LM prompt)
     */
    SoakInputs(Path root, int imageCount, int ckksPromptLen) throws IOException {
        ReferenceModel vitOriginal = ReferenceModel.load(root.resolve("models/vit-fmnist-original"));
        ReferenceModel vit = ReferenceModel.load(root.resolve("models/vit-fmnist"));
        ReferenceModel lmOriginal = ReferenceModel.load(root.resolve("models/tiny-lm-original"));
        List<double[]> all = ShippedInputs.images(root);
        images = List.copyOf(all.subList(0, Math.min(imageCount, all.size())));
        vitOriginalLogits = new double[images.size()][];
        vitLogits = new double[images.size()][];
        for (int i = 0; i < images.size(); i++) {
            vitOriginalLogits[i] = vitOriginal.classify(images.get(i)).logits()[0];
            vitLogits[i] = vit.classify(images.get(i)).logits()[0];
        }
        int seqLen = lmOriginal.config().architecture().seqLen();
        List<int[]> prompts = new ArrayList<>();
        for (int len : new int[] {4, 8, 12, 16, 24, seqLen}) {
            prompts.add(ShippedInputs.prompt(lmOriginal.model(), root, Math.min(len, seqLen)));
        }
        eePrompts = List.copyOf(prompts);
        lmOriginalLogits = new double[prompts.size()][];
        for (int i = 0; i < prompts.size(); i++) {
            double[][] l = lmOriginal.languageModel(prompts.get(i)).logits();
            lmOriginalLogits[i] = l[l.length - 1];
        }
        if (ckksPromptLen > 0) {
            ReferenceModel lm = ReferenceModel.load(root.resolve("models/tiny-lm"));
            ckksPrompt = ShippedInputs.prompt(lm.model(), root, ckksPromptLen);
            double[][] l = lm.languageModel(ckksPrompt).logits();
            lmLogits = l[l.length - 1];
        } else {
            ckksPrompt = null;
            lmLogits = null;
        }
    }

    /** @return the bound on a CKKS logit's difference for a result flooded with {@code floodingStd} */
    static double ckksTolerance(double floodingStd) {
        return CKKS_TOLERANCE + FLOODING_STDS * floodingStd;
    }

    /**
     * Compares an answer with the reference: every value within {@code tolerance}. That also fixes the top entry (the
     * predicted class or token) unless the reference's two largest values are within {@code 2 * tolerance}, where
     * either answer is as right as the arithmetic allows.
     *
     * @return null when the answer is right, else what differs (for the report)
     */
    static String mismatch(double[] want, double[] got, double tolerance) {
        if (got == null || got.length != want.length) {
            return "expected " + want.length + " values, got " + (got == null ? "none" : got.length);
        }
        double worst = 0;
        int at = 0;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs(want[i] - got[i]);
            if (Double.isNaN(d)) {
                return "value " + got[i] + " at index " + i + " (reference " + want[i] + ")";
            }
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        if (worst > tolerance) {
            return "max |difference| " + worst + " at index " + at + " (tolerance " + tolerance + ")";
        }
        return null;
    }
}
