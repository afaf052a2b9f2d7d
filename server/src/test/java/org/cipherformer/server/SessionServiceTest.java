package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.ops.CkksKeyHolder;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.he.ops.EvaluationKeys;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.proto.v1.CloseSessionRequest;
import org.cipherformer.proto.v1.DescribeModelRequest;
import org.cipherformer.proto.v1.KeyUploadChunk;
import org.cipherformer.proto.v1.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * SessionService over a loopback port, as two tenants: session quota, isolation, and key uploads that must be
 * refused with nothing stored (after each refused upload an inference on the session is still FAILED_PRECONDITION).
 * No test here generates the plan's full key set (that costs a minute); {@link CkksInferenceTest} does.
 */
class SessionServiceTest {
  private static final Quotas QUOTAS = new Quotas(2, 64L << 20, 1);
  private static final int CHUNK = 64 << 10;
  private static CipherformerServer server;
  private static TestClient alice;
  private static TestClient bob;
  private static CkksKeyHolder holder;

  @BeforeAll
  static void start() throws Exception {
    server = CipherformerServer.builder().port(0)
        .modelsDirectory(RepoPaths.root().resolve("models"))
        .models(List.of("vit-fmnist", "vit-fmnist-original"))
        .interceptor(new HeaderTenantInterceptor(QUOTAS))
        .maxChunkBytes(CHUNK)
        .start();
    alice = new TestClient(server.port(), "alice");
    bob = new TestClient(server.port(), "bob");
    holder = new CkksKeyHolder(CkksParameters.n16384());
  }

  @AfterAll
  static void stop() throws Exception {
    alice.close();
    bob.close();
    server.close();
    holder.close();
  }

  private static void assertStatus(Status.Code code, String fragment, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    String d = e.getStatus().getDescription();
    assertTrue(d != null && d.contains(fragment), "message '" + d + "' should name '" + fragment + "'");
  }

  /** An inference on the session is refused because it has no keys (and the refusal comes before any compute). */
  private static void assertNoKeys(TestClient client, String sessionId) {
    byte[] ct = holder.encrypt(new double[] {1, 2, 3}).save(ComprMode.ZSTD);
    TestClient.Run run = client.runCkks(TestClient.start(sessionId, ct, 1), holder, 60_000, null);
    assertStatus(Status.Code.FAILED_PRECONDITION, "no evaluation keys", () -> TestClient.await(run.result));
  }

  @Test
  void sessionsAreCountedPerTenantAndIsolated() throws Exception {
    Session a1 = alice.createSession("vit-fmnist");
    Session a2 = alice.createSession("vit-fmnist");
    assertTrue(a1.getSessionId().matches("[0-9a-f]{32}"), "128 random bits, hex: " + a1.getSessionId());
    assertNotEquals(a1.getSessionId(), a2.getSessionId());
    assertEquals(QUOTAS.maxKeyBytes(), a1.getMaxKeyBytes());
    assertEquals(CHUNK, a1.getMaxChunkBytes());
    assertEquals("vit-fmnist", a1.getModel());
    assertStatus(Status.Code.RESOURCE_EXHAUSTED, "maximum is 2", () -> alice.createSession("vit-fmnist"));

    // Bob has his own quota, and alice's sessions do not exist for him.
    Session b1 = bob.createSession("vit-fmnist");
    String aliceId = a1.getSessionId();
    assertStatus(Status.Code.NOT_FOUND, "not found",
        () -> bob.sessions.closeSession(CloseSessionRequest.newBuilder().setSessionId(aliceId).build()));
    assertStatus(Status.Code.NOT_FOUND, "not found",
        () -> bob.upload(List.of(TestClient.header(aliceId, 10, 10))));
    byte[] ct = holder.encrypt(new double[] {1}).save(ComprMode.ZSTD);
    TestClient.Run run = bob.runCkks(TestClient.start(aliceId, ct, 1), holder, 60_000, null);
    assertStatus(Status.Code.NOT_FOUND, "not found", () -> TestClient.await(run.result));
    // ... and alice's session is untouched by bob's attempts.
    assertFalse(server.sessions().get(new Tenant("alice", QUOTAS), aliceId).isClosed());

    alice.sessions.closeSession(CloseSessionRequest.newBuilder().setSessionId(aliceId).build());
    assertStatus(Status.Code.NOT_FOUND, "not found",
        () -> alice.sessions.closeSession(CloseSessionRequest.newBuilder().setSessionId(aliceId).build()));
    Session a3 = alice.createSession("vit-fmnist");
    for (Session s : List.of(a2, a3)) {
      alice.sessions.closeSession(CloseSessionRequest.newBuilder().setSessionId(s.getSessionId()).build());
    }
    bob.sessions.closeSession(CloseSessionRequest.newBuilder().setSessionId(b1.getSessionId()).build());
    assertEquals(0, server.activeSessions());
  }

