package org.cipherformer.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.cipherformer.server.CipherformerServer;
import org.cipherformer.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs the gRPC server until interrupted (Ctrl-C or SIGTERM: graceful shutdown). */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = {"Run the Cipherformer gRPC server (cipherformer.v1 API) until Ctrl-C / SIGTERM, which shuts it "
        + "down gracefully (health NOT_SERVING, drain, stop).",
        "With --config, every setting comes from the JSON config file (docs/server-config.md: tenants and API keys, "
        + "TLS/mTLS, quotas, limits, metrics); flags given as well override the file."})
final class ServerCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Server config file (JSON).")
  Path config;

  @Option(names = "--host", paramLabel = "ADDRESS",
      description = "Address to bind (default: 127.0.0.1, loopback only; 0.0.0.0 serves other hosts).")
  String host;

  @Option(names = {"-p", "--port"}, description = "Port; 0 picks a free one (default: 50051).")
  Integer port;

  @Option(names = "--models-dir", paramLabel = "DIR",
      description = "Directory of model folders (default: models/ of the repository).")
  Path modelsDir;

  @Option(names = "--model", paramLabel = "NAME", split = ",",
      description = "Host only these models (default: vit-fmnist,tiny-lm of the repository's models/; all models of "
          + "--models-dir; with --config, the file's).")
  List<String> models = new ArrayList<>();

  @Option(names = "--threads", description = "Executor threads (default: one per core, at least 2).")
  Integer threads;

  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CipherformerServer.Builder b = CipherformerServer.builder();
    if (config != null) {
      b.config(ServerConfig.load(config));
    } else {
      b.host("127.0.0.1").port(CipherformerServer.DEFAULT_PORT);
      if (modelsDir == null) {
        // The shipped polynomial models; another --models-dir hosts all its models unless --model names some.
        b.modelsDirectory(RepoRoot.get().resolve("models")).models(List.of("vit-fmnist", "tiny-lm"));
      }
    }
    if (host != null) {
      b.host(host);
    }
    if (port != null) {
      b.port(port);
    }
    if (modelsDir != null) {
      b.modelsDirectory(modelsDir);
    }
    if (!models.isEmpty()) {
      b.models(models);
    }
    if (threads != null) {
      b.executorThreads(threads);
    }
    CipherformerServer server = b.start().closeOnJvmShutdown();
    spec.commandLine().getOut().println("cipherformer server listening on port " + server.port()
        + " (Ctrl-C to stop)");
    spec.commandLine().getOut().flush();
    server.blockUntilShutdown();
    return 0;
  }
}
