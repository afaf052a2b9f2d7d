package org.cipherformer.bench;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.ee.EeCodec;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.ee.EeModelTransform;
import org.cipherformer.model.encrypted.OutputUnpacker;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceLogitsCheck;
import org.cipherformer.proto.v1.EeImage;
import org.cipherformer.proto.v1.EeInferenceRequest;
import org.cipherformer.proto.v1.EeInferenceResponse;
import org.cipherformer.proto.v1.EeTokens;
import org.cipherformer.proto.v1.InferenceServiceGrpc;
import org.cipherformer.server.CipherformerServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * EE inference against plaintext inference of the untransformed model on the same server, side by side in one run
 * (issue 6, item 5). One server on a loopback port hosts each shipped model and its EE transform under a fresh key,
 * with the benchmark-only plaintext option (RunEe also serves untransformed models). For every input, in alternating
 * order, one plaintext request (unpermuted input to the original model) and one EE request (permute locally, RunEe on
 * the transformed model, un-permute locally). Reports the medians of server compute (as the server reports it) and of
 * client wall time end to end, the EE overhead against the 5% server-compute target, and agreement (max |logit
 * difference| and argmax) of the two paths. Markdown to stdout.
 */
@Command(name = "ee-inference-benchmark", mixinStandardHelpOptions = true,
    description = "EE vs plaintext inference on one server, side by side.")
public final class EeInferenceBenchmark implements Callable<Integer> {
  /** The server-compute overhead target of EE mode. */
  static final double TARGET_OVERHEAD = 0.05;

  @Option(names = "--rounds", description = "Passes over the inputs (default: ${DEFAULT-VALUE}).")
  int rounds = 20;

  @Option(names = "--warmup", description = "Unmeasured passes first (JIT), default: ${DEFAULT-VALUE}.")
  int warmup = 3;

  @Option(names = "--models", split = ",", description = "Shipped models to compare (default: ${DEFAULT-VALUE}).")
  List<String> models = List.of("vit-fmnist", "tiny-lm");

