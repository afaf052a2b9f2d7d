package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cipherformer.proto.v1.CkksClientMessage;
import org.cipherformer.proto.v1.CkksInferenceResult;
import org.cipherformer.proto.v1.CkksInferenceStart;
import org.cipherformer.proto.v1.CkksServerMessage;
import org.cipherformer.proto.v1.InferenceServiceGrpc;
import org.cipherformer.proto.v1.KeyUploadChunk;
import org.cipherformer.proto.v1.KeyUploadHeader;
import org.cipherformer.proto.v1.KeyUploadResponse;
import org.cipherformer.proto.v1.KeyUploadTrailer;
import org.cipherformer.proto.v1.ListModelsRequest;
import org.cipherformer.proto.v1.ModelServiceGrpc;
import org.cipherformer.proto.v1.SessionServiceGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus endpoint over real HTTP: call counts by method and status, message, key-upload and ciphertext bytes,
 * the active-sessions and in-flight-inference gauges move with the calls made.
 */
class MetricsLoopbackTest {
  private static final String KEY = ApiKeys.generate();
  private static final AtomicInteger SESSIONS = new AtomicInteger();
  private static final AtomicInteger RUNNING = new AtomicInteger();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static ServerOperations ops;
  private static io.grpc.Server server;
  private static ManagedChannel channel;
  private static ClientInterceptor auth = LoopbackServer.authorization("Bearer " + KEY);
  /** RunCkks holds its result until released, so the test can see the in-flight gauge at 1. */
  private static volatile CountDownLatch releaseInference = new CountDownLatch(0);