  @Test
  void createSessionValidatesTheModel() {
    assertStatus(Status.Code.NOT_FOUND, "nope", () -> alice.createSession("nope"));
    assertStatus(Status.Code.INVALID_ARGUMENT, "empty", () -> alice.createSession(""));
    assertStatus(Status.Code.FAILED_PRECONDITION, "vit-fmnist-original",
        () -> alice.createSession("vit-fmnist-original"));
  }

  @Test
  void badUploadsAreRefusedWithNothingStored() throws Exception {
    String id = bob.createSession("vit-fmnist").getSessionId();
    try {
      // Announced above the session's quota: refused at the header.
      assertStatus(Status.Code.RESOURCE_EXHAUSTED, "exceeds the session's limit",
          () -> bob.upload(List.of(TestClient.header(id, QUOTAS.maxKeyBytes(), 1))));
      assertStatus(Status.Code.RESOURCE_EXHAUSTED, "exceeds the session's limit",
          () -> bob.upload(List.of(TestClient.header(id, -1L, 5))));

      byte[] relin = random(100_000);
      byte[] galois = random(150_000);
      List<KeyUploadChunk> good = TestClient.uploadMessages(id, relin, galois, CHUNK);

      // Truncated: the trailer comes after only part of the data.
      List<KeyUploadChunk> truncated = new ArrayList<>(good.subList(0, 3));
      truncated.add(good.get(good.size() - 1));
      assertStatus(Status.Code.INVALID_ARGUMENT, "truncated", () -> bob.upload(truncated));

      // Corrupted: one byte flipped on the way.
      List<KeyUploadChunk> corrupted = new ArrayList<>(good);
      byte[] chunk = corrupted.get(2).getData().toByteArray();
      chunk[17] ^= 1;
      corrupted.set(2, KeyUploadChunk.newBuilder().setData(ByteString.copyFrom(chunk)).build());
      assertStatus(Status.Code.INVALID_ARGUMENT, "SHA-256 mismatch", () -> bob.upload(corrupted));

      // More data than announced.
      List<KeyUploadChunk> overlong = new ArrayList<>(good);
      overlong.add(overlong.size() - 1, KeyUploadChunk.newBuilder().setData(ByteString.copyFrom(random(10))).build());
      assertStatus(Status.Code.INVALID_ARGUMENT, "more than the announced", () -> bob.upload(overlong));

      // Order and size of messages.
      assertStatus(Status.Code.INVALID_ARGUMENT, "before the KeyUploadHeader", () -> bob.upload(good.subList(1, 3)));
      assertStatus(Status.Code.INVALID_ARGUMENT, "exceeds max_chunk_bytes", () -> bob.upload(List.of(
          TestClient.header(id, CHUNK + 1, 1),
          KeyUploadChunk.newBuilder().setData(ByteString.copyFrom(random(CHUNK + 1))).build())));
      assertStatus(Status.Code.INVALID_ARGUMENT, "without a KeyUploadTrailer", () -> bob.upload(good.subList(0, 2)));

      // Intact bytes that are not SEAL keys.
      assertStatus(Status.Code.INVALID_ARGUMENT, "do not load", () -> bob.upload(good));

      // Real SEAL keys, but without most of the plan's rotation steps.
      List<Integer> steps = bob.models.describeModel(DescribeModelRequest.newBuilder().setName("vit-fmnist").build())
          .getCkks().getGaloisStepsList();
      try (EvaluationKeys partial = holder.generateEvaluationKeys(new TreeSet<>(List.of(steps.get(0))))) {
        List<KeyUploadChunk> msgs = TestClient.uploadMessages(id, partial.relinKeyBytes(ComprMode.ZSTD),
            partial.galoisKeyBytes(ComprMode.ZSTD), CHUNK);
        assertStatus(Status.Code.INVALID_ARGUMENT, "no key for rotation step " + steps.get(1),
            () -> bob.upload(msgs));
      }

      assertFalse(server.sessions().get(new Tenant("bob", QUOTAS), id).hasKeys(), "nothing stored");
      assertNoKeys(bob, id);
    } finally {
      bob.sessions.closeSession(CloseSessionRequest.newBuilder().setSessionId(id).build());
    }
  }

