package org.cipherformer.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;
import org.cipherformer.proto.v1.InferenceProgress;
import org.cipherformer.proto.v1.ModelDescription;
import org.cipherformer.proto.v1.ModelSummary;
import org.cipherformer.server.CipherformerServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client library against the real server on a loopback port with the shipped ViT: one full CKKS classification
 * of a whole ciphertext (7 shipped test images) through the API must agree with the plaintext polynomial reference;
 * progress, timings and byte counts must be consistent; errors must arrive typed and fast.
 */
class RemoteClassificationTest {
  private static CipherformerServer server;
  private static CipherformerClient client;

  @BeforeAll
  static void start() throws Exception {
    server = LoopbackServers.vit(1);
    client = CipherformerClient.connect(LoopbackServers.target(server), ClientOptions.defaults());
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void fullClassificationThroughTheServerMatchesThePlaintextReference() throws Exception {
    List<ModelSummary> models = client.listModels();
    assertTrue(models.stream().anyMatch(m -> m.getName().equals("vit-fmnist") && m.getCkksAvailable()),
        models.toString());
    ModelDescription d = client.describe("vit-fmnist");
    int batch = d.getInput().getBatch();
    assertTrue(batch >= 2, "batch " + batch);
    List<double[]> images = ShippedInputs.images(RepoPaths.root()).subList(9, 9 + batch);

    List<int[]> keygen = new CopyOnWriteArrayList<>();
    List<long[]> upload = new CopyOnWriteArrayList<>();
    List<InferenceProgress> progress = new CopyOnWriteArrayList<>();
    List<Integer> rounds = new CopyOnWriteArrayList<>();
    try (ModelKeys keys = client.generateKeys(d, (phase, done, total) -> keygen.add(new int[] {done, total}))) {
      assertEquals(d.getCkks().getGaloisStepsCount(), keys.steps().size());
      assertEquals(1 + keys.steps().size(), keygen.get(keygen.size() - 1)[0]);
      Classification c;
      try (ModelSession session = client.openSession(keys, (sent, total) -> upload.add(new long[] {sent, total}))) {
        assertEquals(1, server.activeSessions());
        assertEquals(keys.uploadBytes(), session.upload().getBytesReceived());
        assertEquals(new ArrayList<>(keys.steps()), session.upload().getGaloisStepsList());
        long[] last = upload.get(upload.size() - 1);
        assertEquals(keys.uploadBytes(), last[0]);
        assertEquals(keys.uploadBytes(), last[1]);
        // Chunks of at most max_chunk_bytes: at least this many progress calls.
        assertTrue(upload.size() >= keys.uploadBytes() / session.session().getMaxChunkBytes(), "" + upload.size());

        c = session.classify(images, new InferenceListener() {
          @Override
          public void onProgress(InferenceProgress p) {
            progress.add(p);
          }

          @Override
          public void onRefresh(int round, int ciphertexts, int totalRounds) {
            rounds.add(round);
          }
        });
      }
      assertEquals(0, server.activeSessions(), "closing the session closes it on the server");

      ReferenceModel reference = new ReferenceModel(ModelDirectory.load(RepoPaths.root().resolve("models/vit-fmnist")));
      double worst = 0;
      for (int b = 0; b < batch; b++) {
        double[] want = reference.classify(images.get(b)).logits()[0];
        int plain = 0;
        for (int j = 0; j < want.length; j++) {
          worst = Math.max(worst, Math.abs(want[j] - c.logits()[b][j]));
          plain = want[j] > want[plain] ? j : plain;
        }
        assertEquals(plain, c.predicted(b), "image " + b + ": encrypted class vs plaintext class");
      }
      // The client floods released logits by default (Li–Micciancio mitigation, docs/ckks-leakage.md): each logit
      // carries a Gaussian of std floodingStd on top of the CKKS error (< 1e-4 measured). The bound is the old CKKS
      // bound plus 15 std: the expected largest of these 10 x batch Gaussians is about 3 std, so the margin is 5x.
      assertEquals(ClientOptions.DEFAULT_RELEASE_FLOODING_STD, c.floodingStd());
      double bound = 1e-3 + 15 * c.floodingStd();
      assertTrue(worst < bound, "max abs logit difference " + worst + ", bound " + bound);
      assertEquals(10, c.labels().size());

      InferenceTimings t = c.timings();
      int planRounds = d.getCkks().getRefreshRounds();
      assertEquals(planRounds, t.refreshRounds());
      assertEquals(d.getCkks().getRefreshedCiphertexts(), t.refreshedCiphertexts());
      assertEquals(planRounds, rounds.size());
      for (int i = 0; i < rounds.size(); i++) {
        assertEquals(i, rounds.get(i));
      }
      assertFalse(progress.isEmpty());
      InferenceProgress lastProgress = progress.get(progress.size() - 1);
      assertEquals(lastProgress.getTotalSections(), lastProgress.getCompletedSections());
      assertTrue(t.serverComputeNanos() > 0 && t.refreshWaitNanos() >= t.clientRefreshNanos() / 2,
          t.toString());
      assertTrue(t.totalNanos() >= t.encryptNanos() + t.decryptNanos() + t.serverComputeNanos(), t.toString());
      assertTrue(t.inputBytes() > 100_000 && t.outputBytes() > 100_000 && t.refreshBytesOut() > 100_000,
          t.toString());
    }
    assertEquals(0, client.openKeySets());
  }

  @Test
  void errorsAreTypedWithTheServersCodeAndMessage() {
    CipherformerException unknown = assertThrows(CipherformerException.class, () -> client.describe("no-such-model"));
    assertEquals(Status.Code.NOT_FOUND, unknown.code());
    assertTrue(unknown.getMessage().contains("no-such-model"), unknown.getMessage());
    CipherformerException session = assertThrows(CipherformerException.class,
        () -> client.createSession("no-such-model"));
    assertEquals(Status.Code.NOT_FOUND, session.code());
    CipherformerException close = assertThrows(CipherformerException.class,
        () -> client.closeSession("0123456789abcdef0123456789abcdef"));
    assertEquals(Status.Code.NOT_FOUND, close.code());
    try (CipherformerClient hurried = CipherformerClient.connect(LoopbackServers.target(server),
        ClientOptions.builder().deadline(Duration.ofNanos(1)).build())) {
      CipherformerException late = assertThrows(CipherformerException.class, hurried::listModels);
      assertEquals(Status.Code.DEADLINE_EXCEEDED, late.code());
    }
    try (CipherformerClient nowhere = CipherformerClient.connect("127.0.0.1:1", ClientOptions.defaults())) {
      CipherformerException down = assertThrows(CipherformerException.class, nowhere::listModels);
      assertEquals(Status.Code.UNAVAILABLE, down.code());
    }
  }
}