  @BeforeAll
  static void start() throws Exception {
    ServerConfig config = ServerConfig.parse("{\"port\": 0, \"shutdownDelaySeconds\": 0,"
        + " \"metrics\": {\"port\": 0}, \"tenants\": [{\"id\": \"t\", \"apiKeySha256\": [\""
        + ApiKeys.sha256Hex(KEY) + "\"]}]}", Path.of("."), "t");
    ops = LoopbackServer.operations(config);
    ops.metrics().bindActiveSessions(SESSIONS::get);
    ops.metrics().bindRunningInferences(RUNNING::get);
    ServerInterceptor auth = LoopbackServer.authentication(config);
    NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(new ProbeModelService(), auth))
        .addService(ServerInterceptors.intercept(keySink(), auth))
        .addService(ServerInterceptors.intercept(echoInference(), auth));
    ops.configure(b);
    server = b.build().start();
    ops.started(server);
    channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
        .usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    LoopbackServer.closeQuietly(channel);
    ops.stop(server);
  }

  /** Accepts an upload and answers with the data bytes it saw. */
  private static ServerServiceDefinition keySink() {
    return new SessionServiceGrpc.SessionServiceImplBase() {
      @Override
      public StreamObserver<KeyUploadChunk> uploadKeys(StreamObserver<KeyUploadResponse> out) {
        return new StreamObserver<>() {
          long bytes;

          @Override
          public void onNext(KeyUploadChunk c) {
            bytes += c.getData().size();
          }

          @Override
          public void onError(Throwable t) {
          }

          @Override
          public void onCompleted() {
            out.onNext(KeyUploadResponse.newBuilder().setBytesReceived(bytes).build());
            out.onCompleted();
          }
        };
      }
    }.bindService();
  }

  /** Answers a start with two output "ciphertexts" of the input's size (bytes only: metrics do not parse them). */
  private static ServerServiceDefinition echoInference() {
    return new InferenceServiceGrpc.InferenceServiceImplBase() {
      @Override
      public StreamObserver<CkksClientMessage> runCkks(StreamObserver<CkksServerMessage> out) {
        return new StreamObserver<>() {
          @Override
          public void onNext(CkksClientMessage m) {
            try {
              releaseInference.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            ByteString ct = m.getStart().getInputCiphertext();
            out.onNext(CkksServerMessage.newBuilder().setResult(CkksInferenceResult.newBuilder()
                .addOutputCiphertexts(ct).addOutputCiphertexts(ct)).build());
            out.onCompleted();
          }

          @Override
          public void onError(Throwable t) {
          }

          @Override
          public void onCompleted() {
          }
        };
      }
    }.bindService();
  }

  private static String scrape() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + ops.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
    return r.body();
  }

  /** The value of the sample whose name and labels are given (labels in the order Prometheus prints them). */
  private static double sample(String text, String nameAndLabels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " (\\S+)$").matcher(text);
    if (!m.find()) {
      return 0; // a meter not created yet has counted nothing
    }
    return Double.parseDouble(m.group(1));
  }

  private static final String LIST_OK = "cipherformer_rpc_server_seconds_count{method=\"cipherformer.v1.ModelService/"
      + "ListModels\",status=\"OK\"}";
  private static final String LIST_UNAUTH = "cipherformer_rpc_server_seconds_count{method=\"cipherformer.v1."
      + "ModelService/ListModels\",status=\"UNAUTHENTICATED\"}";

  @Test
  void callCountsLatenciesAndMessageBytesMove() throws Exception {
    String before = scrape();
    var stub = ModelServiceGrpc.newBlockingStub(channel);
    for (int i = 0; i < 3; i++) {
      stub.withInterceptors(auth).listModels(ListModelsRequest.getDefaultInstance());
    }
    assertThrows(StatusRuntimeException.class, () -> stub.listModels(ListModelsRequest.getDefaultInstance()));
    String after = scrape();
    assertEquals(3, sample(after, LIST_OK) - sample(before, LIST_OK), after);
    assertEquals(1, sample(after, LIST_UNAUTH) - sample(before, LIST_UNAUTH), "refused calls are counted");
    String outBytes = "cipherformer_rpc_server_message_bytes_total{direction=\"out\",method=\"cipherformer.v1."
        + "ModelService/ListModels\"}";
    // Each reply is ListModelsResponse{models: [{name: "t"}]}: 2 + 3 = 5 bytes.
    assertEquals(15, sample(after, outBytes) - sample(before, outBytes), after);
    assertTrue(sample(after, "cipherformer_rpc_server_seconds_sum{method=\"cipherformer.v1.ModelService/"
        + "ListModels\",status=\"OK\"}") > 0);
    assertTrue(after.contains("cipherformer_rpc_server_seconds_bucket{"), "latency histogram buckets");
    assertTrue(after.contains("jvm_memory_used_bytes"), "JVM meters are bound");
  }

  @Test
  void keyUploadBytesAreCounted() throws Exception {
    String before = scrape();
    CompletableFuture<KeyUploadResponse> done = new CompletableFuture<>();
    StreamObserver<KeyUploadChunk> up = SessionServiceGrpc.newStub(channel).withInterceptors(auth)
        .uploadKeys(new StreamObserver<>() {
          @Override
          public void onNext(KeyUploadResponse r) {
            done.complete(r);
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
          }
        });
    up.onNext(KeyUploadChunk.newBuilder().setHeader(KeyUploadHeader.newBuilder().setSessionId("s")
        .setRelinKeyBytes(1000).setGaloisKeyBytes(500)).build());
    up.onNext(KeyUploadChunk.newBuilder().setData(ByteString.copyFrom(new byte[1000])).build());
    up.onNext(KeyUploadChunk.newBuilder().setData(ByteString.copyFrom(new byte[500])).build());
    up.onNext(KeyUploadChunk.newBuilder().setTrailer(KeyUploadTrailer.newBuilder()
        .setSha256(ByteString.copyFrom(new byte[32]))).build());
    up.onCompleted();
    assertEquals(1500, done.get(10, TimeUnit.SECONDS).getBytesReceived());
    String after = scrape();
    assertEquals(1500, sample(after, "cipherformer_key_upload_bytes_total") - sample(before,
        "cipherformer_key_upload_bytes_total"), after);
  }

  @Test
  void ciphertextBytesAndInflightInferencesAreCounted() throws Exception {
    String before = scrape();
    releaseInference = new CountDownLatch(1);
    CompletableFuture<CkksServerMessage> result = new CompletableFuture<>();
    StreamObserver<CkksClientMessage> in = InferenceServiceGrpc.newStub(channel).withInterceptors(auth)
        .runCkks(new StreamObserver<>() {
          @Override
          public void onNext(CkksServerMessage m) {
            result.complete(m);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
          }
        });
    in.onNext(CkksClientMessage.newBuilder().setStart(CkksInferenceStart.newBuilder().setSessionId("s")
        .setInputCiphertext(ByteString.copyFrom(new byte[700])).setInputCount(1)).build());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ops.metrics().inflightInferences() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(1, sample(scrape(), "cipherformer_inferences_inflight"));
    releaseInference.countDown();
    assertEquals(2, result.get(10, TimeUnit.SECONDS).getResult().getOutputCiphertextsCount());
    in.onCompleted();
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ops.metrics().inflightInferences() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    String after = scrape();
    assertEquals(0, sample(after, "cipherformer_inferences_inflight"));
    String in_ = "cipherformer_ciphertext_bytes_total{direction=\"in\"}";
    String out = "cipherformer_ciphertext_bytes_total{direction=\"out\"}";
    assertEquals(700, sample(after, in_) - sample(before, in_), after);
    assertEquals(1400, sample(after, out) - sample(before, out), after);
  }

  @Test
  void sessionAndRunningInferenceGaugesReadTheServer() throws Exception {
    SESSIONS.set(7);
    RUNNING.set(3);
    String first = scrape();
    assertEquals(7, sample(first, "cipherformer_sessions_active"));
    assertEquals(3, sample(first, "cipherformer_inferences_running"));
    SESSIONS.set(2);
    RUNNING.set(0);
    String second = scrape();
    assertEquals(2, sample(second, "cipherformer_sessions_active"));
    assertTrue(second.contains("cipherformer_inferences_running 0"), second);
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    URI base = URI.create("http://127.0.0.1:" + ops.metricsPort());
    assertEquals(404, HTTP.send(HttpRequest.newBuilder(base.resolve("/other")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(405, HTTP.send(HttpRequest.newBuilder(base.resolve("/metrics"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode());
  }
}
