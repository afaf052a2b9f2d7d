package org.cipherformer.client;

import java.util.List;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.server.CipherformerServer;
import org.cipherformer.server.Quotas;
import org.cipherformer.server.Tenant;

/** Real servers (server/ module) on a loopback port for the client's end-to-end tests. */
final class LoopbackServers {
  private LoopbackServers() {
  }

  /**
   * @param clients concurrent clients the single tenant's quotas must allow (sessions and inferences)
   * @return a started server hosting the shipped vit-fmnist
   */
  static CipherformerServer vit(int clients) throws Exception {
    Quotas q = new Quotas(Math.max(8, 2 * clients), Quotas.DEFAULT.maxKeyBytes(), Math.max(2, clients));
    return CipherformerServer.builder()
        .port(0)
        .modelsDirectory(RepoPaths.root().resolve("models"))
        .models(List.of("vit-fmnist"))
        .tenant(new Tenant("test", q))
        .start();
  }

  static String target(CipherformerServer server) {
    return "127.0.0.1:" + server.port();
  }
}
