package org.cipherformer.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.cipherformer.model.ee.EeKey;
import picocli.CommandLine.Option;

/** {@code --mode ckks|ee} and the EE key, on classify and next-token. */
final class EeModeOptions {
  /** How the input is protected. */
  enum Mode { ckks, ee }

  @Option(names = "--mode", defaultValue = "ckks", description = "ckks (encrypted, default) or ee (secret "
      + "permutations: plaintext speed, no hardness assumption; needs --key and an ee-transform'ed model).")
  Mode mode;

  @Option(names = "--key", paramLabel = "FILE", description = "EE key file (with --mode ee).")
  Path key;

  boolean ee() {
    return mode == Mode.ee;
  }

  /** @return the key (only in EE mode) */
  EeKey key() throws IOException {
    if (key == null) {
      throw new IllegalArgumentException("--mode ee needs --key FILE (made by ee-keygen, the key the model was "
          + "transformed with)");
    }
    return EeKey.read(key);
  }

  /**
   * The client's local copy of an LM in EE mode (for its tokenizer): --model-dir if given, else models/NAME, and for
   * a server-side name ending in "-ee" (no tokenizer there), models/NAME-without-"-ee".
   */
  static Path localModel(Path modelDir, String model) {
    if (modelDir != null) {
      return modelDir;
    }
    if (model.endsWith("-ee")) {
      return RepoRoot.model(model.substring(0, model.length() - 3));
    }
    return RepoRoot.model(model);
  }
}
