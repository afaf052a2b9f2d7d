package org.cipherformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;
import org.cipherformer.model.tokenizer.WordTokenizer;
import org.cipherformer.server.CipherformerServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EE commands end to end: ee-keygen, ee-transform of the shipped ViT and LM, a real server on a loopback port
 * hosting the transformed models, and classify / next-token / generate with {@code --mode ee}; every answer is
 * compared with the plaintext original model.
 */
class EeCommandsTest {
  @TempDir
  Path dir;

  /** Exit code, stdout, stderr. */
  private record Run(int code, String out, String err) {
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void keygenTransformThenClassifyNextTokenAndGenerateInEeMode() throws Exception {
    Path root = RepoPaths.root();
    Path key = dir.resolve("k.eekey");
    Path models = dir.resolve("models");
    Run r = run("ee-keygen", "--out", key.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("key id "), r.out());
    Run again = run("ee-keygen", "--out", key.toString());
    assertEquals(Main.FAILED, again.code(), "must not overwrite a key: " + again.out());
    assertTrue(again.err().contains("refusing to overwrite"), again.err());

    assertEquals(0, run("ee-transform", "-m", "vit-fmnist", "-k", key.toString(), "-o",
        models.resolve("vit-fmnist-ee").toString()).code());
    Run t = run("ee-transform", "-m", "tiny-lm", "-k", key.toString(), "-o", models.resolve("tiny-lm-ee").toString());
    assertEquals(0, t.code(), t.err());

    try (CipherformerServer server = CipherformerServer.builder().port(0).modelsDirectory(models)
        .precompilePlans(false).start()) {
      String target = "127.0.0.1:" + server.port();

      Run c = run("classify", "--mode", "ee", "--key", key.toString(), "-m", "vit-fmnist-ee", "--sample", "0,1,2",
          "-s", target, "-q");
      assertEquals(0, c.code(), c.err());
      ReferenceModel vit = ReferenceModel.load(root.resolve("models/vit-fmnist"));
      FashionMnist.Samples samples = FashionMnist.shippedSamples(root);
      for (int s = 0; s <= 2; s++) {
        double[] logits = vit.classify(samples.image(s)).logits()[0];
        String expected = "sample " + s + ": " + FashionMnist.CLASS_NAMES.get(argmax(logits)) + " (";
        assertTrue(c.out().contains(expected), "expected '" + expected + "' in:\n" + c.out());
      }

      ModelDirectory.Model lm = ModelDirectory.load(root.resolve("models/tiny-lm"));
      ReferenceModel lmRef = new ReferenceModel(lm);
      String prompt = "you will have a";
      int[] ids = NextTokenCommand.fitEe(lm.tokenizer(), prompt, 32);
      double[][] l = lmRef.languageModel(ids).logits();
      String top = lm.tokenizer().token(argmax(l[l.length - 1]));
      Run n = run("next-token", "--mode", "ee", "--key", key.toString(), "-m", "tiny-lm-ee", prompt, "-s", target,
          "--top", "1", "-q");
      assertEquals(0, n.code(), n.err());
      assertTrue(n.out().contains("  " + top + " "), "expected top token '" + top + "' in:\n" + n.out());

      List<Integer> stream = new ArrayList<>();
      for (int id : ids) {
        stream.add(id);
      }
      List<Integer> gen = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        double[][] g = lmRef.languageModel(stream.stream().mapToInt(Integer::intValue).toArray()).logits();
        int next = argmax(g[g.length - 1]);
        gen.add(next);
        stream.add(next);
        if (next == WordTokenizer.EOS) {
          break;
        }
      }
      String continuation = lm.tokenizer().decode(gen.stream().mapToInt(Integer::intValue).toArray());
      Run g = run("generate", "--key", key.toString(), "-m", "tiny-lm-ee", "-n", "3", prompt, "-s", target);
      assertEquals(0, g.code(), g.err());
      assertTrue(g.out().contains(" | " + continuation + "\n"), "expected '" + continuation + "' in:\n" + g.out());

      Run noKey = run("classify", "--mode", "ee", "-m", "vit-fmnist-ee", "--sample", "0", "-s", target, "-q");
      assertEquals(Main.FAILED, noKey.code());
      assertTrue(noKey.err().contains("--key"), noKey.err());
    }
  }

  private static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
