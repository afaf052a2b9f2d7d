package org.cipherformer.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cipherformer.model.ee.EeKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Makes an EE key file (docs/ee.md). */
@Command(name = "ee-keygen", mixinStandardHelpOptions = true,
    description = {"Generate an equivariant-encryption (EE) key: 256 random bits (SecureRandom) in a small "
        + "versioned file, readable by its owner only. Whoever holds it transforms models (ee-transform) and talks "
        + "to them (--mode ee); the server never gets it. Never overwrites a file."})
final class EeKeygenCommand implements Callable<Integer> {
  @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Key file to create.")
  Path out;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (java.nio.file.Files.exists(out)) {
      throw new IllegalArgumentException(out + " exists: refusing to overwrite a key (models transformed with it "
          + "would become unusable)");
    }
    EeKey key = EeKey.generate();
    key.write(out);
    spec.commandLine().getOut().println("wrote EE key " + out + " (key id " + key.keyId() + "; keep the file "
        + "secret: it is the only protection of EE mode)");
    return 0;
  }
}
