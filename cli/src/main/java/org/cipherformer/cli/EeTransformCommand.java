package org.cipherformer.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.ee.EeModelTransform;
import org.cipherformer.model.format.ModelDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The key holder's step of EE mode: rewrites a model's weights under the key's permutations. */
@Command(name = "ee-transform", mixinStandardHelpOptions = true,
    description = {"Transform a model for EE mode (docs/ee.md): permute its weights under the key so that it takes "
        + "permuted inputs and gives permuted outputs. Writes config.json + model.safetensors (no tokenizer) to "
        + "--out; host that directory on the server. Exact: outputs un-permute to the original's (1e-14)."})
final class EeTransformCommand implements Callable<Integer> {
  @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
      description = "Model directory, or the name of a shipped model (models/NAME).")
  String model;

  @Option(names = {"-k", "--key"}, required = true, paramLabel = "FILE", description = "EE key file (ee-keygen).")
  Path key;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR",
      description = "Output model directory (must not exist or be empty), e.g. models/vit-fmnist-ee.")
  Path out;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    EeKey k = EeKey.read(key);
    ModelDirectory.Model t = EeModelTransform.transform(RepoRoot.model(model), k, out);
    spec.commandLine().getOut().printf("wrote %s: EE transform of %s (%s, %s), key id %s%n", out,
        t.config().name(), t.config().task().jsonName(), t.config().variant().jsonName(), k.keyId());
    return 0;
  }
}
