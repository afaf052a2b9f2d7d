package org.cipherformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.server.ApiKeyAuthInterceptor;
import org.cipherformer.server.ApiKeys;
import org.cipherformer.server.CipherformerServer;
import org.cipherformer.server.Quotas;
import org.cipherformer.server.TenantConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a server with API keys (the server's real bearer-key authentication): a wrong or missing key is
 * one line naming UNAUTHENTICATED with exit code 1; the right key, from --api-key or --api-key-file, works.
 */
class CliApiKeyTest {
  @TempDir
  Path dir;

  @Test
  void wrongOrMissingApiKeyIsOneLineAndTheRightOneWorks() throws Exception {
    String key = ApiKeys.generate();
    try (CipherformerServer server = CipherformerServer.builder().port(0)
        .modelsDirectory(RepoPaths.root().resolve("models")).models(List.of("vit-fmnist")).precompilePlans(false)
        .interceptor(new ApiKeyAuthInterceptor(List.of(
            new TenantConfig("cli-test", List.of(ApiKeys.sha256Hex(key)), Quotas.DEFAULT))))
        .start()) {
      String target = "127.0.0.1:" + server.port();
      CliTest.oneErrorLine(CliTest.run("models", "--server", target, "--api-key", "wrong-key"), 1, "UNAUTHENTICATED");
      CliTest.oneErrorLine(CliTest.run("models", "--server", target), 1, "UNAUTHENTICATED");
      CliTest.oneErrorLine(CliTest.run("classify", "--server", target, "--api-key", "wrong-key", "--sample", "0"), 1,
          "UNAUTHENTICATED");
      CliTest.Run ok = CliTest.run("models", "--server", target, "--api-key", key);
      assertEquals(0, ok.code(), ok.err());
      assertTrue(ok.out().contains("vit-fmnist"), ok.out());
      Path file = dir.resolve("key.txt");
      Files.writeString(file, key + "\n");
      CliTest.Run fromFile = CliTest.run("models", "--server", target, "--api-key-file", file.toString());
      assertEquals(0, fromFile.code(), fromFile.err());
    }
  }
}
