package org.cipherformer.model.encrypted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;
import org.junit.jupiter.api.Test;

/**
 * The full encrypted path on CKKS (N = 16384, the production preset) for two shipped images in one ciphertext:
 * client key generation for exactly the plan's steps, encryption, the server's program with in-process refreshes,
 * decryption; top-1 agreement with the plaintext polynomial reference and a bound on the logit error.
 */
class CkksInferenceTest {
  /**
   * Bound on |encrypted - plaintext| per logit. Measured max over the 64 shipped images at n16384: see
   * docs/encrypted-inference.md: 2.6e-5, so the bound leaves a factor 40.
   */
  static final double LOGIT_BOUND = 1e-3;

  @Test
  void twoImagesUnderCkksAgreeWithThePlaintextReference() throws Exception {
    Path root = RepoPaths.root();
    ModelDirectory.Model vit = ModelDirectory.load(root.resolve("models/vit-fmnist"));
    ReferenceModel ref = new ReferenceModel(vit);
    List<double[]> images = ShippedInputs.images(root).subList(0, 2);
    CkksParameters params = CkksParameters.n16384();
    SlotLayout layout = new SlotLayout(params.slotCount(), 17, 64, 2);
    EncryptedTransformer program = EncryptedTransformer.of(vit, layout);
    double[] input = new InputPacker(vit, layout).images(images);
    ExecutionPlan plan = PlanCompiler.compile(program, PlanPreset.of(params), input).plan();
    try (CkksInference inf = CkksInference.create(program, params, plan.rotationSteps())) {
      CkksInference.Outcome o = inf.run(input);
      double[][] got = OutputUnpacker.imageLogits(o.outputs().get(0), layout, 2, 10);
      for (int b = 0; b < 2; b++) {
        double[] want = ref.classify(images.get(b)).logits()[0];
        assertEquals(OutputUnpacker.argmax(want), OutputUnpacker.argmax(got[b]), "top-1 of image " + b);
        for (int c = 0; c < 10; c++) {
          assertEquals(want[c], got[b][c], LOGIT_BOUND, "image " + b + " logit " + c);
        }
      }
      // The CKKS run follows the plan: same refresh rounds (sections and sizes) and section levels.
      assertEquals(plan.refreshRounds().size(), o.rounds().size());
      for (int i = 0; i < o.rounds().size(); i++) {
        assertEquals(plan.refreshRounds().get(i).section(), o.rounds().get(i).section());
        assertEquals(plan.refreshRounds().get(i).values(), o.rounds().get(i).values());
      }
      assertEquals(plan.sections(), o.sections());
      assertEquals(plan.rotationSteps(), inf.stats().rotationSteps());
      assertTrue(inf.keyHolder().refreshRounds() == plan.refreshRounds().size());
    }
  }

  @Test
  void planPresetsMatchTheCkksParameterSets() {
    assertEquals(PlanPreset.n16384(), PlanPreset.of(CkksParameters.n16384()));
    assertEquals(PlanPreset.n32768(), PlanPreset.of(CkksParameters.n32768()));
  }
}
