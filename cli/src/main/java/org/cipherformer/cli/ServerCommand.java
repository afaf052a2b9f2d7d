package org.cipherformer.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.cipherformer.server.CipherformerServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs the gRPC server until interrupted (Ctrl-C or SIGTERM: graceful shutdown). */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Run the Cipherformer gRPC server (cipherformer.v1 API) until Ctrl-C / SIGTERM, which shuts it "
        + "down gracefully.")
final class ServerCommand implements Callable<Integer> {
  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}, loopback only; 0.0.0.0 serves other hosts).")
  String host;

  @Option(names = {"-p", "--port"}, defaultValue = "50051", description = "Port; 0 picks a free one "
      + "(default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--models-dir", paramLabel = "DIR",
      description = "Directory of model folders (default: models/ of the repository).")
  Path modelsDir;

  @Option(names = "--model", paramLabel = "NAME", split = ",",
      description = "Host only these models (default: vit-fmnist,tiny-lm).")
  List<String> models = new ArrayList<>();

  @Option(names = "--threads", description = "Executor threads (default: one per core).")
  Integer threads;

  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CipherformerServer.Builder b = CipherformerServer.builder()
        .host(host)
        .port(port)
        .modelsDirectory(modelsDir != null ? modelsDir : RepoRoot.get().resolve("models"))
        .models(models.isEmpty() ? List.of("vit-fmnist", "tiny-lm") : models);
    if (threads != null) {
      b.executorThreads(threads);
    }
    CipherformerServer server = b.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "cipherformer-shutdown"));
    spec.commandLine().getOut().println("cipherformer server listening on " + host + ":" + server.port()
        + " (Ctrl-C to stop)");
    spec.commandLine().getOut().flush();
    server.blockUntilShutdown();
    return 0;
  }
}
