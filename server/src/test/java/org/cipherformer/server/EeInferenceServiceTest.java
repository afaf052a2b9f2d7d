package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.ee.EeCodec;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.ee.EeModelTransform;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;
import org.cipherformer.proto.v1.EeImage;
import org.cipherformer.proto.v1.EeInferenceRequest;
import org.cipherformer.proto.v1.EeInferenceResponse;
import org.cipherformer.proto.v1.EeTokens;
import org.cipherformer.proto.v1.ListModelsRequest;
import org.cipherformer.proto.v1.ModelSummary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RunEe over a loopback port: EE-transformed ViT and LM written by {@link EeModelTransform} next to an untransformed
 * model, raw gRPC stubs (the client library's EE calls are tested in client/), inputs permuted with {@link EeCodec}.
 */
class EeInferenceServiceTest {
  @TempDir
  static Path models;

  private static final EeKey KEY = EeKey.generate();
  private static CipherformerServer server;
  private static TestClient client;

  @BeforeAll
  static void start() throws Exception {
    Path root = RepoPaths.root();
    EeModelTransform.transform(root.resolve("models/vit-fmnist"), KEY, models.resolve("vit-fmnist-ee"));
    EeModelTransform.transform(root.resolve("models/tiny-lm"), KEY, models.resolve("tiny-lm-ee"));
    copy(root.resolve("models/vit-fmnist-original"), models.resolve("vit-fmnist-original"));
    server = CipherformerServer.builder().port(0).modelsDirectory(models).precompilePlans(false).start();
    client = new TestClient(server.port());
  }

  private static void copy(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    for (String f : List.of(ModelDirectory.CONFIG, ModelDirectory.WEIGHTS)) {
      Files.copy(from.resolve(f), to.resolve(f));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void summariesMarkTheEeModelsWithTheirKeyIdAndNoCkks() {
    Map<String, ModelSummary> m = client.models.listModels(ListModelsRequest.getDefaultInstance()).getModelsList()
        .stream().collect(Collectors.toMap(ModelSummary::getName, Function.identity()));
    assertEquals(3, m.size(), m.toString());
    for (String ee : List.of("vit-fmnist-ee", "tiny-lm-ee")) {
      assertTrue(m.get(ee).getEeAvailable(), ee);
      assertFalse(m.get(ee).getCkksAvailable(), ee + ": an EE model gets no CKKS plan");
      assertEquals(KEY.keyId(), m.get(ee).getEeKeyId());
    }
    assertFalse(m.get("vit-fmnist-original").getEeAvailable());
    assertEquals("", m.get("vit-fmnist-original").getEeKeyId());
  }

  private static EeInferenceRequest image(String model, double[] values) {
    EeImage.Builder b = EeImage.newBuilder();
    for (double v : values) {
      b.addValues((float) v);
    }
    return EeInferenceRequest.newBuilder().setModel(model).setImage(b).build();
  }

  private static EeInferenceRequest tokens(String model, int... ids) {
    EeTokens.Builder b = EeTokens.newBuilder();
    for (int id : ids) {
      b.addIds(id);
    }
    return EeInferenceRequest.newBuilder().setModel(model).setTokens(b).build();
  }

  @Test
  void permutedImagesGiveLogitsThatUnpermuteToTheOriginal() throws Exception {
    Path root = RepoPaths.root();
    ReferenceModel original = ReferenceModel.load(root.resolve("models/vit-fmnist"));
    EeCodec codec = new EeCodec(KEY, original.config());
    List<double[]> images = ShippedInputs.images(root);
    for (int i = 0; i < 4; i++) {
      EeInferenceResponse r = client.inferenceBlocking.runEe(image("vit-fmnist-ee",
          codec.permuteImage(images.get(i))));
      double[] got = codec.unpermuteClassLogits(r.getLogitsList().stream().mapToDouble(Double::doubleValue)
          .toArray());
      double[] want = original.classify(images.get(i)).logits()[0];
      for (int c = 0; c < want.length; c++) {
        assertEquals(want[c], got[c], 1e-9, "image " + i + " class " + c);
      }
      assertTrue(r.getComputeNanos() > 0);
    }
  }

  @Test
  void permutedPromptsGiveTheOriginalNextTokenLogits() throws Exception {
    Path root = RepoPaths.root();
    ReferenceModel original = ReferenceModel.load(root.resolve("models/tiny-lm"));
    EeCodec codec = new EeCodec(KEY, original.config());
    int[] prompt = ShippedInputs.prompt(original.model(), root, 16);
    EeInferenceResponse r = client.inferenceBlocking.runEe(tokens("tiny-lm-ee", codec.permuteTokens(prompt)));
    double[] got = codec.unpermuteVocabLogits(r.getLogitsList().stream().mapToDouble(Double::doubleValue)
        .toArray());
    double[][] want = original.languageModel(prompt).logits();
    assertEquals(want[15].length, got.length);
    for (int v = 0; v < got.length; v++) {
      assertEquals(want[15][v], got[v], 1e-9, "vocabulary id " + v);
    }
  }

  @Test
  void theBenchmarkOnlyPlaintextOptionServesUntransformedModels() throws Exception {
    Path root = RepoPaths.root();
    ReferenceModel original = ReferenceModel.load(root.resolve("models/vit-fmnist-original"));
    double[] img = ShippedInputs.images(root).get(0);
    try (CipherformerServer plain = CipherformerServer.builder().port(0).modelsDirectory(models)
        .precompilePlans(false).plaintextInference(true).start();
         TestClient c = new TestClient(plain.port())) {
      EeInferenceResponse r = c.inferenceBlocking.runEe(image("vit-fmnist-original", img));
      double[] want = original.classify(img).logits()[0];
      for (int k = 0; k < want.length; k++) {
        assertEquals(want[k], r.getLogits(k), 1e-12);
      }
    }
  }

  private static void refused(EeInferenceRequest req, Status.Code code, String part) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.inferenceBlocking.runEe(req));
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains(part), e.getStatus().getDescription());
  }

  @Test
  void malformedRequestsAreRefusedBeforeCompute() {
    refused(image("vit-fmnist-original", new double[784]), Status.Code.FAILED_PRECONDITION, "not EE-transformed");
    refused(image("nope", new double[784]), Status.Code.NOT_FOUND, "nope");
    refused(EeInferenceRequest.newBuilder().setModel("vit-fmnist-ee").build(), Status.Code.INVALID_ARGUMENT,
        "no input");
    refused(image("vit-fmnist-ee", new double[783]), Status.Code.INVALID_ARGUMENT, "783");
    double[] nan = new double[784];
    nan[7] = Double.NaN;
    refused(image("vit-fmnist-ee", nan), Status.Code.INVALID_ARGUMENT, "image value 7");
    refused(tokens("vit-fmnist-ee", 1, 2), Status.Code.INVALID_ARGUMENT, "send an image");
    refused(image("tiny-lm-ee", new double[784]), Status.Code.INVALID_ARGUMENT, "send tokens");
    refused(tokens("tiny-lm-ee"), Status.Code.INVALID_ARGUMENT, "prompt has 0 tokens");
    refused(tokens("tiny-lm-ee", new int[33]), Status.Code.INVALID_ARGUMENT, "prompt has 33 tokens");
    refused(tokens("tiny-lm-ee", 5, 2048), Status.Code.INVALID_ARGUMENT, "token id 2048 at position 1");
    refused(tokens("tiny-lm-ee", 5, -1), Status.Code.INVALID_ARGUMENT, "token id 4294967295");
  }
}
