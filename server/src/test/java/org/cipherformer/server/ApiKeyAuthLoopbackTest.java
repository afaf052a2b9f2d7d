package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import org.cipherformer.proto.v1.ListModelsRequest;
import org.cipherformer.proto.v1.ModelServiceGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bearer API keys over a real loopback port: which tenant the services see, and every way to be refused. */
class ApiKeyAuthLoopbackTest {
  private static final String ALICE_KEY = ApiKeys.generate();
  private static final String ALICE_SECOND_KEY = ApiKeys.generate();
  private static final String BOB_KEY = ApiKeys.generate();

  private static LoopbackServer server;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    ServerConfig config = ServerConfig.parse("""
        {"port": 0, "shutdownDelaySeconds": 0, "drainTimeoutSeconds": 1,
         "tenants": [
           {"id": "alice", "apiKeySha256": ["%s", "%s"]},
           {"id": "bob", "apiKeySha256": ["%s"], "quotas": {"maxSessions": 1}}]}
        """.formatted(ApiKeys.sha256Hex(ALICE_KEY), ApiKeys.sha256Hex(ALICE_SECOND_KEY),
        ApiKeys.sha256Hex(BOB_KEY)), Path.of("."), "auth-test");
    server = LoopbackServer.start(config);
    channel = server.plaintextChannel();
  }

  @AfterAll
  static void stop() throws Exception {
    LoopbackServer.closeQuietly(channel);
    server.close();
  }

  /** ListModels of the probe service names the tenant it found in TenantContext. */
  private static String tenantSeenWith(String authorization) {
    var stub = ModelServiceGrpc.newBlockingStub(channel);
    if (authorization != null) {
      stub = stub.withInterceptors(LoopbackServer.authorization(authorization));
    }
    return stub.listModels(ListModelsRequest.getDefaultInstance()).getModels(0).getName();
  }

  private static String refusal(String authorization) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> tenantSeenWith(authorization));
    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.toString());
    return e.getStatus().getDescription();
  }

  @Test
  void eachKeyMapsToItsTenant() {
    assertEquals("alice", tenantSeenWith("Bearer " + ALICE_KEY));
    assertEquals("alice", tenantSeenWith("Bearer " + ALICE_SECOND_KEY), "a tenant may have several keys");
    assertEquals("bob", tenantSeenWith("Bearer " + BOB_KEY));
    assertEquals("bob", tenantSeenWith("bearer " + BOB_KEY), "the scheme name is case-insensitive");
  }

  @Test
  void missingKeyIsUnauthenticated() {
    assertTrue(refusal(null).startsWith("missing API key"));
  }

  @Test
  void malformedHeaderIsUnauthenticated() {
    assertTrue(refusal("Basic " + ALICE_KEY).startsWith("malformed authorization metadata"));
    assertTrue(refusal(ALICE_KEY).startsWith("malformed authorization metadata"));
    assertTrue(refusal("Bearer ").startsWith("malformed"));
    assertTrue(refusal("Bearer two words").contains("outside visible ASCII"));
  }

  @Test
  void unknownKeyIsUnauthenticatedAndNotEchoed() {
    String guess = ALICE_KEY.substring(0, 42) + (ALICE_KEY.endsWith("A") ? "B" : "A");
    String message = refusal("Bearer " + guess);
    assertEquals("unknown API key", message);
    assertFalse(message.contains(guess));
    // A hash is not a key: sending the stored hash must not authenticate.
    assertEquals("unknown API key", refusal("Bearer " + ApiKeys.sha256Hex(ALICE_KEY)));
  }

  @Test
  void healthNeedsNoKey() {
    HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, r.getStatus());
  }

  @Test
  void tenantQuotasTravelWithTheTenant() throws Exception {
    // The services get the whole Tenant record, quotas included, from the key.
    var seen = new java.util.concurrent.atomic.AtomicReference<Tenant>();
    ServerConfig config = ServerConfig.parse("""
        {"port": 0, "shutdownDelaySeconds": 0,
         "tenants": [{"id": "bob", "apiKeySha256": ["%s"], "quotas": {"maxSessions": 1}}]}
        """.formatted(ApiKeys.sha256Hex(BOB_KEY)), Path.of("."), "quota-test");
    try (LoopbackServer s = LoopbackServer.start(config, new ModelServiceGrpc.ModelServiceImplBase() {
      @Override
      public void listModels(ListModelsRequest request,
          io.grpc.stub.StreamObserver<org.cipherformer.proto.v1.ListModelsResponse> out) {
        seen.set(TenantContext.current());
        out.onNext(org.cipherformer.proto.v1.ListModelsResponse.getDefaultInstance());
        out.onCompleted();
      }
    })) {
      ManagedChannel c = s.plaintextChannel();
      try {
        ModelServiceGrpc.newBlockingStub(c).withInterceptors(LoopbackServer.authorization("Bearer " + BOB_KEY))
            .listModels(ListModelsRequest.getDefaultInstance());
      } finally {
        LoopbackServer.closeQuietly(c);
      }
    }
    assertEquals(new Tenant("bob", new Quotas(1, Quotas.DEFAULT.maxKeyBytes(),
        Quotas.DEFAULT.maxConcurrentInferences())), seen.get());
  }
}
