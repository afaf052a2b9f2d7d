package org.cipherformer.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cipherformer.client.CipherformerClient;
import org.cipherformer.client.ClientOptions;
import org.cipherformer.client.Classification;
import org.cipherformer.client.ModelSession;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.encrypted.OutputUnpacker;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;
import org.cipherformer.proto.v1.ModelDescription;
import org.cipherformer.server.CipherformerServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The main job in one command: a server on a loopback port and a client in this process; the client classifies
 * shipped Fashion-MNIST test images under CKKS through the gRPC API, and each encrypted class is compared with the
 * plaintext polynomial reference (same weights, same polynomials, double precision). Exits 1 on any disagreement.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Private classification end to end: embedded server on a loopback port + client in one process, "
        + "shipped ViT (vit-fmnist) and shipped test images; prints encrypted vs plaintext class per image and the "
        + "timings. Exits 1 if any encrypted class differs from the plaintext reference's.",
        "About a minute on a quiet 2-core machine after the build (key generation ~5 s, upload, ~20 s inference)."})
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--images", defaultValue = "7",
      description = "Images, in one ciphertext (1..7 at n16384; default: ${DEFAULT-VALUE}).")
  int images;

  @Option(names = "--first", defaultValue = "0", description = "First shipped sample 0..63 (default: ${DEFAULT-VALUE}).")
  int first;

  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    var out = spec.commandLine().getOut();
    FashionMnist.Samples samples = FashionMnist.shippedSamples(RepoRoot.get());
    if (images < 1 || first < 0 || first + images > samples.size()) {
      throw new IllegalArgumentException("--first " + first + " and --images " + images + " must select shipped "
          + "samples in 0.." + (samples.size() - 1));
    }
    out.printf(Locale.ROOT, "Cipherformer demo: private Fashion-MNIST classification with vit-fmnist over the gRPC "
        + "API, shipped test images %d..%d%n", first, first + images - 1);
    out.println("server: starting on a loopback port (loads the model, compiles its CKKS plan) ...");
    out.flush();
    long t0 = System.nanoTime();
    try (CipherformerServer server = EmbeddedServer.start(List.of("vit-fmnist"), 1);
         CipherformerClient client = CipherformerClient.connect(EmbeddedServer.target(server),
             ClientOptions.defaults());
         ProgressBars bars = new ProgressBars(output.progress(), System.err)) {
      ModelDescription d = client.describe("vit-fmnist");
      out.printf(Locale.ROOT, "server: listening on %s, ready in %.1f s; plan: %d Galois keys, %d refresh rounds, "
              + "%d images per ciphertext%n", EmbeddedServer.target(server), (System.nanoTime() - t0) / 1e9,
          d.getCkks().getGaloisStepsCount(), d.getCkks().getRefreshRounds(), d.getInput().getBatch());
      if (images > d.getInput().getBatch()) {
        throw new IllegalArgumentException("--images " + images + " > " + d.getInput().getBatch()
            + " (one ciphertext)");
      }
      out.println("client: generating keys (secret key stays here), uploading the public evaluation keys ...");
      out.flush();
      List<double[]> pixels = new ArrayList<>();
      for (int i = first; i < first + images; i++) {
        pixels.add(samples.image(i));
      }
      try (ModelSession session = client.openSession(client.generateKeys(d, bars.keygen()), bars.upload())) {
        bars.close();
        Report.session(out, session);
        out.println("server: evaluating the transformer on the ciphertext; client answers the refresh rounds ...");
        out.flush();
        Classification c = session.classify(pixels, bars.inference());
        bars.close();
        ReferenceModel reference = new ReferenceModel(ModelDirectory.load(RepoRoot.model("vit-fmnist")));
        out.printf("%n| image | true label | plaintext polynomial model | encrypted | p(encrypted class) "
            + "| max abs logit difference |%n|---|---|---|---|---|---|%n");
        int agree = 0;
        int correct = 0;
        for (int k = 0; k < images; k++) {
          double[] want = reference.classify(pixels.get(k)).logits()[0];
          int plain = OutputUnpacker.argmax(want);
          int enc = c.predicted(k);
          double diff = 0;
          for (int j = 0; j < want.length; j++) {
            diff = Math.max(diff, Math.abs(want[j] - c.logits()[k][j]));
          }
          agree += plain == enc ? 1 : 0;
          int label = samples.labels()[first + k];
          correct += enc == label ? 1 : 0;
          out.printf(Locale.ROOT, "| %d | %s | %s | %s | %.3f | %.2e |%n", first + k, name(label), name(plain),
              name(enc), c.probabilities(k)[enc], diff);
        }
        out.printf(Locale.ROOT, "%nencrypted class = plaintext class for %d of %d images; %d of %d correct%n",
            agree, images, correct, images);
        if (c.floodingStd() > 0) {
          // The logit differences are mostly this noise (CKKS itself gives ~1e-5): say so, so nobody mistakes it.
          out.printf(Locale.ROOT, "released logits carry noise flooding of std %.3g each (the client's guard against "
              + "key recovery from released decryptions; docs/ckks-leakage.md)%n", c.floodingStd());
        }
        Report.inference(out, c.timings());
        out.flush();
        if (agree != images) {
          spec.commandLine().getErr().println("demo: " + (images - agree) + " of " + images
              + " encrypted classes differ from the plaintext reference");
          return Main.FAILED;
        }
      }
    }
    return 0;
  }

  private static String name(int c) {
    return FashionMnist.CLASS_NAMES.get(c);
  }
}
