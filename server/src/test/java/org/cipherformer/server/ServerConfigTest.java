package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
  private static final String HASH_A = ApiKeys.sha256Hex("key-a");
  private static final String HASH_B = ApiKeys.sha256Hex("key-b");

  @TempDir
  Path dir;

  private ServerConfig parse(String json) {
    return ServerConfig.parse(json, dir, "test.json");
  }

  private void assertError(String json, String... fragments) {
    ServerConfigException e = assertThrows(ServerConfigException.class, () -> parse(json));
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should contain '" + f + "'");
    }
  }

  @Test
  void emptyObjectGivesTheDefaults() {
    ServerConfig c = parse("{}");
    ServerConfig d = ServerConfig.defaults();
    assertEquals(d, c);
    assertEquals("127.0.0.1", c.address());
    assertEquals(50051, c.port());
    assertNull(c.tls());
    assertNull(c.metrics());
    assertFalse(c.reflection());
    assertFalse(c.authenticationEnabled());
    assertEquals(Quotas.DEFAULT, c.defaultQuotas());
    assertEquals(1 << 20, c.maxChunkBytes());
    assertEquals(Duration.ofMinutes(30), c.idleSessionTimeout());
  }

  @Test
  void everyFieldIsRead() throws Exception {
    Files.writeString(dir.resolve("chain.pem"), "x");
    Files.writeString(dir.resolve("key.pem"), "x");
    Files.writeString(dir.resolve("ca.pem"), "x");
    ServerConfig c = parse("""
        {"address": "0.0.0.0", "port": 7000, "modelsDirectory": "m", "models": ["a", "b"], "executorThreads": 3,
         "maxInboundMessageBytes": 4096, "maxChunkBytes": 3000, "maxConcurrentInferences": 3,
         "refreshReplyTimeoutSeconds": 7, "idleSessionTimeoutSeconds": 60, "shutdownDelaySeconds": 0.5,
         "drainTimeoutSeconds": 10, "reflection": true,
         "tls": {"certChain": "chain.pem", "privateKey": "key.pem", "clientCa": "ca.pem"},
         "metrics": {"port": 0},
         "defaultQuotas": {"maxSessions": 4},
         "tenants": [
           {"id": "alice", "apiKeySha256": ["%s"]},
           {"id": "bob", "apiKeySha256": ["%s"], "quotas": {"maxConcurrentInferences": 5}}
         ]}
        """.formatted(HASH_A, HASH_B.toUpperCase()));
    assertEquals("0.0.0.0", c.address());
    assertEquals(7000, c.port());
    assertEquals(dir.resolve("m"), c.modelsDirectory(), "relative paths resolve against the file's directory");
    assertEquals(List.of("a", "b"), c.models());
    assertEquals(3, c.executorThreads());
    assertEquals(4096, c.maxInboundMessageBytes());
    assertEquals(3000, c.maxChunkBytes());
    assertEquals(3, c.maxConcurrentInferences());
    assertEquals(Duration.ofSeconds(7), c.refreshReplyTimeout());
    assertEquals(Duration.ofSeconds(60), c.idleSessionTimeout());
    assertEquals(Duration.ofMillis(500), c.shutdownDelay());
    assertEquals(Duration.ofSeconds(10), c.drainTimeout());
    assertTrue(c.reflection());
    assertEquals(new TlsConfig(dir.resolve("chain.pem"), dir.resolve("key.pem"), dir.resolve("ca.pem"), true),
        c.tls(), "a clientCa without requireClientCert means mutual TLS");
    assertEquals(new MetricsConfig("127.0.0.1", 0), c.metrics());
    Quotas defaults = new Quotas(4, Quotas.DEFAULT.maxKeyBytes(), Quotas.DEFAULT.maxConcurrentInferences());
    assertEquals(defaults, c.defaultQuotas());
    assertEquals(List.of(new TenantConfig("alice", List.of(HASH_A), defaults),
            new TenantConfig("bob", List.of(HASH_B), new Quotas(4, defaults.maxKeyBytes(), 5))),
        c.tenants(), "tenant quotas override the defaults field by field; hashes are lowercased");
    assertTrue(c.authenticationEnabled());
  }

  @Test
  void errorsNameTheFileAndField() {
    assertError("{\"prot\": 1}", "test.json: prot: unknown field", "port");
    assertError("{\"port\": \"50051\"}", "test.json: port: expected a whole number", "string");
    assertError("{\"port\": 70000}", "port: must be in [0, 65535], got 70000");
    assertError("{\"models\": [\"../etc\"]}", "models[0]: '../etc' is not a model directory name");
    assertError("{\"models\": [\"a\", \"a\"]}", "models[1]: model 'a' is listed twice");
    assertError("{\"models\": \"a\"}", "models: expected an array");
    assertError("{\"executorThreads\": 0}", "executorThreads: must be in [1, 1024]");
    assertError("{\"maxInboundMessageBytes\": 12.5}", "maxInboundMessageBytes: expected a whole number");
    assertError("{\"maxInboundMessageBytes\": 4096, \"maxChunkBytes\": 3500}",
        "maxChunkBytes: 3500 must leave 1 KiB of maxInboundMessageBytes (4096)", "at most 3072");
    assertError("{\"idleSessionTimeoutSeconds\": 0}", "idleSessionTimeoutSeconds: must be in [1.0");
    assertError("{\"reflection\": \"yes\"}", "reflection: expected true or false");
    assertError("{\"address\": \" \"}", "address: must not be empty");
    assertError("{\"metrics\": {\"port\": -1}}", "metrics.port: must be in [0, 65535]");
    assertError("{\"defaultQuotas\": {\"maxSessions\": 0}}", "defaultQuotas.maxSessions: must be in [1,");
    assertError("{\"tenants\": {}}", "tenants: expected an array");
    assertError("{\"tenants\": [{\"apiKeySha256\": [\"" + HASH_A + "\"]}]}", "tenants[0].id: missing");
    assertError("{\"tenants\": [{\"id\": \"a b\", \"apiKeySha256\": [\"" + HASH_A + "\"]}]}",
        "tenants[0].id: 'a b' is not 1 to 64 characters");
    assertError("{\"tenants\": [{\"id\": \"a\"}]}", "tenants[0].apiKeySha256: missing or empty",
        "tenant 'a'");
    assertError("{\"tenants\": [{\"id\": \"a\", \"apiKeySha256\": [\"my-secret-key\"]}]}",
        "tenants[0].apiKeySha256[0]: 'my-secret-key' is not a SHA-256 hash");
    assertError("{\"tenants\": [{\"id\": \"a\", \"apiKeySha256\": [\"" + HASH_A + "\"]},"
        + " {\"id\": \"a\", \"apiKeySha256\": [\"" + HASH_B + "\"]}]}",
        "tenants[1].id: duplicate tenant id 'a' (also at tenants[0].id)");
    assertError("{\"tenants\": [{\"id\": \"a\", \"apiKeySha256\": [\"" + HASH_A + "\"]},"
        + " {\"id\": \"b\", \"apiKeySha256\": [\"" + HASH_A + "\"]}]}",
        "tenants[1].apiKeySha256[0]: the same key hash is already listed for tenant 'a'");
    assertError("{\"tenants\": [{\"id\": \"a\", \"apiKeySha256\": [\"" + HASH_A + "\"],"
        + " \"quotas\": {\"maxKeyBytes\": -5}}]}", "tenants[0].quotas.maxKeyBytes: must be in [1,");
    assertError("{\"tls\": {\"privateKey\": \"k.pem\"}}", "tls.certChain: missing");
    assertError("{\"tls\": {\"certChain\": \"nope.pem\", \"privateKey\": \"k.pem\"}}",
        "tls.certChain: no readable file at " + dir.resolve("nope.pem"));
  }

  @Test
  void requireClientCertNeedsAClientCa() throws Exception {
    Files.writeString(dir.resolve("chain.pem"), "x");
    Files.writeString(dir.resolve("key.pem"), "x");
    assertError("{\"tls\": {\"certChain\": \"chain.pem\", \"privateKey\": \"key.pem\","
        + " \"requireClientCert\": true}}", "tls.requireClientCert: is true but clientCa is not set");
  }

  @Test
  void malformedJsonSaysWhere() {
    assertError("{\n\"port\": 1,\n\"port\": 2}", "test.json: not valid JSON", "Duplicate field 'port'",
        "line 3");
    assertError("{\"port\": }", "test.json: not valid JSON", "line 1");
    assertError("[1, 2]", "test.json: the top level must be a JSON object");
  }

  @Test
  void loadReportsAMissingFileByName() {
    Path missing = dir.resolve("absent.json");
    ServerConfigException e = assertThrows(ServerConfigException.class, () -> ServerConfig.load(missing));
    assertTrue(e.getMessage().startsWith(missing + ": cannot read the server config"), e.getMessage());
  }

  @Test
  void shippedExampleLoads() {
    // The example in the repository (config/server.example.json) must stay valid.
    Path example = Path.of("..", "config", "server.example.json");
    ServerConfig c = ServerConfig.load(example);
    assertTrue(c.authenticationEnabled());
    assertEquals(example.toAbsolutePath().getParent().resolve("../models").normalize(), c.modelsDirectory());
    assertEquals(List.of(ApiKeys.sha256Hex("example-alice-key-not-secret"),
        ApiKeys.sha256Hex("example-bob-key-not-secret")), c.tenants().stream()
        .map(t -> t.apiKeySha256().get(0)).toList());
  }
}
