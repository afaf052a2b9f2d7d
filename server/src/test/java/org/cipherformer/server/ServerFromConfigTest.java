package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.proto.v1.CloseSessionRequest;
import org.cipherformer.proto.v1.CreateSessionRequest;
import org.cipherformer.proto.v1.ListModelsRequest;
import org.cipherformer.proto.v1.ModelServiceGrpc;
import org.cipherformer.proto.v1.Session;
import org.cipherformer.proto.v1.SessionServiceGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@link CipherformerServer} built from a config file ({@code builder().config(cfg)}) on a loopback port:
 * API keys in front of the real services, tenant isolation of sessions through the keys, metrics moving with real
 * calls, reflection, mutual TLS, and health through a graceful close. Only cheap calls (ListModels, CreateSession,
 * CloseSession): no CKKS key generation or inference.
 */
class ServerFromConfigTest {
  private static final String ALICE = ApiKeys.generate();
  private static final String BOB = ApiKeys.generate();

  @TempDir
  Path dir;

  private ServerConfig config(String extra) throws Exception {
    Path file = dir.resolve("server.json");
    Files.writeString(file, """
        {"port": 0, "modelsDirectory": "%s", "models": ["vit-fmnist"], "executorThreads": 2,
         "shutdownDelaySeconds": 0, "drainTimeoutSeconds": 2, "metrics": {"port": 0}, "reflection": true,
         "defaultQuotas": {"maxSessions": 1},
         "tenants": [{"id": "alice", "apiKeySha256": ["%s"]}, {"id": "bob", "apiKeySha256": ["%s"]}]%s}
        """.formatted(RepoPaths.root().resolve("models"), ApiKeys.sha256Hex(ALICE), ApiKeys.sha256Hex(BOB),
        extra));
    return ServerConfig.load(file);
  }

  private static CipherformerServer start(ServerConfig cfg) throws Exception {
    return CipherformerServer.builder().config(cfg).precompilePlans(false).start();
  }

  private static ManagedChannel plaintext(CipherformerServer s) {
    return NettyChannelBuilder.forAddress("127.0.0.1", s.port()).usePlaintext().build();
  }

