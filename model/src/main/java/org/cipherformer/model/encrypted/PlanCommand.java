package org.cipherformer.model.encrypted;

import java.nio.file.Path;
import java.util.List;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.Task;

/**
 * Prints the execution plan of a shipped model under a parameter preset (scripts/plan.sh):
 * <pre>  PlanCommand MODEL_DIR [--preset n16384|n32768] [--batch B] [--tokens T]</pre>
 * B defaults to as many images as fit in one ciphertext (ViT) or 1 (LM), T (LM only) to 16. The sample input (for the magnitude
 * figure) is the first B shipped images, or the first shipped prompt with T tokens.
 */
public final class PlanCommand {
  private PlanCommand() {
  }

  /** Parsed command line. */
  record Args(Path modelDir, PlanPreset preset, Integer batch, int tokens) {
    static Args parse(String[] args) {
      if (args.length < 1) {
        throw new IllegalArgumentException(
            "usage: PlanCommand MODEL_DIR [--preset n16384|n32768] [--batch B] [--tokens T]");
      }
      Path dir = Path.of(args[0]);
      PlanPreset preset = PlanPreset.n16384();
      Integer batch = null;
      int tokens = 16;
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + a + " needs a value");
        }
        String v = args[++i];
        switch (a) {
          case "--preset" -> preset = PlanPreset.byName(v);
          case "--batch" -> batch = positive(a, v);
          case "--tokens" -> tokens = positive(a, v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      return new Args(dir, preset, batch, tokens);
    }

    private static int positive(String opt, String v) {
      try {
        int n = Integer.parseInt(v);
        if (n < 1) {
          throw new IllegalArgumentException(opt + " must be >= 1, got " + v);
        }
        return n;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(opt + " must be an integer, got '" + v + "'");
      }
    }
  }

  /**
   * Builds the program and its plan for a model directory.
   *
   * @return the compiled plan
   */
  static PlanCompiler.Compiled plan(Args a) throws java.io.IOException {
    ModelDirectory.Model model = ModelDirectory.load(a.modelDir());
    Path root = RepoPaths.root();
    boolean vit = model.config().task() == Task.IMAGE_CLASSIFICATION;
    int tokens = vit ? model.config().architecture().seqLen() : a.tokens();
    int d = model.config().architecture().dModel();
    int max = SlotLayout.maxBatch(a.preset().slotCount(), tokens, d);
    // Default batch: as many images as fit; one prompt for the LM (its logits take a ciphertext per prompt).
    int batch = a.batch() != null ? a.batch() : vit ? max : 1;
    SlotLayout layout = new SlotLayout(a.preset().slotCount(), tokens, d, batch);
    EncryptedTransformer program = EncryptedTransformer.of(model, layout);
    InputPacker packer = new InputPacker(model, layout);
    double[] input;
    if (vit) {
      List<double[]> images = ShippedInputs.images(root);
      input = packer.images(images.subList(0, Math.min(layout.batch(), images.size())));
    } else {
      int[] ids = ShippedInputs.prompt(model, root, tokens);
      input = packer.prompts(java.util.Collections.nCopies(layout.batch(), ids));
    }
    return PlanCompiler.compile(program, a.preset(), input);
  }

  /** @param args see the class comment */
  public static void main(String[] args) throws Exception {
    Args a;
    try {
      a = Args.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    System.out.print(plan(a).plan().summary());
  }
}
