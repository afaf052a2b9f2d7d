package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cipherformer.model.data.RepoPaths;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Node.js client (interop/classify-client.js) against a server with mutual TLS and API-key tenants, on a loopback
 * port. No inference runs: the client asks for a model that does not exist, so NOT_FOUND proves the TLS handshake,
 * the client certificate and the bearer key all passed, while a refused handshake or key fails earlier with
 * UNAVAILABLE or UNAUTHENTICATED. (The full encrypted classification from Node is {@link NodeClientInteropTest}.)
 *
 * <p>Skipped (with the reason) only when {@code node} or interop/node_modules is missing.
 */
class NodeClientTlsAuthTest {
  static final long TIMEOUT_SECONDS = 120;

  @TempDir
  static Path pkiDir;
  static Path root;
  static TestPki pki;
  static TestPki.Leaf alice;
  static String aliceKey;
  static CipherformerServer server;

  @BeforeAll
  static void startServer() throws Exception {
    root = RepoPaths.root();
    String missing = NodeClientProcess.missingSetup(root.resolve("interop"));
    assumeTrue(missing == null, () -> "skipped: " + missing + " (run scripts/setup.sh: it installs node and runs "
        + "npm ci in interop/)");
    pki = TestPki.create(pkiDir, "node");
    TestPki.Leaf serverLeaf = pki.server();
    alice = pki.client("alice");
    aliceKey = ApiKeys.generate();
    server = CipherformerServer.builder()
        .port(0)
        .modelsDirectory(root.resolve("models"))
        .models(List.of("vit-fmnist"))
        .tls(TlsConfig.mutual(serverLeaf.certChain(), serverLeaf.privateKey(), pki.caCert))
        .interceptor(new ApiKeyAuthInterceptor(List.of(
            new TenantConfig("alice", List.of(ApiKeys.sha256Hex(aliceKey)), Quotas.DEFAULT))))
        .start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** Runs the client for an unknown model and returns its error line (the run must fail with exit status 1). */
  static String errorOf(Map<String, String> env, String... args) throws Exception {
    NodeClientProcess.Result r = NodeClientProcess.run(root, server.port(), env, TIMEOUT_SECONDS,
        concat(args, "--model", "no-such-model", "--quiet", "--deadline-seconds", "60"));
    assertEquals(1, r.exitCode(), () -> "exit status; stdout " + r.json() + "\nstderr:\n" + r.stderr());
    assertFalse(r.json().path("ok").asBoolean(true), () -> "ok should be false: " + r.json());
    return r.json().path("error").asText();
  }

  @Test
  void mutualTlsAndTheKeyFromTheEnvironmentGetThroughToTheService() throws Exception {
    String error = errorOf(Map.of("CIPHERFORMER_API_KEY", aliceKey), "--ca-cert", pki.caCert.toString(),
        "--client-cert", alice.certChain().toString(), "--client-key", alice.privateKey().toString());
    assertTrue(error.contains("NOT_FOUND") && error.contains("DescribeModel"),
        () -> "past TLS and auth the server answers NOT_FOUND for the unknown model: " + error);
  }

  @Test
  void wrongApiKeyIsUnauthenticated() throws Exception {
    String error = errorOf(Map.of(), "--api-key", ApiKeys.generate(), "--ca-cert", pki.caCert.toString(),
        "--client-cert", alice.certChain().toString(), "--client-key", alice.privateKey().toString());
    assertTrue(error.contains("UNAUTHENTICATED"), () -> "unknown bearer key: " + error);
  }

  @Test
  void missingApiKeyIsUnauthenticated() throws Exception {
    String error = errorOf(Map.of(), "--ca-cert", pki.caCert.toString(),
        "--client-cert", alice.certChain().toString(), "--client-key", alice.privateKey().toString());
    assertTrue(error.contains("UNAUTHENTICATED"), () -> "no bearer key: " + error);
  }

  @Test
  void withoutAClientCertificateTheHandshakeIsRefused() throws Exception {
    String error = errorOf(Map.of("CIPHERFORMER_API_KEY", aliceKey), "--ca-cert", pki.caCert.toString());
    assertTrue(error.contains("UNAVAILABLE") && !error.contains("NOT_FOUND"),
        () -> "mTLS server, no client certificate: " + error);
  }

  @Test
  void aServerCertificateFromAnotherCaIsRefused(@TempDir Path otherDir) throws Exception {
    TestPki other = TestPki.create(otherDir, "other");
    String error = errorOf(Map.of("CIPHERFORMER_API_KEY", aliceKey), "--ca-cert", other.caCert.toString(),
        "--client-cert", alice.certChain().toString(), "--client-key", alice.privateKey().toString());
    assertTrue(error.contains("UNAVAILABLE") && !error.contains("NOT_FOUND"),
        () -> "client trusting another CA: " + error);
  }

  @Test
  void plaintextToATlsServerFails() throws Exception {
    String error = errorOf(Map.of("CIPHERFORMER_API_KEY", aliceKey));
    assertTrue(error.contains("UNAVAILABLE") && !error.contains("NOT_FOUND"), () -> "plaintext client: " + error);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