  @Option(names = "--out", paramLabel = "FILE", description = "Also write the Markdown report to FILE.")
  Path out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new EeInferenceBenchmark()).execute(args));
  }

  /** One original input: an image or a prompt. */
  private record Input(double[] image, int[] ids) {
  }

  @Override
  public Integer call() throws Exception {
    Path root = RepoPaths.root();
    Path dir = Files.createTempDirectory("cipherformer-ee-bench");
    EeKey key = EeKey.generate();
    StringBuilder report = new StringBuilder();
    report.append("## EE vs plaintext inference, same server\n\n");
    report.append(String.format(Locale.ROOT, "%d cores, %s, rounds %d (after %d warm-up passes), fresh EE key; "
            + "medians per inference; server = compute time the server reports, end to end = client wall time "
            + "(EE: permuting + RPC + un-permuting; plaintext: RPC)%n%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), rounds, warmup));
    report.append("| model | inputs | server plain (ms) | server EE (ms) | server overhead | e2e plain (ms) "
        + "| e2e EE (ms) | e2e overhead | max abs logit diff | argmax agree |\n");
    report.append("|---|---|---|---|---|---|---|---|---|---|\n");
    boolean pass = true;
    try {
      for (String m : models) {
        copy(root.resolve("models").resolve(m), dir.resolve(m));
        EeModelTransform.transform(root.resolve("models").resolve(m), key, dir.resolve(m + "-ee"));
      }
      try (CipherformerServer server = CipherformerServer.builder().port(0).modelsDirectory(dir)
          .precompilePlans(false).plaintextInference(true).start()) {
        ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + server.port(),
            InsecureChannelCredentials.create()).maxInboundMessageSize(64 << 20).build();
        try {
          var stub = InferenceServiceGrpc.newBlockingStub(channel);
          for (String m : models) {
            pass &= compare(root, m, key, stub, report);
          }
        } finally {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    } finally {
      deleteTree(dir);
    }
    report.append(String.format(Locale.ROOT, "%n%s: EE server-compute overhead %s %.0f%% on every model%n",
        pass ? "PASS" : "FAIL", pass ? "<=" : "not <=", TARGET_OVERHEAD * 100));
    System.out.print(report);
    if (out != null) {
      Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
    }
    return pass ? 0 : 1;
  }

  private boolean compare(Path root, String m, EeKey key, InferenceServiceGrpc.InferenceServiceBlockingStub stub,
      StringBuilder report) throws IOException {
    ModelDirectory.Model original = ModelDirectory.load(root.resolve("models").resolve(m));
    EeCodec codec = new EeCodec(key, original.config());
    List<Input> inputs = new ArrayList<>();
    if (original.tokenizer() == null) {
      for (double[] img : ShippedInputs.images(root)) {
        inputs.add(new Input(img, null));
      }
    } else {
      int seqLen = original.config().architecture().seqLen();
      for (String line : ReferenceLogitsCheck.prompts(root)) {
        inputs.add(new Input(null, ReferenceLogitsCheck.promptIds(original.tokenizer(), line, seqLen)));
      }
    }
    List<Long> serverPlain = new ArrayList<>();
    List<Long> serverEe = new ArrayList<>();
    List<Long> e2ePlain = new ArrayList<>();
    List<Long> e2eEe = new ArrayList<>();
    double maxDiff = 0;
    int agree = 0;
    int compared = 0;
    for (int r = 0; r < warmup + rounds; r++) {
      boolean measured = r >= warmup;
      for (int i = 0; i < inputs.size(); i++) {
        Input in = inputs.get(i);
        boolean lm = in.ids() != null;
        // Alternate which path goes first, so drift in machine load hits both alike.
        boolean eeFirst = ((r + i) & 1) == 1;
        double[] plainLogits = null;
        double[] eeLogits = null;
        for (int k = 0; k < 2; k++) {
          boolean ee = (k == 0) == eeFirst;
          long t0 = System.nanoTime();
          EeInferenceResponse resp;
          double[] logits;
          if (ee) {
            // Timed like a client: permute, build the request, RPC, un-permute.
            EeInferenceRequest req = lm ? tokens(m + "-ee", codec.permuteTokens(in.ids()))
                : image(m + "-ee", codec.permuteImage(in.image()));
            resp = stub.runEe(req);
            double[] raw = values(resp);
            logits = lm ? codec.unpermuteVocabLogits(raw) : codec.unpermuteClassLogits(raw);
          } else {
            resp = stub.runEe(lm ? tokens(m, in.ids()) : image(m, in.image()));
            logits = values(resp);
          }
          long wall = System.nanoTime() - t0;
          if (measured) {
            (ee ? serverEe : serverPlain).add(resp.getComputeNanos());
            (ee ? e2eEe : e2ePlain).add(wall);
          }
          if (ee) {
            eeLogits = logits;
          } else {
            plainLogits = logits;
          }
        }
        if (measured && r == warmup) {
          compared++;
          agree += OutputUnpacker.argmax(plainLogits) == OutputUnpacker.argmax(eeLogits) ? 1 : 0;
          for (int c = 0; c < plainLogits.length; c++) {
            maxDiff = Math.max(maxDiff, Math.abs(plainLogits[c] - eeLogits[c]));
          }
        }
      }
    }
    double sp = median(serverPlain) / 1e6;
    double se = median(serverEe) / 1e6;
    double ep = median(e2ePlain) / 1e6;
    double ee = median(e2eEe) / 1e6;
    double overhead = se / sp - 1;
    report.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %+.1f%% | %.3f | %.3f | %+.1f%% | %.1e | "
            + "%d/%d |%n", m, inputs.size(), sp, se, overhead * 100, ep, ee, (ee / ep - 1) * 100, maxDiff, agree,
        compared));
    return overhead <= TARGET_OVERHEAD && agree == compared;
  }

  private static EeInferenceRequest image(String model, double[] pixels) {
    EeImage.Builder b = EeImage.newBuilder();
    for (double v : pixels) {
      b.addValues((float) v);
    }
    return EeInferenceRequest.newBuilder().setModel(model).setImage(b).build();
  }

  private static EeInferenceRequest tokens(String model, int[] ids) {
    EeTokens.Builder b = EeTokens.newBuilder();
    for (int id : ids) {
      b.addIds(id);
    }
    return EeInferenceRequest.newBuilder().setModel(model).setTokens(b).build();
  }

  private static double[] values(EeInferenceResponse r) {
    double[] v = new double[r.getLogitsCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.getLogits(i);
    }
    return v;
  }

  private static double median(List<Long> xs) {
    long[] a = xs.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2.0;
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
