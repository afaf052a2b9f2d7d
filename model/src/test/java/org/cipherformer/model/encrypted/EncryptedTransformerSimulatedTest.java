package org.cipherformer.model.encrypted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cipherformer.he.ops.OpKind;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The slot program against the plaintext reference on the shipped models, on the simulated backend (exact doubles, so
 * any difference beyond rounding is a layout or folding bug).
 */
class EncryptedTransformerSimulatedTest {
  /** Rounding of the folded weights and the reordered sums; logits are O(10). */
  static final double TOLERANCE = 1e-9;

  static Path root;
  static ModelDirectory.Model vit;
  static ModelDirectory.Model lm;

  @BeforeAll
  static void load() throws Exception {
    root = RepoPaths.root();
    vit = ModelDirectory.load(root.resolve("models/vit-fmnist"));
    lm = ModelDirectory.load(root.resolve("models/tiny-lm"));
  }

  @Test
  void vitReproducesReferenceOnAll64ShippedImagesBatched() throws Exception {
    ReferenceModel ref = new ReferenceModel(vit);
    List<double[]> images = ShippedInputs.images(root);
    PlanPreset preset = PlanPreset.n16384();
    SlotLayout layout = new SlotLayout(preset.slotCount(), 17, 64, SlotLayout.maxBatch(preset.slotCount(), 17, 64));
    assertEquals(7, layout.batch());
    EncryptedTransformer program = EncryptedTransformer.of(vit, layout);
    InputPacker packer = new InputPacker(vit, layout);
    double worst = 0;
    int compared = 0;
    for (int from = 0; from < images.size(); from += layout.batch()) {
      List<double[]> batch = images.subList(from, Math.min(images.size(), from + layout.batch()));
      double[] out = PlanCompiler.simulate(program, preset, packer.images(batch)).get(0);
      double[][] got = OutputUnpacker.imageLogits(out, layout, batch.size(), 10);
      for (int b = 0; b < batch.size(); b++) {
        double[] want = ref.classify(batch.get(b)).logits()[0];
        for (int o = 0; o < 10; o++) {
          worst = Math.max(worst, Math.abs(got[b][o] - want[o]));
          compared++;
        }
      }
      // Padding slots of the output stay exactly zero (nothing leaks between inputs or into unused slots).
      for (int i = layout.usedSlots(); i < out.length; i++) {
        assertEquals(0.0, out[i], "slot " + i + " past the used slots");
      }
    }
    assertEquals(640, compared);
    assertTrue(worst < TOLERANCE, "max |logit diff| " + worst);
  }

  @Test
  void lmReproducesReferenceOnA16TokenPrompt() throws Exception {
    ReferenceModel ref = new ReferenceModel(lm);
    int[] ids = ShippedInputs.prompt(lm, root, 16);
    PlanPreset preset = PlanPreset.n16384();
    SlotLayout layout = new SlotLayout(preset.slotCount(), 16, 64, 1);
    EncryptedTransformer program = EncryptedTransformer.of(lm, layout);
    double[] input = new InputPacker(lm, layout).prompts(List.of(ids));
    PlanCompiler.Compiled c = PlanCompiler.compile(program, preset, input);
    double[] got = OutputUnpacker.lastPositionLogits(c.outputs().get(0), 2048);
    double[] want = ref.languageModel(ids).logits()[15];
    double worst = 0;
    for (int o = 0; o < want.length; o++) {
      worst = Math.max(worst, Math.abs(got[o] - want[o]));
    }
    assertTrue(worst < TOLERANCE, "max |logit diff| " + worst);
    assertEquals(OutputUnpacker.argmax(want), OutputUnpacker.argmax(got));
  }

  @Test
  void lmBatchOfDifferentPromptsMatchesReferencePerInput() throws Exception {
    ReferenceModel ref = new ReferenceModel(lm);
    int[] a = ShippedInputs.prompt(lm, root, 8);
    int[] b = a.clone();
    for (int i = 1; i < b.length; i++) {
      b[i] = (b[i] * 7 + 11) % 2048;
    }
    PlanPreset preset = PlanPreset.n16384();
    SlotLayout layout = new SlotLayout(preset.slotCount(), 8, 64, 2);
    EncryptedTransformer program = EncryptedTransformer.of(lm, layout);
    PlanCompiler.Compiled c = PlanCompiler.compile(program, preset,
        new InputPacker(lm, layout).prompts(List.of(a, b)));
    List<int[]> prompts = List.of(a, b);
    for (int k = 0; k < 2; k++) {
      double[] got = OutputUnpacker.lastPositionLogits(c.outputs().get(k), 2048);
      double[] want = ref.languageModel(prompts.get(k)).logits()[7];
      for (int o = 0; o < want.length; o++) {
        assertEquals(want[o], got[o], TOLERANCE, "prompt " + k + " logit " + o);
      }
    }
  }

  @Test
  void planOfTheVitListsLevelsStepsAndRefreshes() throws Exception {
    List<double[]> images = ShippedInputs.images(root);
    for (PlanPreset preset : List.of(PlanPreset.n16384(), PlanPreset.n32768())) {
      SlotLayout layout = new SlotLayout(preset.slotCount(), 17, 64,
          SlotLayout.maxBatch(preset.slotCount(), 17, 64));
      EncryptedTransformer program = EncryptedTransformer.of(vit, layout);
      PlanCompiler.Compiled c = PlanCompiler.compile(program, preset,
          new InputPacker(vit, layout).images(images.subList(0, layout.batch())));
      ExecutionPlan plan = c.plan();
      // Every section boundary is within the preset's levels and sections come in program order.
      List<String> names = new ArrayList<>();
      for (SectionLevels s : plan.sections()) {
        names.add(s.section());
        assertTrue(s.entry() <= preset.topLevel() && s.exit() >= 0, s.toString());
      }
      assertEquals(List.of("embed", "layers.0.ln1", "layers.0.attention", "layers.0.ln2", "layers.0.mlp",
          "layers.1.ln1", "layers.1.attention", "layers.1.ln2", "layers.1.mlp", "final_ln", "head"), names);
      // Refresh rounds: each one has values at or above the floor; the total matches the backend's count.
      assertEquals(plan.count(OpKind.REFRESH_ROUND), plan.refreshRounds().size());
      assertEquals(plan.count(OpKind.REFRESH), plan.refreshedValues());
      for (RefreshRound r : plan.refreshRounds()) {
        for (int l : r.levelsBefore()) {
          assertTrue(l >= preset.refreshFloor(), r.toString());
        }
      }
      // The depth exceeds what one refresh gives, so refreshes are needed at all; fewer with more levels.
      assertTrue(plan.depth() > preset.topLevel() - preset.refreshFloor());
      assertTrue(plan.rotationSteps().contains(64) && plan.rotationSteps().contains(-17 * 64));
      assertTrue(plan.summary().contains("rotation steps (" + plan.rotationSteps().size() + " Galois keys)"));
    }
  }
}
