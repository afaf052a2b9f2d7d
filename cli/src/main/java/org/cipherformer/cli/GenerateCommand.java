package org.cipherformer.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cipherformer.client.CipherformerClient;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.tokenizer.WordTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Greedy text generation in EE mode: one RunEe call per new token. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Continue a prompt with the LM in EE mode (greedy, one request per token): the client tokenizes "
        + "with its copy of the original LM, permutes every id with the EE key and un-permutes every answer; the "
        + "server sees permuted ids only. Stops at <eos> or after --tokens. (Under CKKS one token costs minutes: "
        + "use next-token there.)"})
final class GenerateCommand implements Callable<Integer> {
  @Parameters(arity = "1", paramLabel = "PROMPT", description = "Prompt text.")
  String prompt;

  @Option(names = {"-m", "--model"}, defaultValue = "tiny-lm-ee",
      description = "Hosted EE-transformed LM (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--model-dir", paramLabel = "DIR", description = "The client's copy of the ORIGINAL LM, for its "
      + "tokenizer (default: models/MODEL without a trailing -ee).")
  Path modelDir;

  @Option(names = {"-k", "--key"}, required = true, paramLabel = "FILE", description = "EE key file.")
  Path key;

  @Option(names = {"-n", "--tokens"}, defaultValue = "20", description = "Most new tokens (default: ${DEFAULT-VALUE}).")
  int tokens;

  @Mixin
  ConnectionOptions connection;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (tokens < 1 || tokens > 1000) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--tokens must be in 1..1000, got "
          + tokens);
    }
    EeKey k = EeKey.read(key);
    Path dir = EeModeOptions.localModel(modelDir, model);
    ModelDirectory.Model lm = ModelDirectory.load(dir);
    if (lm.tokenizer() == null) {
      throw new IllegalArgumentException("model directory " + dir + " has no tokenizer: give the ORIGINAL model with "
          + "--model-dir");
    }
    int seqLen = lm.config().architecture().seqLen();
    int[] ids = NextTokenCommand.fitEe(lm.tokenizer(), prompt, seqLen);
    var out = spec.commandLine().getOut();
    try (CipherformerClient client = connection.connect()) {
      long t0 = System.nanoTime();
      int[] gen = client.eeGenerate(model, k, ids, tokens, WordTokenizer.EOS, seqLen);
      long nanos = System.nanoTime() - t0;
      out.println(lm.tokenizer().decode(ids) + " | " + lm.tokenizer().decode(gen));
      out.printf("%d token(s) in %s (EE mode, key id %s)%n", gen.length, Report.seconds(nanos), k.keyId());
      return 0;
    }
  }
}