  @Test
  void idleSessionsExpireEvenWithAStalledUpload() throws Exception {
    try (CipherformerServer s = CipherformerServer.builder().port(0)
        .modelsDirectory(RepoPaths.root().resolve("models")).models(List.of("vit-fmnist"))
        .precompilePlans(false).idleSessionTimeout(Duration.ofMillis(500)).start();
        TestClient c = new TestClient(s.port())) {
      Session session = c.createSession("vit-fmnist");
      assertEquals(1, s.activeSessions());
      // An upload that sends its header and then nothing: it must not keep the session alive for ever.
      CompletableFuture<Object> upload = new CompletableFuture<>();
      StreamObserver<KeyUploadChunk> stalled = c.sessionsAsync.uploadKeys(new StreamObserver<>() {
        @Override
        public void onNext(org.cipherformer.proto.v1.KeyUploadResponse value) {
        }

        @Override
        public void onError(Throwable t) {
          upload.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
          upload.complete(null);
        }
      });
      stalled.onNext(TestClient.header(session.getSessionId(), 1000, 1000));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (s.activeSessions() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(0, s.activeSessions(), "the sweeper closed the idle session");
      assertStatus(Status.Code.NOT_FOUND, "not found", () -> c.sessions.closeSession(
          CloseSessionRequest.newBuilder().setSessionId(session.getSessionId()).build()));
      // The stalled upload, finished late, stores nothing: its session is gone.
      byte[] data = random(2000);
      stalled.onNext(KeyUploadChunk.newBuilder().setData(ByteString.copyFrom(data)).build());
      stalled.onNext(TestClient.trailer(TestClient.sha256(data)));
      stalled.onCompleted();
      assertStatus(Status.Code.NOT_FOUND, "expired during the upload", () -> TestClient.await(upload));
    }
  }

  @Test
  void aStreamThatNeverStartsIsClosed() throws Exception {
    try (CipherformerServer s = CipherformerServer.builder().port(0)
        .modelsDirectory(RepoPaths.root().resolve("models")).models(List.of("vit-fmnist"))
        .precompilePlans(false).refreshReplyTimeout(Duration.ofMillis(300)).start();
        TestClient c = new TestClient(s.port())) {
      CompletableFuture<Object> done = new CompletableFuture<>();
      c.inference.runCkks(new StreamObserver<>() {
        @Override
        public void onNext(org.cipherformer.proto.v1.CkksServerMessage value) {
        }

        @Override
        public void onError(Throwable t) {
          done.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
          done.complete(null);
        }
      });
      assertStatus(Status.Code.DEADLINE_EXCEEDED, "no CkksInferenceStart", () -> TestClient.await(done));
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }
}
