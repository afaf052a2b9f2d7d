package org.cipherformer.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.ee.EeModelTransform;
import org.cipherformer.model.encrypted.OutputUnpacker;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.model.reference.ReferenceModel;
import org.cipherformer.model.tokenizer.WordTokenizer;
import org.cipherformer.server.CipherformerServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EE mode end to end over a loopback port: the key holder transforms the shipped models, a real server hosts the
 * transformed ones, and the client library's EE calls (permute locally, RunEe, un-permute locally) give the plaintext
 * original model's outputs.
 */
class EeLoopbackTest {
  @TempDir
  static Path models;

  private static final EeKey KEY = EeKey.generate();
  private static CipherformerServer server;
  private static CipherformerClient client;

  @BeforeAll
  static void start() throws Exception {
    Path root = RepoPaths.root();
    EeModelTransform.transform(root.resolve("models/vit-fmnist"), KEY, models.resolve("vit-fmnist-ee"));
    EeModelTransform.transform(root.resolve("models/tiny-lm-original"), KEY, models.resolve("tiny-lm-original-ee"));
    server = CipherformerServer.builder().port(0).modelsDirectory(models).precompilePlans(false).start();
    client = CipherformerClient.connect("127.0.0.1:" + server.port(), ClientOptions.builder().build());
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void eeClassificationThroughTheServerEqualsThePlaintextOriginal() throws Exception {
    Path root = RepoPaths.root();
    ReferenceModel original = ReferenceModel.load(root.resolve("models/vit-fmnist"));
    List<double[]> images = ShippedInputs.images(root).subList(0, 16);
    Classification c = client.eeClassify("vit-fmnist-ee", KEY, images);
    assertEquals(16, c.size());
    assertEquals(10, c.labels().size());
    double worst = 0;
    for (int i = 0; i < images.size(); i++) {
      double[] want = original.classify(images.get(i)).logits()[0];
      for (int k = 0; k < want.length; k++) {
        worst = Math.max(worst, Math.abs(want[k] - c.logits()[i][k]));
      }
      assertEquals(OutputUnpacker.argmax(want), c.predicted(i), "image " + i);
    }
    assertTrue(worst <= 1e-9, "max |logit diff| " + worst);
    assertTrue(c.timings().serverComputeNanos() > 0 && c.timings().inputBytes() > 16 * 784);
  }

  @Test
  void eeNextTokenAndGenerateFollowThePlaintextOriginal() throws Exception {
    Path root = RepoPaths.root();
    ReferenceModel original = ReferenceModel.load(root.resolve("models/tiny-lm-original"));
    int[] prompt = ShippedInputs.prompt(original.model(), root, 12);
    NextTokens n = client.eeNextToken("tiny-lm-original-ee", KEY, List.of(prompt));
    double[] want = original.languageModel(prompt).logits()[prompt.length - 1];
    for (int v = 0; v < want.length; v++) {
      assertEquals(want[v], n.logits()[0][v], 1e-9, "vocabulary id " + v);
    }
    // Greedy generation through the server equals greedy generation on the original model.
    int[] generated = client.eeGenerate("tiny-lm-original-ee", KEY, prompt, 5, WordTokenizer.EOS, 32);
    List<Integer> ids = new ArrayList<>();
    for (int id : prompt) {
      ids.add(id);
    }
    List<Integer> expected = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      double[][] l = original.languageModel(ids.stream().mapToInt(Integer::intValue).toArray()).logits();
      int next = OutputUnpacker.argmax(l[l.length - 1]);
      expected.add(next);
      ids.add(next);
      if (next == WordTokenizer.EOS) {
        break;
      }
    }
    assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), generated);
  }

  @Test
  void anotherKeyOrAnUntransformedModelIsRefusedBeforeAnythingIsSent() {
    CipherformerException e = assertThrows(CipherformerException.class,
        () -> client.eeClassify("vit-fmnist-ee", EeKey.generate(), List.of(new double[784])));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
    assertTrue(e.getMessage().contains(KEY.keyId()), e.getMessage());
  }
}
