package org.cipherformer.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.cipherformer.he.NativeThreads;
import org.cipherformer.he.ops.CkksKeyHolder;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.encrypted.CkksInference;
import org.cipherformer.model.encrypted.EncryptedTransformer;
import org.cipherformer.model.encrypted.InputPacker;
import org.cipherformer.model.encrypted.OutputUnpacker;
import org.cipherformer.model.encrypted.PlanCompiler;
import org.cipherformer.model.encrypted.PlanPreset;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.model.encrypted.SlotLayout;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Encrypted ViT inference benchmark (scripts/encrypted-bench.sh): single-image latency and, with several images in
 * the slots of one ciphertext, amortized latency per image, at each native thread count, with the server's time by
 * operation kind and by section, the client's costs (key generation, encryption, refresh work, decryption) and the
 * bytes exchanged. Keys are made once (for the union of the rotation steps of every batch's plan); every run uses
 * the first {@code batch} shipped Fashion-MNIST images and checks top-1 agreement with the plaintext polynomial
 * reference (a sanity line, not a test). The report goes to stdout, progress to stderr.
 */
@Command(name = "encrypted-inference-benchmark", mixinStandardHelpOptions = true,
    description = "Encrypted ViT (vit-fmnist) latency on CKKS: single and batched, by thread count, with breakdowns.")
public final class EncryptedInferenceBenchmark implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--preset", description = "CKKS parameter preset: n16384 or n32768 (default: ${DEFAULT-VALUE}).",
      defaultValue = "n16384")
  String preset;

  @Option(names = "--threads", split = ",", paramLabel = "T",
      description = "Native thread counts (default: ${DEFAULT-VALUE}).", defaultValue = "1,2")
  List<Integer> threads;

  @Option(names = "--batch", split = ",", paramLabel = "B",
      description = "Images per ciphertext; 1 = single-image latency, the largest gives the amortized figure "
          + "(default: ${DEFAULT-VALUE}, 7 fills an n16384 ciphertext).", defaultValue = "1,7")
  List<Integer> batches;

  @Option(names = "--repeats", description = "Runs per (threads, batch); the run with the median latency is "
      + "reported (default: ${DEFAULT-VALUE}).", defaultValue = "1")
  int repeats;

  @Option(names = "--model", paramLabel = "DIR", description = "Model directory (default: models/vit-fmnist under "
      + "the repository root).")
  Path modelDir;

  @Option(names = "--out", paramLabel = "FILE", description = "Also write the Markdown report to FILE.")
  Path out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new EncryptedInferenceBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    CkksParameters params = parameters();
    Path root = RepoPaths.root();
    ModelDirectory.Model model = ModelDirectory.load(modelDir != null ? modelDir : root.resolve("models/vit-fmnist"));
    if (model.config().architecture().image() == null) {
      throw new ParameterException(spec.commandLine(), "--model: " + model.config().name()
          + " is not an image classifier (the benchmark runs the shipped Fashion-MNIST images)");
    }
    int tokens = model.config().architecture().seqLen();
    int dModel = model.config().architecture().dModel();
    int maxBatch = SlotLayout.maxBatch(params.slotCount(), tokens, dModel);
    List<double[]> images = ShippedInputs.images(root);
    validate(maxBatch, images.size());
    ReferenceModel reference = new ReferenceModel(model);
    String startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

    // One program per batch size; keys for the union of their plans' steps, made once.
    List<EncryptedTransformer> programs = new ArrayList<>();
    List<double[]> inputs = new ArrayList<>();
    SortedSet<Integer> steps = new TreeSet<>();
    for (int b : batches) {
      SlotLayout layout = new SlotLayout(params.slotCount(), tokens, dModel, b);
      EncryptedTransformer program = EncryptedTransformer.of(model, layout);
      double[] packed = new InputPacker(model, layout).images(images.subList(0, b));
      progress("planning batch %d (%s)", b, layout);
      steps.addAll(PlanCompiler.compile(program, PlanPreset.of(params), packed).plan().rotationSteps());
      programs.add(program);
      inputs.add(packed);
    }
    progress("making keys: relinearization + %d Galois keys", steps.size());
    List<EncryptedRun> runs = new ArrayList<>();
    EncryptedReport.Keys keys;
    try (CkksInference inference = CkksInference.create(programs.get(0), params, steps)) {
      keys = new EncryptedReport.Keys(inference.keyGenerationNanos(), steps.size(), inference.relinKeyBytes(),
          inference.galoisKeyBytes());
      for (int t : threads) {
        NativeThreads.setThreadCount(t);
        for (int i = 0; i < batches.size(); i++) {
          int b = batches.get(i);
          List<EncryptedRun> reps = new ArrayList<>();
          for (int rep = 0; rep < repeats; rep++) {
            EncryptedRun r = measure(inference, programs.get(i), inputs.get(i), images.subList(0, b), reference, t);
            progress("threads %d, batch %d, run %d/%d: latency %.1f s (server %.1f s, client refresh %.1f s), "
                    + "top-1 %d/%d", t, b, rep + 1, repeats, r.latencyNanos() / 1e9, r.serverNanos() / 1e9,
                r.clientRefreshNanos() / 1e9, r.agreeing(), b);
            reps.add(r);
          }
          reps.sort(Comparator.comparingLong(EncryptedRun::latencyNanos));
          runs.add(reps.get((reps.size() - 1) / 2));
        }
      }
    } finally {
      NativeThreads.setThreadCount(0);
    }
    double loadAtEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    List<String> title = List.of(
        "Encrypted inference benchmark (" + model.config().name() + "), started " + startedAt,
        String.format(Locale.ROOT, "machine: %d cores, %s %s, Java %s; load average (1 min) at start %.1f, at end %.1f",
            Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
            System.getProperty("java.version"), loadAtStart, loadAtEnd),
        "parameters: " + params.description(),
        "wall clock, client and server in one process; latency = encrypt + server + client refresh + decrypt; "
            + (repeats > 1 ? "median of " + repeats + " runs" : "one run") + " per row");
    String report = EncryptedReport.render(title, keys, runs);
    PrintWriter w = spec.commandLine().getOut();
    w.print(report);
    w.flush();
    if (out != null) {
      Files.writeString(out, report, StandardCharsets.UTF_8);
    }
    return 0;
  }

  /** One encrypted pass of {@code program} with its costs and its agreement with the reference. */
  static EncryptedRun measure(CkksInference inference, EncryptedTransformer program, double[] packed,
                              List<double[]> images, ReferenceModel reference, int threads) {
    CkksKeyHolder holder = inference.keyHolder();
    long valuesBefore = holder.refreshedValues();
    long inBefore = holder.refreshBytesIn();
    long outBefore = holder.refreshBytesOut();
    StatsSnapshot before = StatsSnapshot.of(inference.stats());
    CkksInference.Outcome o = inference.run(program, packed);
    StatsSnapshot server = StatsSnapshot.of(inference.stats()).minus(before);
    int classes = reference.classify(images.get(0)).logits()[0].length;
    double[][] got = OutputUnpacker.imageLogits(o.outputs().get(0), program.layout(), images.size(), classes);
    int agree = 0;
    double worst = 0;
    for (int k = 0; k < images.size(); k++) {
      double[] want = reference.classify(images.get(k)).logits()[0];
      for (int c = 0; c < want.length; c++) {
        worst = Math.max(worst, Math.abs(want[c] - got[k][c]));
      }
      if (OutputUnpacker.argmax(want) == OutputUnpacker.argmax(got[k])) {
        agree++;
      }
    }
    CkksInference.Timings t = o.timings();
    return new EncryptedRun(threads, images.size(), t.encryptNanos(), t.serverNanos(), t.clientRefreshNanos(),
        t.decryptNanos(), o.rounds().size(), holder.refreshedValues() - valuesBefore,
        holder.refreshBytesIn() - inBefore, holder.refreshBytesOut() - outBefore, o.inputBytes(), o.outputBytes(),
        agree, worst, server);
  }

  private CkksParameters parameters() {
    return switch (preset) {
      case "n16384" -> CkksParameters.n16384();
      case "n32768" -> CkksParameters.n32768();
      default -> throw new ParameterException(spec.commandLine(),
          "--preset must be n16384 or n32768, got '" + preset + "'");
    };
  }

  private void validate(int maxBatch, int shippedImages) {
    CommandLine cl = spec.commandLine();
    for (int t : threads) {
      if (t < 1 || t > 1024) {
        throw new ParameterException(cl, "--threads: thread count " + t + " outside 1..1024");
      }
    }
    int limit = Math.min(maxBatch, shippedImages);
    for (int b : batches) {
      if (b < 1 || b > limit) {
        throw new ParameterException(cl, "--batch: " + b + " images outside 1.." + limit + " (" + maxBatch
            + " fit in one " + preset + " ciphertext, " + shippedImages + " are shipped)");
      }
    }
    if (repeats < 1 || repeats > 100) {
      throw new ParameterException(cl, "--repeats must be in 1..100, got " + repeats);
    }
  }

  private static void progress(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[encrypted-bench] " + format + "%n", args);
  }
}
