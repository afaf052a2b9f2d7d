package org.cipherformer.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cipherformer.server.CipherformerServer;
import org.cipherformer.server.Quotas;
import org.cipherformer.server.Tenant;

/**
 * A server in this process on a free loopback port, for {@code demo} and {@code bench}: the shipped models, one
 * tenant without API keys whose quotas allow {@code clients} concurrent sessions and inferences.
 */
final class EmbeddedServer {
  /** Held so the level set below stays (java.util.logging keeps loggers weakly). */
  private static final Logger SERVER_LOG = Logger.getLogger("org.cipherformer.server");

  private EmbeddedServer() {
  }

  /**
   * @param models  model names under models/
   * @param clients concurrent clients the tenant's quotas must allow
   * @return the started server (close it)
   */
  static CipherformerServer start(List<String> models, int clients) throws Exception {
    // The command prints its own account of what happens; the server's INFO lines would interleave with it.
    SERVER_LOG.setLevel(Level.WARNING);
    Path dir = RepoRoot.get().resolve("models");
    Quotas q = new Quotas(Math.max(Quotas.DEFAULT.maxSessions(), 2 * clients), Quotas.DEFAULT.maxKeyBytes(),
        Math.max(Quotas.DEFAULT.maxConcurrentInferences(), clients));
    return CipherformerServer.builder()
        .port(0)
        .modelsDirectory(dir)
        .models(models)
        .tenant(new Tenant("local", q))
        .start();
  }

  /** The client target of a started embedded server. */
  static String target(CipherformerServer server) {
    return "127.0.0.1:" + server.port();
  }
}
