package org.cipherformer.server;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Runs a server from a config file as a daemon: {@code java -cp ... org.cipherformer.server.ServerMain config.json}.
 * SIGTERM or Ctrl-C runs the graceful stop (health NOT_SERVING, shutdown delay, drain, stop). A bad config file
 * prints one line naming the file and field and exits with status 2. (The {@code cipherformer server} command of
 * the CLI is the friendlier way in; this is the entry point with no dependency beyond the server module.)
 */
public final class ServerMain {
  private ServerMain() {
  }

  public static void main(String[] args) {
    if (args.length != 1 || args[0].startsWith("-")) {
      System.err.println("usage: ServerMain <server-config.json>   (format: docs/server-config.md)");
      System.exit(2);
    }
    int status = run(Path.of(args[0]), System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Starts the server the file describes, stops it gracefully on JVM shutdown, and waits until it has stopped.
   *
   * @return 0 after a normal stop, 2 for an unusable config, 1 if the server could not start
   */
  public static int run(Path configFile, PrintStream out, PrintStream err) {
    ServerConfig config;
    CipherformerServer server;
    try {
      config = ServerConfig.load(configFile);
      server = CipherformerServer.builder().config(config).start().closeOnJvmShutdown();
    } catch (ServerConfigException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      err.println("error: cannot start the server: " + e.getMessage());
      return 1;
    }
    out.println("cipherformer server listening on " + config.address() + ":" + server.port()
        + (config.tls() == null ? " (plaintext)" : config.tls().requireClientCert() ? " (mutual TLS)" : " (TLS)")
        + (config.authenticationEnabled() ? ", " + config.tenants().size() + " tenant(s)" : ", no API keys")
        + (server.metricsPort() >= 0 ? ", metrics http://" + config.metrics().address() + ":" + server.metricsPort()
        + "/metrics" : ""));
    out.flush();
    try {
      server.blockUntilShutdown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return 0;
  }
}
