package org.cipherformer.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.cipherformer.client.CipherformerClient;
import org.cipherformer.proto.v1.CkksPlan;
import org.cipherformer.proto.v1.InputLayout;
import org.cipherformer.proto.v1.ModelDescription;
import org.cipherformer.proto.v1.ModelSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Lists the server's models, or describes one. */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = "List the server's models, or describe one (CKKS parameters, keys, layouts, plan costs).")
final class ModelsCommand implements Callable<Integer> {
  @Parameters(arity = "0..1", paramLabel = "MODEL", description = "Describe this model.")
  String model;

  @Mixin
  ConnectionOptions connection;

  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    var out = spec.commandLine().getOut();
    try (CipherformerClient client = connection.connect()) {
      if (model == null) {
        out.printf("%-24s %-22s %-5s %-3s%n", "MODEL", "TASK", "CKKS", "EE");
        for (ModelSummary m : client.listModels()) {
          out.printf("%-24s %-22s %-5s %-3s%n", m.getName(), task(m), m.getCkksAvailable() ? "yes" : "no",
              m.getEeAvailable() ? "yes" : "no");
        }
        return 0;
      }
      ModelDescription d = client.describe(model);
      out.printf("model: %s (%s)%n", d.getSummary().getName(), task(d.getSummary()));
      InputLayout in = d.getInput();
      if (in.hasImage()) {
        out.printf(Locale.ROOT, "input: %dx%dx%d image, patch %d; %d images per ciphertext (%d tokens x %d)%n",
            in.getImage().getHeight(), in.getImage().getWidth(), in.getImage().getChannels(),
            in.getImage().getPatch(), in.getBatch(), in.getTokens(), in.getDModel());
      } else {
        out.printf(Locale.ROOT, "input: prompt of exactly %d token ids (vocabulary %d); %d per ciphertext%n",
            in.getTokens(), in.getTokensInput().getVocabSize(), in.getBatch());
      }
      if (d.getOutput().hasClasses()) {
        out.println("output: class logits " + String.join(", ", d.getOutput().getClasses().getLabelsList()));
      } else {
        out.println("output: next-token logits over " + d.getOutput().getNextToken().getVocabSize() + " ids");
      }
      if (d.hasCkks()) {
        CkksPlan p = d.getCkks();
        out.printf(Locale.ROOT, "ckks: preset %s, input level %d, scale 2^%.0f, depth %d%n", p.getPreset(),
            p.getInputLevel(), Math.log(p.getInputScale()) / Math.log(2), p.getDepth());
        out.printf(Locale.ROOT, "keys: relinearization %s, %d Galois keys (steps %s)%n",
            p.getNeedsRelinKeys() ? "yes" : "no", p.getGaloisStepsCount(), p.getGaloisStepsList());
        out.printf(Locale.ROOT, "plan: %d rotations, %d ciphertext multiplications, %d rescales, %d refresh rounds "
                + "(%d ciphertexts), %d output ciphertexts%n", p.getRotations(), p.getCiphertextMultiplications(),
            p.getRescales(), p.getRefreshRounds(), p.getRefreshedCiphertexts(), p.getOutputCiphertexts());
      } else {
        out.println("ckks: not available");
      }
      return 0;
    }
  }

  private static String task(ModelSummary m) {
    return switch (m.getTask()) {
      case TASK_IMAGE_CLASSIFICATION -> "image classification";
      case TASK_CAUSAL_LM -> "causal LM";
      default -> m.getTask().name();
    };
  }
}
