package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.Evaluator;
import org.cipherformer.he.NativeHandle;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.ops.CkksKeyHolder;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.he.ops.EvaluationKeys;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.encrypted.InputPacker;
import org.cipherformer.model.encrypted.OutputUnpacker;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.model.encrypted.SlotLayout;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;
import org.cipherformer.proto.v1.CkksInferenceResult;
import org.cipherformer.proto.v1.CloseSessionRequest;
import org.cipherformer.proto.v1.DescribeModelRequest;
import org.cipherformer.proto.v1.InferenceProgress;
import org.cipherformer.proto.v1.InputLayout;
import org.cipherformer.proto.v1.KeyUploadResponse;
import org.cipherformer.proto.v1.ModelDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.Executable;

/**
 * CKKS inference over a real loopback port, the way a remote client does it: keys for the plan made by a key holder
 * and uploaded in chunks, the shipped images packed and encrypted, refresh requests answered over the stream, the
 * result decrypted and compared with the plaintext reference. One full inference (it costs ~30 s of CPU on a quiet
 * machine); the error paths stop before compute or part-way (cancellation, deadline, a bad refresh reply) and check
 * that the server stops and frees the session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CkksInferenceTest {
  private static final String MODEL = "vit-fmnist";
  /** How long the server may take to notice a stop and free its worker (one native operation, on a busy machine). */
  private static final Duration STOP_BOUND = Duration.ofSeconds(20);

  private CipherformerServer server;
  private TestClient client;
  private TestClient other;
  private CkksKeyHolder holder;
  private ModelDescription description;
  private SlotLayout layout;
  private ModelDirectory.Model model;
  private String sessionId;
  private byte[] input;
  private List<double[]> images;
  private long nativeBaseline;

  @BeforeAll
  void start() throws Exception {
    holder = new CkksKeyHolder(CkksParameters.n16384());
    // Everything the server makes (context, sessions, keys, the shared encode cache) is freed by its close().
    nativeBaseline = NativeHandle.settledLiveHandles();
    server = CipherformerServer.builder().port(0)
        .modelsDirectory(RepoPaths.root().resolve("models"))
        .models(List.of(MODEL))
        .interceptor(new HeaderTenantInterceptor(new Quotas(4, 1L << 30, 2)))
        .start();
    client = new TestClient(server.port(), "carol");
    other = new TestClient(server.port(), "dave");
    description = client.models.describeModel(DescribeModelRequest.newBuilder().setName(MODEL).build());
    InputLayout in = description.getInput();
    layout = new SlotLayout(in.getSlotCount(), in.getTokens(), in.getDModel(), in.getBatch());
    model = ModelDirectory.load(RepoPaths.root().resolve("models").resolve(MODEL));
    sessionId = client.createSession(MODEL).getSessionId();
    images = ShippedInputs.images(RepoPaths.root()).subList(0, 2);
    try (Ciphertext c = holder.encrypt(new InputPacker(model, layout).images(images))) {
      input = c.save(ComprMode.ZSTD);
    }
  }

  @AfterAll
  void stop() throws Exception {
    client.close();
    other.close();
    server.close();
    holder.close();
  }

  private static StatusRuntimeException assertStatus(Status.Code code, String fragment, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    String d = e.getStatus().getDescription();
    assertTrue(d != null && d.contains(fragment), "message '" + d + "' should name '" + fragment + "'");
    return e;
  }

  private StatusRuntimeException assertRunFails(Status.Code code, String fragment, TestClient c, String session,
      byte[] ciphertext, int count) {
    TestClient.Run run = c.runCkks(TestClient.start(session, ciphertext, count), holder, 60_000, null);
    return assertStatus(code, fragment, () -> TestClient.await(run.result));
  }

  /** Waits until the server runs no inference; returns how long that took. */
  private Duration awaitIdle() throws InterruptedException {
    long t0 = System.nanoTime();
    while (server.runningInferences() > 0 && System.nanoTime() - t0 < STOP_BOUND.toNanos()) {
      Thread.sleep(20);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertEquals(0, server.runningInferences(), "the server still runs the inference after " + took);
    return took;
  }

  private Session session() {
    return server.sessions().get(new Tenant("carol", Quotas.DEFAULT), sessionId);
  }

  @Test
  @Order(1)
  void refusesBadStartsBeforeAnyCompute() throws Exception {
    assertRunFails(Status.Code.FAILED_PRECONDITION, "no evaluation keys", client, sessionId, input, 1);

    byte[] garbage = new byte[4096];
    new SecureRandom().nextBytes(garbage);
    assertRunFails(Status.Code.INVALID_ARGUMENT, "input_ciphertext is not a valid SEAL ciphertext", client,
        sessionId, garbage, 1);
    byte[] truncated = java.util.Arrays.copyOf(input, input.length / 2);
    assertRunFails(Status.Code.INVALID_ARGUMENT, "input_ciphertext", client, sessionId, truncated, 1);

    // Another parameter set: SEAL's parms_id is unknown to the server's context.
    try (CkksKeyHolder small = new CkksKeyHolder(CkksParameters.custom(8192, new int[] {60, 40, 60}, 40, 1));
        Ciphertext c = small.encrypt(new double[] {1, 2})) {
      assertRunFails(Status.Code.INVALID_ARGUMENT, "input_ciphertext is not a valid SEAL ciphertext", client,
          sessionId, c.save(ComprMode.ZSTD), 1);
    }
    // The right parameters, but not what the plan starts from.
    try (Ciphertext c = holder.encrypt(new double[] {1, 2}); Evaluator ev = new Evaluator(holder.context());
        Ciphertext low = ev.modSwitchToNext(c)) {
      assertRunFails(Status.Code.INVALID_ARGUMENT, "level", client, sessionId, low.save(ComprMode.ZSTD), 1);
      c.setScale(Math.scalb(1.0, 30));
      assertRunFails(Status.Code.INVALID_ARGUMENT, "scale", client, sessionId, c.save(ComprMode.ZSTD), 1);
    }
    assertRunFails(Status.Code.INVALID_ARGUMENT, "input_count 0", client, sessionId, input, 0);
    assertRunFails(Status.Code.INVALID_ARGUMENT, "input_count " + (layout.batch() + 1), client, sessionId, input,
        layout.batch() + 1);
    assertRunFails(Status.Code.INVALID_ARGUMENT, "session_id is empty", client, "", input, 1);
    assertRunFails(Status.Code.NOT_FOUND, "not found", other, sessionId, input, 1);
    assertEquals(0, server.runningInferences());
  }

  @Test
  @Order(2)
  void uploadsTheKeysOfThePlan() throws Exception {
    List<Integer> steps = description.getCkks().getGaloisStepsList();
    long t0 = System.nanoTime();
    byte[] relin;
    byte[] galois;
    try (EvaluationKeys keys = holder.generateEvaluationKeys(new TreeSet<>(steps))) {
      relin = keys.relinKeyBytes(ComprMode.ZSTD);
      galois = keys.galoisKeyBytes(ComprMode.ZSTD);
    }
    long t1 = System.nanoTime();
    KeyUploadResponse r = client.upload(TestClient.uploadMessages(sessionId, relin, galois, 1 << 20));
    long t2 = System.nanoTime();
    System.out.printf(Locale.ROOT, "keys: %d steps, %.1f MB, generated in %.1f s, uploaded and loaded in %.1f s%n",
        steps.size(), (relin.length + galois.length) / 1e6, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    assertEquals(relin.length + galois.length, r.getBytesReceived());
    assertEquals(steps, r.getGaloisStepsList());
    assertTrue(session().hasKeys());
    assertStatus(Status.Code.FAILED_PRECONDITION, "already has its keys",
        () -> client.upload(TestClient.uploadMessages(sessionId, relin, galois, 1 << 20)));
  }

  @Test
  @Order(3)
  void classifiesLikeThePlaintextReference() throws Exception {
    long t0 = System.nanoTime();
    TestClient.Run run = client.runCkks(TestClient.start(sessionId, input, images.size()), holder, 0, null);
    CkksInferenceResult result = TestClient.await(run.result);
    long wall = System.nanoTime() - t0;

    assertEquals(1, result.getOutputCiphertextsCount());
    double[] slots;
    try (Ciphertext out = Ciphertext.load(holder.context(), result.getOutputCiphertexts(0).toByteArray())) {
      slots = holder.decrypt(out);
    }
    int classes = description.getOutput().getClasses().getLabelsCount();
    double[][] logits = OutputUnpacker.imageLogits(slots, layout, images.size(), classes);
    ReferenceModel reference = new ReferenceModel(model);
    for (int k = 0; k < images.size(); k++) {
      double[] want = reference.classify(images.get(k)).logits()[0];
      double diff = 0;
      for (int c = 0; c < classes; c++) {
        diff = Math.max(diff, Math.abs(want[c] - logits[k][c]));
      }
      System.out.printf(Locale.ROOT, "image %d: encrypted class %d, plaintext class %d, max |logit diff| %.2e%n", k,
          OutputUnpacker.argmax(logits[k]), OutputUnpacker.argmax(want), diff);
      assertEquals(OutputUnpacker.argmax(want), OutputUnpacker.argmax(logits[k]), "class of image " + k);
      assertTrue(diff < 1e-2, "logits of image " + k + " differ by " + diff);
    }

    int rounds = description.getCkks().getRefreshRounds();
    List<Integer> expectedRounds = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      expectedRounds.add(i);
    }
    assertEquals(expectedRounds, run.refreshRounds, "refresh rounds in order, as many as the plan says");
    assertEquals(rounds, result.getTimings().getRefreshRounds());
    assertTrue(result.getTimings().getComputeNanos() > 0 && result.getTimings().getRefreshWaitNanos() > 0);
    assertTrue(result.getTimings().getComputeNanos() + result.getTimings().getRefreshWaitNanos() <= wall);

    List<InferenceProgress> sections = run.progress.stream()
        .filter(p -> !p.getSection().isEmpty()).toList();
    InferenceProgress last = run.progress.get(run.progress.size() - 1);
    assertEquals(last.getTotalSections(), last.getCompletedSections(), "progress reaches the end");
    assertEquals("head", last.getSection());
    assertEquals(rounds, last.getCompletedRefreshRounds());
    // One event per section plus one per refresh round; completed sections never go back.
    assertEquals(last.getTotalSections() + rounds, sections.size());
    for (int i = 1; i < run.progress.size(); i++) {
      assertTrue(run.progress.get(i).getCompletedSections() >= run.progress.get(i - 1).getCompletedSections());
    }
    assertEquals("embed", run.progress.get(0).getSection());
    System.out.printf(Locale.ROOT, "inference of %d images: %.1f s wall, server compute %.1f s, refresh wait %.1f s "
            + "(%d rounds), %d progress events%n", images.size(), wall / 1e9,
        result.getTimings().getComputeNanos() / 1e9, result.getTimings().getRefreshWaitNanos() / 1e9, rounds,
        run.progress.size());
    assertEquals(0, server.runningInferences());
    assertFalse(session().inferring());
  }

  @Test
  @Order(4)
  void cancellationStopsTheServer() throws Exception {
    CompletableFuture<StatusRuntimeException> second = new CompletableFuture<>();
    TestClient.Run run = client.runCkks(TestClient.start(sessionId, input, 1), holder, 0, r -> {
      if (r.progress.size() == 1) {
        // While it runs, the session takes no second inference.
        TestClient.Run again = client.runCkks(TestClient.start(sessionId, input, 1), holder, 60_000, null);
        // Cancel only once the refusal is in, so that the second start cannot arrive after the first has stopped.
        again.result.whenComplete((v, t) -> {
          second.complete(t instanceof StatusRuntimeException s ? s : null);
          r.requests.cancel("test cancels", null);
        });
      }
    });
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> TestClient.await(run.result));
    assertEquals(Status.Code.CANCELLED, e.getStatus().getCode());
    Duration stop = awaitIdle();
    System.out.println("cancelled inference freed its worker " + stop.toMillis() + " ms after the client gave up");
    StatusRuntimeException refused = TestClient.await(second);
    assertTrue(refused != null && refused.getStatus().getCode() == Status.Code.FAILED_PRECONDITION
        && refused.getStatus().getDescription().contains("already running"), String.valueOf(refused));
    assertFalse(session().inferring(), "the session is free again");
    assertTrue(session().hasKeys(), "and keeps its keys");
  }

  @Test
  @Order(5)
  void deadlineStopsTheServer() throws Exception {
    TestClient.Run run = client.runCkks(TestClient.start(sessionId, input, 1), holder, 3000, null);
    boolean started = false;
    for (int i = 0; i < 300 && !started && !run.result.isDone(); i++) {
      started = server.runningInferences() > 0;
      Thread.sleep(10);
    }
    assertTrue(started, "the inference started before its deadline");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> TestClient.await(run.result));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    Duration stop = awaitIdle();
    System.out.println("inference past its deadline freed its worker " + stop.toMillis() + " ms later");
    assertFalse(session().inferring());
  }

  @Test
  @Order(6)
  void aRefreshReplyWithTheWrongCountIsRefused() throws Exception {
    TestClient.Run run = client.runCkks(TestClient.start(sessionId, input, 1), masked -> {
      List<byte[]> fresh = new ArrayList<>(holder.refresh(masked));
      fresh.add(fresh.get(0));
      return fresh;
    }, 0, null);
    assertStatus(Status.Code.INVALID_ARGUMENT, "ciphertexts, the request had", () -> TestClient.await(run.result));
    awaitIdle();
    assertFalse(session().inferring());
  }

  @Test
  @Order(7)
  void closingTheSessionFreesIt() throws Exception {
    assertTrue(NativeHandle.liveHandlesByKind().getOrDefault("GaloisKeys", 0L) > 0, "the session holds keys");
    client.sessions.closeSession(CloseSessionRequest.newBuilder().setSessionId(sessionId).build());
    assertEquals(0, server.activeSessions());
    assertRunFails(Status.Code.NOT_FOUND, "not found", client, sessionId, input, 1);
    // Keys and every ciphertext of the runs (finished, cancelled, timed out, refused) are freed with the session;
    // the shared encode cache and the context live on until the server closes, then everything is back.
    long t0 = System.nanoTime();
    Map<String, Long> kinds = NativeHandle.liveHandlesByKind();
    while ((kinds.containsKey("Ciphertext") || kinds.containsKey("GaloisKeys") || kinds.containsKey("RelinKeys"))
        && System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos()) {
      System.gc();
      Thread.sleep(20);
      kinds = NativeHandle.liveHandlesByKind();
    }
    for (String kind : List.of("Ciphertext", "GaloisKeys", "RelinKeys")) {
      assertFalse(kinds.containsKey(kind), kind + " still live after the session closed: " + kinds);
    }
    server.close();
    long live = NativeHandle.awaitLiveHandles(nativeBaseline, Duration.ofSeconds(30));
    assertTrue(live <= nativeBaseline, live + " native objects live after the server closed, " + nativeBaseline
        + " before it started: " + NativeHandle.liveHandlesByKind());
  }

}
