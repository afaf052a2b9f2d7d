package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.encrypted.ExecutionPlan;
import org.cipherformer.model.encrypted.InputPacker;
import org.cipherformer.model.encrypted.OutputUnpacker;
import org.cipherformer.model.encrypted.PlanCompiler;
import org.cipherformer.model.encrypted.PlanPreset;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.model.reference.ReferenceModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server lays every model out at the largest batch one ciphertext holds and lets a client fill only
 * {@code input_count} blocks (the rest are zero). That is only sound if the zero blocks neither disturb the filled
 * ones nor grow larger than the values of a full batch (which the CKKS parameters are known to hold: a slot beyond a
 * level's headroom would wrap and corrupt every slot). Checked here on the simulated backend (exact doubles, the CKKS
 * level accounting) for both shipped models with one input.
 */
class HostedModelTest {
  /**
   * Relative slack on the magnitude comparison: the largest slot comes from the real input in both runs, and the
   * zero blocks can only change it in the last digits (the sums that produce it see different neighbours).
   */
  private static final double SLACK = 1e-3;

  private static ModelRegistry registry;
  private static Path root;

  @BeforeAll
  static void load() throws Exception {
    root = RepoPaths.root();
    registry = ModelRegistry.load(root.resolve("models"), List.of("vit-fmnist", "tiny-lm"), CkksParameters.n16384(),
        root);
  }

  @AfterAll
  static void close() {
    registry.close();
  }

  @Test
  void oneImageInTheMaxBatchViTMatchesTheReference() throws Exception {
    HostedModel m = registry.get("vit-fmnist");
    CkksProgram p = m.ckks();
    assertEquals(7, p.layout().batch());
    double[] image = ShippedInputs.images(root).get(3);
    double[] packed = new InputPacker(m.model(), p.layout()).images(List.of(image));
    ExecutionPlan plan = PlanCompiler.compile(p.program(), PlanPreset.of(p.parameters()), packed).plan();
    assertTrue(plan.maxMagnitude() <= p.plan().maxMagnitude() * (1 + SLACK), "max slot magnitude "
        + plan.maxMagnitude() + " with one input, " + p.plan().maxMagnitude() + " with the full shipped batch");
    assertEquals(p.plan().rotationSteps(), plan.rotationSteps(), "the keys do not depend on the input count");
    List<double[]> out = PlanCompiler.simulate(p.program(), PlanPreset.of(p.parameters()), packed);
    double[] got = OutputUnpacker.imageLogits(out.get(0), p.layout(), 1, 10)[0];
    double[] want = new ReferenceModel(m.model()).classify(image).logits()[0];
    for (int c = 0; c < want.length; c++) {
      assertEquals(want[c], got[c], 1e-6, "logit " + c);
    }
  }

  @Test
  void onePromptInTheMaxBatchLmMatchesTheReference() throws Exception {
    HostedModel m = registry.get("tiny-lm");
    CkksProgram p = m.ckks();
    assertEquals(HostedModel.LM_PROMPT_TOKENS, p.layout().tokens());
    assertEquals(p.layout().batch(), p.outputCiphertexts());
    int[] ids = ShippedInputs.prompt(m.model(), root, p.layout().tokens());
    double[] packed = new InputPacker(m.model(), p.layout()).prompts(List.of(ids));
    ExecutionPlan plan = PlanCompiler.compile(p.program(), PlanPreset.of(p.parameters()), packed).plan();
    assertTrue(plan.maxMagnitude() <= p.plan().maxMagnitude() * (1 + SLACK), "max slot magnitude "
        + plan.maxMagnitude() + " with one input, " + p.plan().maxMagnitude() + " with the full shipped batch");
    List<double[]> out = PlanCompiler.simulate(p.program(), PlanPreset.of(p.parameters()), packed);
    int vocab = m.model().config().architecture().vocabSize();
    double[] got = OutputUnpacker.lastPositionLogits(out.get(0), vocab);
    double[][] ref = new ReferenceModel(m.model()).languageModel(ids).logits();
    double[] want = ref[ref.length - 1];
    for (int v = 0; v < vocab; v++) {
      assertEquals(want[v], got[v], 1e-6, "logit " + v);
    }
  }
}
