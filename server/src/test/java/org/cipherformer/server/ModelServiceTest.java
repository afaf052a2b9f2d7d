package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.List;
import org.cipherformer.he.EncryptionParameters;
import org.cipherformer.he.io.SealReader;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.proto.v1.CkksPlan;
import org.cipherformer.proto.v1.DescribeModelRequest;
import org.cipherformer.proto.v1.EeInferenceRequest;
import org.cipherformer.proto.v1.InputLayout;
import org.cipherformer.proto.v1.ListModelsRequest;
import org.cipherformer.proto.v1.ModelDescription;
import org.cipherformer.proto.v1.ModelSummary;
import org.cipherformer.proto.v1.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ModelService over a loopback port: the shipped ViT and its softmax twin. */
class ModelServiceTest {
  private static CipherformerServer server;
  private static TestClient client;

  @BeforeAll
  static void start() throws Exception {
    server = CipherformerServer.builder().port(0)
        .modelsDirectory(RepoPaths.root().resolve("models"))
        .models(List.of("tiny-lm", "vit-fmnist", "vit-fmnist-original"))
        .precompilePlans(false)
        .start();
    client = new TestClient(server.port());
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void listsHostedModelsWithTheirCapabilities() {
    List<ModelSummary> models = client.models.listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
    assertEquals(List.of("tiny-lm", "vit-fmnist", "vit-fmnist-original"),
        models.stream().map(ModelSummary::getName).toList());
    assertEquals(Task.TASK_CAUSAL_LM, models.get(0).getTask());
    assertTrue(models.get(0).getCkksAvailable());
    assertTrue(models.get(1).getCkksAvailable());
    assertFalse(models.get(2).getCkksAvailable(), "the softmax twin has no CKKS plan");
    assertEquals(Task.TASK_IMAGE_CLASSIFICATION, models.get(1).getTask());
    models.forEach(m -> assertFalse(m.getEeAvailable()));
  }

  @Test
  void describesThePlanParametersAndLayouts() throws Exception {
    ModelDescription d = client.models.describeModel(DescribeModelRequest.newBuilder().setName("vit-fmnist").build());
    CkksPlan plan = d.getCkks();
    CkksParameters n16384 = CkksParameters.n16384();
    EncryptionParameters parms = SealReader.readEncryptionParameters(plan.getEncryptionParameters().toByteArray());
    assertEquals(n16384.encryptionParameters(), parms, "EncryptionParameters round trip through SEAL's format");
    assertEquals("n16384", plan.getPreset());
    assertEquals(n16384.topLevel(), plan.getInputLevel());
    assertEquals(Math.scalb(1.0, 40), plan.getInputScale());
    assertTrue(plan.getNeedsRelinKeys(), "attention multiplies ciphertexts");
    List<Integer> steps = plan.getGaloisStepsList();
    assertFalse(steps.isEmpty());
    for (int i = 0; i < steps.size(); i++) {
      int s = steps.get(i);
      assertTrue(s != 0 && Math.abs(s) < n16384.slotCount(), "step " + s);
      assertTrue(i == 0 || steps.get(i - 1) < s, "steps ascending and distinct: " + steps);
    }
    assertTrue(plan.getRefreshRounds() > 0 && plan.getRefreshedCiphertexts() >= plan.getRefreshRounds());
    assertTrue(plan.getDepth() > n16384.topLevel(), "the plan needs refreshes, so its depth exceeds one chain");
    assertTrue(plan.getRotations() > 0 && plan.getCiphertextMultiplications() > 0 && plan.getRescales() > 0);
    assertEquals(1, plan.getOutputCiphertexts());

    InputLayout in = d.getInput();
    assertEquals(8192, in.getSlotCount());
    assertEquals(17, in.getTokens(), "16 patches of 7x7 plus the class token");
    assertEquals(8192 / (17 * in.getDModel()), in.getBatch(), "as many images as fit in one ciphertext");
    assertEquals(28, in.getImage().getHeight());
    assertEquals(7, in.getImage().getPatch());
    assertEquals(FashionMnist.CLASS_NAMES, d.getOutput().getClasses().getLabelsList());
  }

  @Test
  void describesTheLanguageModel() throws Exception {
    ModelDescription d = client.models.describeModel(DescribeModelRequest.newBuilder().setName("tiny-lm").build());
    InputLayout in = d.getInput();
    assertEquals(HostedModel.LM_PROMPT_TOKENS, in.getTokens());
    assertEquals(8192 / (HostedModel.LM_PROMPT_TOKENS * in.getDModel()), in.getBatch());
    assertEquals(2048, in.getTokensInput().getVocabSize());
    byte[] weights = Files.readAllBytes(RepoPaths.root().resolve("models/tiny-lm/model.safetensors"));
    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(weights),
        in.getTokensInput().getWeightsSha256().toByteArray());
    assertEquals(2048, d.getOutput().getNextToken().getVocabSize());
    assertEquals(in.getBatch(), d.getCkks().getOutputCiphertexts(), "one output ciphertext per prompt slot");
    assertTrue(d.getCkks().getRefreshRounds() > 0);
  }

  @Test
  void describesAModelWithoutPlan() {
    ModelDescription d = client.models.describeModel(
        DescribeModelRequest.newBuilder().setName("vit-fmnist-original").build());
    assertFalse(d.getSummary().getCkksAvailable());
    assertFalse(d.hasCkks());
    assertEquals(28, d.getInput().getImage().getWidth());
  }

  @Test
  void unknownAndEmptyNamesAreRefused() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> client.models.describeModel(DescribeModelRequest.newBuilder().setName("gpt-17").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("gpt-17"), e.getStatus().getDescription());
    e = assertThrows(StatusRuntimeException.class,
        () -> client.models.describeModel(DescribeModelRequest.getDefaultInstance()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
  }

  @Test
  void eeInferenceOnAnUntransformedModelIsRefused() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> client.inferenceBlocking.runEe(EeInferenceRequest.newBuilder().setModel("vit-fmnist").build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("not EE-transformed"), e.getStatus().getDescription());
  }
}