  private static SessionServiceGrpc.SessionServiceBlockingStub sessions(ManagedChannel c, String key) {
    return SessionServiceGrpc.newBlockingStub(c).withInterceptors(LoopbackServer.authorization("Bearer " + key))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static String scrape(CipherformerServer s) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.metricsPort()
        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static double sample(String text, String nameAndLabels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void apiKeysTenantsAndMetricsOnTheRealServices() throws Exception {
    try (CipherformerServer server = start(config(""))) {
      ManagedChannel c = plaintext(server);
      try {
        var models = ModelServiceGrpc.newBlockingStub(c);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> models.listModels(ListModelsRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        assertEquals("vit-fmnist", models.withInterceptors(LoopbackServer.authorization("Bearer " + ALICE))
            .listModels(ListModelsRequest.getDefaultInstance()).getModels(0).getName());

        // The key decides the tenant, and the tenant owns the session: bob cannot close alice's.
        Session s = sessions(c, ALICE).createSession(CreateSessionRequest.newBuilder().setModel("vit-fmnist").build());
        assertEquals(1, sample(scrape(server), "cipherformer_sessions_active"));
        CloseSessionRequest close = CloseSessionRequest.newBuilder().setSessionId(s.getSessionId()).build();
        StatusRuntimeException foreign = assertThrows(StatusRuntimeException.class,
            () -> sessions(c, BOB).closeSession(close));
        assertEquals(Status.Code.NOT_FOUND, foreign.getStatus().getCode(), foreign.toString());
        // The quota from the file's defaultQuotas applies per tenant: bob still has his one session.
        Session b = sessions(c, BOB).createSession(CreateSessionRequest.newBuilder().setModel("vit-fmnist").build());
        StatusRuntimeException quota = assertThrows(StatusRuntimeException.class, () -> sessions(c, ALICE)
            .createSession(CreateSessionRequest.newBuilder().setModel("vit-fmnist").build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, quota.getStatus().getCode(), quota.toString());
        sessions(c, ALICE).closeSession(close);
        sessions(c, BOB).closeSession(CloseSessionRequest.newBuilder().setSessionId(b.getSessionId()).build());

        String text = scrape(server);
        assertEquals(0, sample(text, "cipherformer_sessions_active"));
        String create = "cipherformer_rpc_server_seconds_count{method=\"cipherformer.v1.SessionService/"
            + "CreateSession\",status=\"";
        assertEquals(2, sample(text, create + "OK\"}"), text);
        assertEquals(1, sample(text, create + "RESOURCE_EXHAUSTED\"}"), text);
        assertEquals(1, sample(text, "cipherformer_rpc_server_seconds_count{method=\"cipherformer.v1.SessionService/"
            + "CloseSession\",status=\"NOT_FOUND\"}"), text);
        assertEquals(1, sample(text, "cipherformer_rpc_server_seconds_count{method=\"cipherformer.v1.ModelService/"
            + "ListModels\",status=\"UNAUTHENTICATED\"}"), text);
        assertEquals(0, sample(text, "cipherformer_inferences_running"));
      } finally {
        LoopbackServer.closeQuietly(c);
      }
    }
  }

  @Test
  void closeTurnsHealthNotServingAndDoesNotWaitForHealthWatchers() throws Exception {
    // Options after config(cfg) override the file's.
    CipherformerServer server = CipherformerServer.builder().config(config("")).precompilePlans(false)
        .shutdownDelay(java.time.Duration.ofMillis(800)).shutdownGrace(java.time.Duration.ofSeconds(20)).start();
    ManagedChannel c = plaintext(server);
    try {
      assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(c)
          .check(HealthCheckRequest.newBuilder().setService("cipherformer.v1.InferenceService").build()).getStatus());
      LinkedBlockingQueue<ServingStatus> watched = new LinkedBlockingQueue<>();
      CompletableFuture<Status> watchEnd = new CompletableFuture<>();
      HealthGrpc.newStub(c).watch(HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {
        @Override
        public void onNext(HealthCheckResponse r) {
          watched.add(r.getStatus());
        }

        @Override
        public void onError(Throwable t) {
          watchEnd.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
          watchEnd.complete(Status.OK);
        }
      });
      assertEquals(ServingStatus.SERVING, watched.poll(10, TimeUnit.SECONDS));
      long t0 = System.nanoTime();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
      assertEquals(ServingStatus.NOT_SERVING, watched.poll(10, TimeUnit.SECONDS));
      closing.get(30, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - t0) / 1e9;
      // Delay 0.8 s, nothing to drain: the open watch stream must not hold close() for the 20 s drain timeout.
      assertTrue(seconds >= 0.8 && seconds < 10, "close took " + seconds + " s");
      assertTrue(watchEnd.get(10, TimeUnit.SECONDS).getCode() != Status.Code.OK, "the watch was cut off");
    } finally {
      LoopbackServer.closeQuietly(c);
      server.close();
    }
  }

  @Test
  void unusableTlsKeyFailsStartWithTheFileNamed() throws Exception {
    TestPki pki = TestPki.create(dir, "bad");
    TestPki.Leaf leaf = pki.server();
    // A certificate where the key should be: the file exists, so the config loads, but TLS cannot use it.
    String tls = ", \"tls\": {\"certChain\": \"" + leaf.certChain().getFileName() + "\", \"privateKey\": \""
        + leaf.certChain().getFileName() + "\"}";
    ServerConfig cfg = config(tls);
    ServerConfigException e = assertThrows(ServerConfigException.class, () -> start(cfg));
    assertTrue(e.getMessage().startsWith("tls: ") && e.getMessage().contains(leaf.certChain().toString()),
        e.getMessage());
  }

  @Test
  void reflectionAndMutualTlsFromTheFile() throws Exception {
    TestPki pki = TestPki.create(dir, "cfg");
    TestPki.Leaf serverLeaf = pki.server();
    TestPki.Leaf clientLeaf = pki.client("alice");
    String tls = ", \"tls\": {\"certChain\": \"" + serverLeaf.certChain().getFileName() + "\", \"privateKey\": \""
        + serverLeaf.privateKey().getFileName() + "\", \"clientCa\": \"" + pki.caCert.getFileName() + "\"}";
    try (CipherformerServer server = start(config(tls))) {
      SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(pki.caCert.toFile());
      ManagedChannel withCert = NettyChannelBuilder.forAddress("localhost", server.port())
          .sslContext(ssl.keyManager(clientLeaf.certChain().toFile(), clientLeaf.privateKey().toFile()).build())
          .build();
      ManagedChannel withoutCert = NettyChannelBuilder.forAddress("localhost", server.port())
          .sslContext(GrpcSslContexts.forClient().trustManager(pki.caCert.toFile()).build()).build();
      try {
        assertEquals("vit-fmnist", ModelServiceGrpc.newBlockingStub(withCert)
            .withInterceptors(LoopbackServer.authorization("Bearer " + BOB))
            .listModels(ListModelsRequest.getDefaultInstance()).getModels(0).getName());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> HealthGrpc
            .newBlockingStub(withoutCert).check(HealthCheckRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
        var reflection = io.grpc.reflection.v1.ServerReflectionGrpc.newStub(withCert);
        CompletableFuture<String> services = new CompletableFuture<>();
        var requests = reflection.serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(io.grpc.reflection.v1.ServerReflectionResponse r) {
            services.complete(r.getListServicesResponse().toString());
          }

          @Override
          public void onError(Throwable t) {
            services.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
          }
        });
        requests.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("*").build());
        requests.onCompleted();
        String listed = services.get(10, TimeUnit.SECONDS);
        assertTrue(listed.contains("cipherformer.v1.InferenceService"), listed);
      } finally {
        LoopbackServer.closeQuietly(withCert);
        LoopbackServer.closeQuietly(withoutCert);
      }
    }
  }
}
