package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that shares no code with the Java side: interop/classify-client.js (node-seal 6.0.3 = Microsoft SEAL 4.1
 * in WebAssembly for keys, encryption and decryption; @grpc/grpc-js for transport) classifies a shipped
 * Fashion-MNIST image through the real server on a loopback port. Its decrypted class must be the plaintext
 * polynomial reference's, and its logits within {@link #LOGIT_BOUND} of the reference's.
 *
 * <p>This proves the API and the server's SEAL formats work for a non-Java SEAL client: seeded zstd keys and
 * ciphertexts made by SEAL itself, refresh replies re-encrypted by SEAL at the top level and input scale.
 *
 * <p>Skipped (with the reason) only when {@code node} or interop/node_modules is missing; scripts/setup.sh installs
 * both ({@code npm ci} in interop/).
 */
class NodeClientInteropTest {
  /**
   * Bound on |encrypted logit - reference logit|. Measured CKKS error of the whole ViT at n16384 is about 2e-5
   * (docs/encrypted-inference.md; node-seal's fresh-encryption noise has the same distribution as ours); 1e-3 leaves
   * a 40x margin, and a wrong packing, scale or refresh would miss it by orders of magnitude.
   */
  static final double LOGIT_BOUND = 1e-3;
  /** Node key generation (~28 Galois keys in WebAssembly) plus one full ViT inference, on a loaded 2-core machine. */
  static final long CLIENT_TIMEOUT_SECONDS = 20 * 60;

  static Path root;
  static Path interop;
  static CipherformerServer server;

  @BeforeAll
  static void startServer() throws Exception {
    root = RepoPaths.root();
    interop = root.resolve("interop");
    String missing = NodeClientProcess.missingSetup(interop);
    assumeTrue(missing == null, () -> "skipped: " + missing + " (run scripts/setup.sh: it installs node and runs "
        + "npm ci in interop/)");
    server = CipherformerServer.builder()
        .port(0)
        .modelsDirectory(root.resolve("models"))
        .models(List.of("vit-fmnist"))
        .start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  static NodeClientProcess.Result runClient(String... args) throws IOException, InterruptedException {
    return NodeClientProcess.run(root, server.port(), Map.of(), CLIENT_TIMEOUT_SECONDS, args);
  }

  @Test
  void nodeSealClientClassifiesAShippedImageLikeThePlaintextReference() throws Exception {
    FashionMnist.Samples samples = FashionMnist.shippedSamples(root);
    ReferenceModel reference = new ReferenceModel(ModelDirectory.load(root.resolve("models/vit-fmnist")));
    // An image whose reference class wins by more than twice the bound, so that "logits within the bound" and "same
    // class" are one claim, not two that could disagree on a near tie.
    int index = -1;
    double[] want = null;
    for (int i = 0; i < samples.size() && index < 0; i++) {
      double[] logits = reference.classify(samples.image(i)).logits()[0];
      if (margin(logits) > 2 * LOGIT_BOUND) {
        index = i;
        want = logits;
      }
    }
    assertTrue(index >= 0, "no shipped image has a reference margin above " + 2 * LOGIT_BOUND);

    long t0 = System.nanoTime();
    NodeClientProcess.Result run = runClient("--index", Integer.toString(index));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, run.exitCode(), () -> "classify-client.js failed: " + run.json() + "\nstderr:\n" + run.stderr());
    JsonNode r = run.json();
    assertTrue(r.path("ok").asBoolean(false), () -> "not ok: " + r);
    // The client read the image we meant (its true label is the shipped one).
    assertEquals(samples.labels()[index], r.get("label").asInt(), "true label of shipped image " + index);
    JsonNode logits = r.get("logits");
    assertEquals(want.length, logits.size(), "logit count");
    double maxDiff = 0;
    for (int c = 0; c < want.length; c++) {
      maxDiff = Math.max(maxDiff, Math.abs(logits.get(c).asDouble() - want[c]));
    }
    int wantClass = argmax(want);
    assertEquals(wantClass, r.get("class").asInt(), () -> "encrypted class vs plaintext reference; node: " + r);
    assertEquals(FashionMnist.CLASS_NAMES.get(wantClass), r.get("className").asText(), "class name");
    assertTrue(maxDiff <= LOGIT_BOUND, "max |node logit - reference logit| = " + maxDiff + " > " + LOGIT_BOUND);
    // The plan's refresh rounds really went through the Node client.
    assertTrue(r.get("refreshRounds").asInt() > 0, () -> "no refresh round answered: " + r);
    System.out.printf(Locale.ROOT, "node client, shipped image %d: class %d (%s) = reference, max |logit diff| "
            + "%.2e, %d refresh rounds / %d ciphertexts, keys %.1f MB, wall %.1f s, timings %s%n", index,
        wantClass, FashionMnist.CLASS_NAMES.get(wantClass), maxDiff, r.get("refreshRounds").asInt(),
        r.get("refreshedCiphertexts").asInt(),
        (r.at("/bytes/relinKeys").asLong() + r.at("/bytes/galoisKeys").asLong()) / 1e6, seconds, r.get("timings"));
  }

  @Test
  void nodeClientReportsTheServersStatusForAnUnknownModel() throws Exception {
    NodeClientProcess.Result run = runClient("--model", "no-such-model", "--quiet");
    assertEquals(1, run.exitCode(), () -> "exit status; stdout " + run.json() + "\nstderr:\n" + run.stderr());
    assertFalse(run.json().path("ok").asBoolean(true), () -> "ok should be false: " + run.json());
    String error = run.json().path("error").asText();
    assertTrue(error.contains("NOT_FOUND") && error.contains("DescribeModel"),
        () -> "error should name the RPC and NOT_FOUND: " + error);
  }

  @Test
  void skipReasonNamesTheMissingModule(@TempDir Path dir) throws IOException {
    String none = NodeClientProcess.missingSetup(dir);
    assertTrue(none != null && none.contains("node-seal"), "empty interop dir: " + none);
    for (String module : List.of("node-seal", "@grpc/grpc-js")) {
      Files.createDirectories(dir.resolve("node_modules").resolve(module));
    }
    String grpcLoader = NodeClientProcess.missingSetup(dir);
    assertTrue(grpcLoader != null && grpcLoader.contains("@grpc/proto-loader"), "without proto-loader: " + grpcLoader);
    Files.createDirectories(dir.resolve("node_modules/@grpc/proto-loader"));
    // node itself is there (the class would have been skipped otherwise), so nothing is missing now.
    assertNull(NodeClientProcess.missingSetup(dir), "all modules present");
  }

  static double margin(double[] v) {
    int best = argmax(v);
    double second = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < v.length; i++) {
      if (i != best) {
        second = Math.max(second, v[i]);
      }
    }
    return v[best] - second;
  }

  static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
