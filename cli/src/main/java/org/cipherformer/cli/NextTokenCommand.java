package org.cipherformer.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cipherformer.client.CipherformerClient;
import org.cipherformer.client.ModelSession;
import org.cipherformer.client.NextTokens;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.tokenizer.WordTokenizer;
import org.cipherformer.proto.v1.ModelDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Private next-token prediction with the LM: the client embeds the prompt locally and encrypts the embeddings. */
@Command(name = "next-token", mixinStandardHelpOptions = true,
    description = {"Predict the next token of a prompt privately (tiny-lm). The client holds the embedding tables "
        + "(the model directory, checked against the server's SHA-256) and sends only encrypted embeddings.",
        "The prompt is tokenized as the LM was trained (<bos> + words) and fitted to the server's prompt length: "
        + "longer prompts keep their last tokens, shorter ones are preceded by <eos> <bos> pairs."})
final class NextTokenCommand implements Callable<Integer> {
  @Parameters(arity = "0..1", paramLabel = "PROMPT", description = "Prompt text.")
  String prompt;

  @Option(names = "--sample", description = "Use the shipped prompt window (data/prompts) instead.")
  boolean sample;

  @Option(names = {"-m", "--model"}, defaultValue = "tiny-lm", description = "Model (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--model-dir", paramLabel = "DIR",
      description = "The client's copy of the model (default: models/MODEL of the repository).")
  Path modelDir;

  @Option(names = "--top", defaultValue = "5", description = "Tokens shown (default: ${DEFAULT-VALUE}).")
  int top;

  @Mixin
  ConnectionOptions connection;

  @Mixin
  EeModeOptions mode;

  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  /**
   * The prompt's ids fitted to exactly {@code tokens}: {@code <bos> + encode(text)}, keeping the last {@code tokens}
   * ids if longer, preceded by {@code <eos> <bos>} pairs (the training stream's separator) if shorter.
   */
  static int[] fit(WordTokenizer tokenizer, String text, int tokens) {
    int[] body = tokenizer.encode(text);
    int[] ids = new int[body.length + 1];
    ids[0] = WordTokenizer.BOS;
    System.arraycopy(body, 0, ids, 1, body.length);
    if (ids.length >= tokens) {
      return Arrays.copyOfRange(ids, ids.length - tokens, ids.length);
    }
    int[] out = new int[tokens];
    int pad = tokens - ids.length;
    for (int i = 0; i < pad; i++) {
      // Right-aligned pairs so the token just before the prompt's <bos> is an <eos>.
      out[i] = (pad - i) % 2 == 1 ? WordTokenizer.EOS : WordTokenizer.BOS;
    }
    System.arraycopy(ids, 0, out, pad, ids.length);
    return out;
  }

  @Override
  public Integer call() throws Exception {
    if ((prompt == null) == !sample) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give a PROMPT or --sample");
    }
    if (mode.ee()) {
      return nextTokenEe();
    }
    Path dir = modelDir != null ? modelDir : RepoRoot.model(model);
    ModelDirectory.Model lm = ModelDirectory.load(dir);
    if (lm.tokenizer() == null) {
      throw new IllegalArgumentException("model directory " + dir + " has no tokenizer (not a language model)");
    }
    var out = spec.commandLine().getOut();
    try (CipherformerClient client = connection.connect();
         ProgressBars bars = new ProgressBars(output.progress(), System.err)) {
      ModelDescription d = client.describe(model);
      if (!d.getInput().hasTokensInput()) {
        throw new IllegalArgumentException("model '" + model + "' does not take prompts");
      }
      int tokens = d.getInput().getTokens();
      int[] ids = sample ? ShippedInputs.prompt(lm, RepoRoot.get(), tokens) : fit(lm.tokenizer(), prompt, tokens);
      NextTokens n;
      try (ModelSession session = client.openSession(client.generateKeys(d, bars.keygen()), bars.upload())) {
        n = session.nextToken(List.of(ids), dir, bars.inference());
        bars.close();
        out.println("prompt: " + lm.tokenizer().decode(ids));
        double[] p = n.probabilities(0);
        for (int id : n.top(0, Math.max(1, top))) {
          out.printf(Locale.ROOT, "  %-16s p %.3f%n", lm.tokenizer().token(id), p[id]);
        }
        Report.session(out, session);
        Report.inference(out, n.timings());
      }
      return 0;
    }
  }

  /**
   * EE mode: the client tokenizes with its local copy of the original LM (the server's EE model has no tokenizer),
   * permutes the ids with the EE key, and un-permutes the next-token logits. The prompt is {@code <bos> + words}, its
   * last seq_len tokens.
   */
  private int nextTokenEe() throws Exception {
    var key = mode.key();
    Path dir = EeModeOptions.localModel(modelDir, model);
    ModelDirectory.Model lm = ModelDirectory.load(dir);
    if (lm.tokenizer() == null) {
      throw new IllegalArgumentException("model directory " + dir + " has no tokenizer: give the ORIGINAL model with "
          + "--model-dir (the client tokenizes; the server's EE model has no tokenizer)");
    }
    int seqLen = lm.config().architecture().seqLen();
    int[] ids = sample ? ShippedInputs.prompt(lm, RepoRoot.get(), 16) : fitEe(lm.tokenizer(), prompt, seqLen);
    var out = spec.commandLine().getOut();
    try (CipherformerClient client = connection.connect()) {
      NextTokens n = client.eeNextToken(model, key, List.of(ids));
      out.println("prompt: " + lm.tokenizer().decode(ids));
      double[] p = n.probabilities(0);
      for (int id : n.top(0, Math.max(1, top))) {
        out.printf(Locale.ROOT, "  %-16s p %.3f%n", lm.tokenizer().token(id), p[id]);
      }
      out.printf(Locale.ROOT, "EE mode (key id %s): server compute %.2f ms, end to end %.1f ms%n", key.keyId(),
          n.timings().serverComputeNanos() / 1e6, n.timings().totalNanos() / 1e6);
      return 0;
    }
  }

  /** {@code <bos> + encode(text)}, its last {@code seqLen} ids (EE mode takes any length up to the context). */
  static int[] fitEe(WordTokenizer tokenizer, String text, int seqLen) {
    int[] body = tokenizer.encode(text);
    int[] ids = new int[body.length + 1];
    ids[0] = WordTokenizer.BOS;
    System.arraycopy(body, 0, ids, 1, body.length);
    return ids.length <= seqLen ? ids : Arrays.copyOfRange(ids, ids.length - seqLen, ids.length);
  }
}
