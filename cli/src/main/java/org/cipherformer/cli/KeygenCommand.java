package org.cipherformer.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cipherformer.client.CipherformerClient;
import org.cipherformer.client.ModelKeys;
import org.cipherformer.client.ModelSession;
import org.cipherformer.proto.v1.ModelDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Makes a key set for a model's plan as the server describes it; writes the public evaluation keys to files and/or
 * sets up a session with them. The secret key never leaves the process and is discarded at exit.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = {"Generate the keys a model's plan needs (relinearization key + exactly the plan's Galois keys, "
        + "SEAL 4.1 format, seeded, zstd): write them to --out and/or upload them to a new session (--upload).",
        "The secret key is never written or sent; it is discarded when the command ends."})
final class KeygenCommand implements Callable<Integer> {
  @Option(names = {"-m", "--model"}, defaultValue = "vit-fmnist", description = "Model (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR",
      description = "Write relin-keys.seal and galois-keys.seal (loadable by SEAL 4.1) into DIR.")
  Path out;

  @Option(names = "--upload", description = "Create a session, upload the keys, report, close the session.")
  boolean upload;

  @Mixin
  ConnectionOptions connection;

  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (out == null && !upload) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give --out DIR and/or --upload");
    }
    var stdout = spec.commandLine().getOut();
    try (CipherformerClient client = connection.connect();
         ProgressBars bars = new ProgressBars(output.progress(), System.err)) {
      ModelDescription d = client.describe(model);
      try (ModelKeys keys = client.generateKeys(d, bars.keygen())) {
        stdout.printf(Locale.ROOT, "keys for %s: relinearization %s, %d Galois keys (steps %s) %s, made in %s%n",
            model, Report.megabytes(keys.relinKeyBytes().length), keys.steps().size(), keys.steps(),
            Report.megabytes(keys.galoisKeyBytes().length), Report.seconds(keys.generationNanos()));
        if (out != null) {
          Files.createDirectories(out);
          Files.write(out.resolve("relin-keys.seal"), keys.relinKeyBytes());
          Files.write(out.resolve("galois-keys.seal"), keys.galoisKeyBytes());
          stdout.println("wrote " + out.resolve("relin-keys.seal") + " and " + out.resolve("galois-keys.seal"));
        }
        if (upload) {
          try (ModelSession s = client.openSession(keys, bars.upload())) {
            stdout.printf(Locale.ROOT, "session %s: uploaded %s in %s; the server holds keys for %d steps%n",
                s.id(), Report.megabytes(s.upload().getBytesReceived()), Report.seconds(s.uploadNanos()),
                s.upload().getGaloisStepsCount());
          }
          stdout.println("session closed (its keys are useless without this process's secret key)");
        }
      }
      return 0;
    }
  }
}
