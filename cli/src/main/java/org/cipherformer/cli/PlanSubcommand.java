package org.cipherformer.cli;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import org.cipherformer.model.encrypted.EncryptedTransformer;
import org.cipherformer.model.encrypted.InputPacker;
import org.cipherformer.model.encrypted.PlanCompiler;
import org.cipherformer.model.encrypted.PlanPreset;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.model.encrypted.SlotLayout;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Prints a model's execution plan (what scripts/plan.sh and model's PlanCommand print): compiled locally by a
 * simulated run of the program on a shipped sample, no CKKS, no server.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Print a model's CKKS execution plan: slot layout, level per section, rotation steps (the Galois "
        + "keys a client makes), refresh rounds, depth, operation counts. Local; no server, no encryption.")
final class PlanSubcommand implements Callable<Integer> {
  @Parameters(arity = "0..1", paramLabel = "MODEL", defaultValue = "vit-fmnist",
      description = "Shipped model name or model directory (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--preset", defaultValue = "n16384", description = "n16384 or n32768 (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--batch", description = "Inputs per ciphertext (default: as many images as fit; 1 prompt).")
  Integer batch;

  @Option(names = "--tokens", defaultValue = "16", description = "Prompt length for an LM (default: ${DEFAULT-VALUE}).")
  int tokens;

  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PlanPreset p = PlanPreset.byName(preset);
    Path dir = RepoRoot.model(model);
    ModelDirectory.Model m = ModelDirectory.load(dir);
    boolean vit = m.config().task() == Task.IMAGE_CLASSIFICATION;
    int t = vit ? m.config().architecture().seqLen() : tokens;
    if (t < 1 || (!vit && t > m.config().architecture().seqLen())) {
      throw new IllegalArgumentException("--tokens " + tokens + " outside [1, " + m.config().architecture().seqLen()
          + "]");
    }
    int d = m.config().architecture().dModel();
    int max = SlotLayout.maxBatch(p.slotCount(), t, d);
    int b = batch != null ? batch : vit ? max : 1;
    if (b < 1 || b > max) {
      throw new IllegalArgumentException("--batch " + b + " outside [1, " + max + "] for " + preset);
    }
    SlotLayout layout = new SlotLayout(p.slotCount(), t, d, b);
    InputPacker packer = new InputPacker(m, layout);
    double[] input;
    if (vit) {
      List<double[]> images = ShippedInputs.images(RepoRoot.get());
      input = packer.images(images.subList(0, Math.min(b, images.size())));
    } else {
      input = packer.prompts(Collections.nCopies(b, ShippedInputs.prompt(m, RepoRoot.get(), t)));
    }
    spec.commandLine().getOut().print(
        PlanCompiler.compile(EncryptedTransformer.of(m, layout), p, input).plan().summary());
    return 0;
  }
}
