package org.cipherformer.model.encrypted;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.he.ops.OpKind;
import org.cipherformer.he.ops.OpStats;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;

/**
 * Encrypted inference on the shipped models against the plaintext polynomial reference (scripts/encrypted-report.sh):
 * <pre>  EncryptedInferenceReport [--preset n16384|n32768] [--images N] [--batch B] [--tokens T] [--skip-lm]</pre>
 * ViT: the first N (default all 64) shipped Fashion-MNIST images, B per ciphertext (default: as many as fit);
 * top-1 agreement and max |logit difference| with {@code ReferenceModel}. LM: one forward pass on a T-token (default
 * 16) shipped prompt: next-token argmax agreement and max |logit difference| over the 2048 logits. Prints key
 * generation, encryption, evaluation (server), client refresh and decryption times, the server's time per operation
 * kind and per section, refresh rounds and bytes.
 */
public final class EncryptedInferenceReport {
  private EncryptedInferenceReport() {
  }

  /** @param args see the class comment */
  public static void main(String[] args) throws Exception {
    String preset = "n16384";
    int images = 64;
    Integer batch = null;
    int tokens = 16;
    boolean lm = true;
    boolean vit = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--preset" -> preset = args[++i];
        case "--images" -> images = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--tokens" -> tokens = Integer.parseInt(args[++i]);
        case "--skip-lm" -> lm = false;
        case "--skip-vit" -> vit = false;
        default -> {
          System.err.println("unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    CkksParameters params = switch (preset) {
      case "n16384" -> CkksParameters.n16384();
      case "n32768" -> CkksParameters.n32768();
      default -> throw new IllegalArgumentException("unknown preset " + preset);
    };
    Path root = RepoPaths.root();
    System.out.println("parameters: " + params.description());
    if (vit) {
      vitReport(root, params, images, batch);
    }
    if (lm) {
      lmReport(root, params, tokens);
    }
  }

  static void vitReport(Path root, CkksParameters params, int count, Integer batch) throws Exception {
    ModelDirectory.Model model = ModelDirectory.load(root.resolve("models/vit-fmnist"));
    ReferenceModel ref = new ReferenceModel(model);
    List<double[]> all = ShippedInputs.images(root);
    List<double[]> imgs = all.subList(0, Math.min(count, all.size()));
    int b = batch != null ? batch : SlotLayout.maxBatch(params.slotCount(), 17, 64);
    SlotLayout layout = new SlotLayout(params.slotCount(), 17, 64, Math.min(b, imgs.size()));
    EncryptedTransformer program = EncryptedTransformer.of(model, layout);
    InputPacker packer = new InputPacker(model, layout);
    int agree = 0;
    double worst = 0;
    List<String> disagreements = new ArrayList<>();
    long eval = 0;
    long server = 0;
    long clientRefresh = 0;
    long enc = 0;
    long dec = 0;
    int batches = 0;
    try (CkksInference inf = CkksInference.planned(program, params,
        packer.images(imgs.subList(0, layout.batch())))) {
      System.out.printf(Locale.ROOT, "%nvit-fmnist: %d images, %s; %d Galois keys, key generation %.1f s%n",
          imgs.size(), layout, inf.steps().size(), inf.keyGenerationNanos() / 1e9);
      for (int from = 0; from < imgs.size(); from += layout.batch()) {
        List<double[]> part = imgs.subList(from, Math.min(imgs.size(), from + layout.batch()));
        CkksInference.Outcome o = inf.run(packer.images(part));
        double[][] got = OutputUnpacker.imageLogits(o.outputs().get(0), layout, part.size(), 10);
        for (int k = 0; k < part.size(); k++) {
          double[] want = ref.classify(part.get(k)).logits()[0];
          for (int c = 0; c < want.length; c++) {
            worst = Math.max(worst, Math.abs(want[c] - got[k][c]));
          }
          if (OutputUnpacker.argmax(want) == OutputUnpacker.argmax(got[k])) {
            agree++;
          } else {
            disagreements.add("image " + (from + k) + ": plain " + OutputUnpacker.argmax(want) + ", encrypted "
                + OutputUnpacker.argmax(got[k]));
          }
        }
        CkksInference.Timings t = o.timings();
        eval += t.evaluateNanos();
        server += t.serverNanos();
        clientRefresh += t.clientRefreshNanos();
        enc += t.encryptNanos();
        dec += t.decryptNanos();
        batches++;
        System.out.printf(Locale.ROOT, "  batch %d (%d images): evaluation %.1f s (server %.1f s, client refresh "
                + "%.1f s, %d rounds); so far top-1 %d/%d, max |diff| %.3e%n", batches, part.size(),
            t.evaluateNanos() / 1e9, t.serverNanos() / 1e9, t.clientRefreshNanos() / 1e9, o.rounds().size(), agree,
            from + part.size(), worst);
      }
      System.out.printf(Locale.ROOT, "top-1 agreement with the plaintext polynomial reference: %d/%d%s%n", agree,
          imgs.size(), disagreements.isEmpty() ? "" : " " + disagreements);
      System.out.printf(Locale.ROOT, "max |logit difference|: %.3e%n", worst);
      System.out.printf(Locale.ROOT, "per ciphertext (%d images): evaluation %.1f s (server %.1f s, client refresh "
              + "%.1f s); amortized per image %.2f s; encryption %.3f s, decryption %.3f s per ciphertext%n",
          layout.batch(), eval / 1e9 / batches, server / 1e9 / batches, clientRefresh / 1e9 / batches,
          eval / 1e9 / imgs.size(), enc / 1e9 / batches, dec / 1e9 / batches);
      printStats(inf, batches);
    }
  }

  static void lmReport(Path root, CkksParameters params, int tokens) throws Exception {
    ModelDirectory.Model model = ModelDirectory.load(root.resolve("models/tiny-lm"));
    ReferenceModel ref = new ReferenceModel(model);
    int[] ids = ShippedInputs.prompt(model, root, tokens);
    SlotLayout layout = new SlotLayout(params.slotCount(), tokens, 64, 1);
    EncryptedTransformer program = EncryptedTransformer.of(model, layout);
    double[] input = new InputPacker(model, layout).prompts(List.of(ids));
    try (CkksInference inf = CkksInference.planned(program, params, input)) {
      System.out.printf(Locale.ROOT, "%ntiny-lm: prompt \"%s\" (%d tokens); %d Galois keys, key generation %.1f s%n",
          model.tokenizer().decode(ids), tokens, inf.steps().size(), inf.keyGenerationNanos() / 1e9);
      CkksInference.Outcome o = inf.run(input);
      double[] got = OutputUnpacker.lastPositionLogits(o.outputs().get(0), model.config().architecture().vocabSize());
      double[] want = ref.languageModel(ids).logits()[tokens - 1];
      double worst = 0;
      for (int i = 0; i < want.length; i++) {
        worst = Math.max(worst, Math.abs(want[i] - got[i]));
      }
      int pw = OutputUnpacker.argmax(want);
      int pg = OutputUnpacker.argmax(got);
      System.out.printf(Locale.ROOT, "next token: plain %d (%s), encrypted %d (%s): %s%n", pw,
          model.tokenizer().decode(new int[] {pw}), pg, model.tokenizer().decode(new int[] {pg}),
          pw == pg ? "agree" : "DISAGREE");
      System.out.printf(Locale.ROOT, "max |logit difference| over %d logits: %.3e%n", want.length, worst);
      CkksInference.Timings t = o.timings();
      System.out.printf(Locale.ROOT, "evaluation %.1f s (server %.1f s, client refresh %.1f s, %d rounds); "
              + "encryption %.3f s, decryption %.3f s%n", t.evaluateNanos() / 1e9, t.serverNanos() / 1e9,
          t.clientRefreshNanos() / 1e9, o.rounds().size(), t.encryptNanos() / 1e9, t.decryptNanos() / 1e9);
      printStats(inf, 1);
    }
  }

  /** Server time per operation kind and per section, per run. */
  static void printStats(CkksInference inf, int runs) {
    OpStats st = inf.stats();
    StringBuilder sb = new StringBuilder("server time per run by kind:");
    for (OpKind k : OpKind.values()) {
      OpStats.Tally t = st.total(k);
      if (t.count() > 0) {
        sb.append(String.format(Locale.ROOT, " %s %d/%.2fs", k.name().toLowerCase(Locale.ROOT), t.count() / runs,
            t.nanos() / 1e9 / runs));
      }
    }
    System.out.println(sb);
    System.out.println("server time per run by section:");
    for (Map.Entry<String, Map<OpKind, OpStats.Tally>> e : st.bySection().entrySet()) {
      long ns = 0;
      long rot = 0;
      for (OpStats.Tally t : e.getValue().values()) {
        ns += t.nanos();
      }
      OpStats.Tally r = e.getValue().get(OpKind.ROTATE);
      if (r != null) {
        rot = r.nanos();
      }
      System.out.printf(Locale.ROOT, "  %-22s %7.2f s (rotations %.2f s)%n", e.getKey(), ns / 1e9 / runs,
          rot / 1e9 / runs);
    }
    var h = inf.keyHolder();
    System.out.printf(Locale.ROOT, "client: %d refresh rounds, %d values, %.1f MB in, %.1f MB out, %.1f s%n",
        h.refreshRounds(), h.refreshedValues(), h.refreshBytesIn() / 1e6, h.refreshBytesOut() / 1e6,
        h.refreshNanos() / 1e9);
  }
}
