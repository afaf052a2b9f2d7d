package org.cipherformer.model.encrypted;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;

/**
 * The README's main job until the gRPC service exists: private classification of shipped Fashion-MNIST samples with
 * the shipped polynomial ViT, client and server in one process. The client makes its keys (the relinearization key
 * and exactly the Galois keys of the plan), packs and encrypts the images into one ciphertext; the server evaluates
 * the transformer on the ciphertext, asking the client for the plan's masked refreshes; the client decrypts the
 * logits. Each image's encrypted class is printed beside the plaintext polynomial reference's and the true label.
 *
 * <pre>  EncryptedDemo [--images N] [--first I] [--preset n16384|n32768]</pre>
 *
 * <p>Exits with status 1 if any encrypted class differs from the plaintext reference's.
 */
public final class EncryptedDemo {
  private EncryptedDemo() {
  }

  /**
   * @param args options above
   * @throws Exception on I/O failure
   */
  public static void main(String[] args) throws Exception {
    int images = 7;
    int first = 0;
    String preset = "n16384";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--images" -> images = Integer.parseInt(value(args, ++i));
        case "--first" -> first = Integer.parseInt(value(args, ++i));
        case "--preset" -> preset = value(args, ++i);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (options: --images N, --first I, --preset n16384|n32768)");
      }
    }
    CkksParameters params = switch (preset) {
      case "n16384" -> CkksParameters.n16384();
      case "n32768" -> CkksParameters.n32768();
      default -> throw new IllegalArgumentException("unknown preset " + preset + " (n16384 or n32768)");
    };
    Path root = RepoPaths.root();
    ModelDirectory.Model model = ModelDirectory.load(root.resolve("models/vit-fmnist"));
    FashionMnist.Samples samples = FashionMnist.shippedSamples(root);
    int batchMax = SlotLayout.maxBatch(params.slotCount(), model.config().architecture().seqLen(),
        model.config().architecture().dModel());
    if (images < 1 || images > batchMax || first < 0 || first + images > samples.size()) {
      throw new IllegalArgumentException("--images must be in [1, " + batchMax + "] (one ciphertext) and --first + "
          + "--images at most " + samples.size() + " (the shipped samples), got " + images + " from " + first);
    }
    List<double[]> pixels = new ArrayList<>();
    for (int i = first; i < first + images; i++) {
      pixels.add(samples.image(i));
    }
    System.out.printf(Locale.ROOT, "Cipherformer demo: private Fashion-MNIST classification, model vit-fmnist, "
        + "%d shipped test images (%d..%d)%n", images, first, first + images - 1);
    System.out.println("CKKS parameters: " + params.description());

    SlotLayout layout = new SlotLayout(params.slotCount(), model.config().architecture().seqLen(),
        model.config().architecture().dModel(), images);
    EncryptedTransformer program = EncryptedTransformer.of(model, layout);
    InputPacker packer = new InputPacker(model, layout);
    double[] packed = packer.images(pixels);
    System.out.println("planning (simulated run of the program) ...");
    ExecutionPlan plan = PlanCompiler.compile(program, PlanPreset.of(params), packed).plan();
    System.out.printf(Locale.ROOT, "client: generating the relinearization key and %d Galois keys (the plan's "
        + "rotation steps) ...%n", plan.rotationSteps().size());
    try (CkksInference inference = CkksInference.create(program, params, plan.rotationSteps())) {
      System.out.printf(Locale.ROOT, "client: keys ready in %.1f s%n", inference.keyGenerationNanos() / 1e9);
      System.out.println("server: evaluating the transformer on one ciphertext (client answers masked refreshes) ...");
      CkksInference.Outcome outcome = inference.run(packed);
      double[][] logits = OutputUnpacker.imageLogits(outcome.outputs().get(0), layout, images, 10);

      ReferenceModel reference = new ReferenceModel(model);
      System.out.printf(Locale.ROOT, "%n| image | true label | plaintext polynomial model | encrypted | "
          + "p(encrypted class) | max abs logit difference |%n|---|---|---|---|---|---|%n");
      int agree = 0;
      int correct = 0;
      for (int k = 0; k < images; k++) {
        double[] want = reference.classify(pixels.get(k)).logits()[0];
        int plain = OutputUnpacker.argmax(want);
        int enc = OutputUnpacker.argmax(logits[k]);
        double diff = 0;
        for (int c = 0; c < want.length; c++) {
          diff = Math.max(diff, Math.abs(want[c] - logits[k][c]));
        }
        agree += plain == enc ? 1 : 0;
        int label = samples.labels()[first + k];
        correct += enc == label ? 1 : 0;
        System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %.3f | %.2e |%n", first + k, name(label), name(plain),
            name(enc), OutputUnpacker.softmax(logits[k])[enc], diff);
      }
      CkksInference.Timings t = outcome.timings();
      System.out.printf(Locale.ROOT, "%nencrypted class = plaintext class for %d of %d images; %d of %d correct%n",
          agree, images, correct, images);
      System.out.printf(Locale.ROOT, "times: encryption %.2f s, server %.1f s, client refresh work %.1f s "
              + "(%d rounds), decryption %.3f s; %.1f s per image amortized over the ciphertext%n",
          t.encryptNanos() / 1e9, t.serverNanos() / 1e9, t.clientRefreshNanos() / 1e9, outcome.rounds().size(),
          t.decryptNanos() / 1e9, (t.encryptNanos() + t.evaluateNanos() + t.decryptNanos()) / 1e9 / images);
      if (agree != images) {
        System.exit(1);
      }
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException("option " + args[i - 1] + " needs a value");
    }
    return args[i];
  }

  private static String name(int cls) {
    return FashionMnist.CLASS_NAMES.get(cls);
  }
}
