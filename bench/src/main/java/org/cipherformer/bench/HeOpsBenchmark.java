package org.cipherformer.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.cipherformer.he.CoeffModulus;
import org.cipherformer.he.NativeThreads;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Per-operation CKKS benchmark: median time of each operation at each degree and thread count, printed as a
 * Markdown table with the ratio to Microsoft SEAL 4.1.2's single-threaded medians ({@link SealReference}). Progress
 * goes to stderr, the report to stdout (and to {@code --out}).
 */
@Command(name = "he-ops-benchmark", mixinStandardHelpOptions = true,
    description = "Median per-operation CKKS times (SEAL default 128-bit moduli) with a Markdown report.")
public final class HeOpsBenchmark implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--n", split = ",", paramLabel = "N",
      description = "Polynomial modulus degrees (default: ${DEFAULT-VALUE}).", defaultValue = "8192,16384,32768")
  List<Integer> degrees;

  @Option(names = "--threads", split = ",", paramLabel = "T",
      description = "Native thread counts; 'all' = every core (default: ${DEFAULT-VALUE}).", defaultValue = "1,all")
  List<String> threads;

  @Option(names = "--reps", description = "Timed repetitions per operation for N < 32768 (default: ${DEFAULT-VALUE}).",
      defaultValue = "15")
  int reps;

  @Option(names = "--reps-large",
      description = "Timed repetitions per operation for N >= 32768 (default: ${DEFAULT-VALUE}).", defaultValue = "7")
  int repsLarge;

  @Option(names = "--warmup", description = "Discarded repetitions before timing (default: ${DEFAULT-VALUE}).",
      defaultValue = "2")
  int warmup;

  @Option(names = "--ops", split = ",", paramLabel = "OP",
      description = "Only these operations: encode, encrypt, decrypt, add, multiply, relinearize, "
          + "multiply_relinearize, rescale, rotate, rotate_hoisted, keygen_relin, keygen_galois (default: all).")
  List<String> ops;

  @Option(names = "--out", paramLabel = "FILE", description = "Also write the Markdown report to FILE.")
  Path out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new HeOpsBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    Set<HeOperation> selected = selectedOps();
    List<Integer> threadCounts = threadCounts();
    validate();
    String startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

    List<Timing> timings = new ArrayList<>();
    List<String> parameterLines = new ArrayList<>();
    for (int n : degrees) {
      int r = n >= 32768 ? repsLarge : reps;
      progress("N=%d: making context and keys (%d Galois keys)", n, HeOpsRunner.HOISTED_STEPS.length);
      NativeThreads.setThreadCount(0);
      try (HeOpsRunner runner = new HeOpsRunner(n)) {
        parameterLines.add(String.format(Locale.ROOT, "N = %d: %d primes, bit sizes %s", n, runner.primeCount(),
            bitSizes(n)));
        for (int t : threadCounts) {
          for (HeOperation op : selected) {
            long t0 = System.nanoTime();
            Timing timing = runner.time(op, t, warmup, r);
            timings.add(timing);
            progress("N=%d threads=%d %-22s median %s ms (%d reps, %.1f s)", n, timing.threads(), op.cliName(),
                Report.fmt(timing.medianWallMs()), r, (System.nanoTime() - t0) / 1e9);
          }
        }
      }
    }
    double loadAtEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

    String report = header(startedAt, loadAtStart, loadAtEnd, parameterLines) + "\n" + Report.table(timings);
    spec.commandLine().getOut().print(report);
    spec.commandLine().getOut().flush();
    if (out != null) {
      Files.writeString(out, report, StandardCharsets.UTF_8);
    }
    return 0;
  }

  private Set<HeOperation> selectedOps() {
    if (ops == null || ops.isEmpty()) {
      return EnumSet.allOf(HeOperation.class);
    }
    Set<HeOperation> s = EnumSet.noneOf(HeOperation.class);
    for (String name : ops) {
      try {
        s.add(HeOperation.fromCliName(name));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--ops: " + e.getMessage());
      }
    }
    return s;
  }

  private List<Integer> threadCounts() {
    Set<Integer> counts = new LinkedHashSet<>();
    for (String t : threads) {
      String v = t.trim().toLowerCase(Locale.ROOT);
      if (v.equals("all")) {
        counts.add(Runtime.getRuntime().availableProcessors());
        continue;
      }
      int c;
      try {
        c = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new ParameterException(spec.commandLine(), "--threads: '" + t + "' is neither a number nor 'all'");
      }
      if (c < 1 || c > 1024) {
        throw new ParameterException(spec.commandLine(), "--threads: " + c + " outside 1..1024");
      }
      counts.add(c);
    }
    return new ArrayList<>(counts);
  }

  private void validate() {
    for (int n : degrees) {
      if (n < 1024 || n > 32768 || Integer.bitCount(n) != 1) {
        throw new ParameterException(spec.commandLine(),
            "--n: " + n + " is not a power of two in 1024..32768 (SEAL's default moduli exist for these)");
      }
    }
    if (reps < 1 || repsLarge < 1) {
      throw new ParameterException(spec.commandLine(), "--reps/--reps-large must be >= 1, got " + reps + "/"
          + repsLarge);
    }
    if (warmup < 0) {
      throw new ParameterException(spec.commandLine(), "--warmup must be >= 0, got " + warmup);
    }
  }

  private static String bitSizes(int n) {
    StringBuilder sb = new StringBuilder("[");
    for (long q : CoeffModulus.bfvDefault(n)) {
      sb.append(sb.length() > 1 ? "," : "").append(64 - Long.numberOfLeadingZeros(q));
    }
    return sb.append(']').toString();
  }

  private static String header(String startedAt, double loadStart, double loadEnd, List<String> parameterLines) {
    StringBuilder sb = new StringBuilder();
    sb.append("CKKS per-operation benchmark, started ").append(startedAt).append('\n');
    sb.append('\n');
    sb.append("- machine: ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
        .append(", Java ").append(System.getProperty("java.version")).append('\n');
    sb.append(String.format(Locale.ROOT, "- load average (1 min) at start %.1f, at end %.1f%n", loadStart, loadEnd));
    for (String line : parameterLines) {
      sb.append("- ").append(line).append(" (CoeffModulus.bfvDefault, 128-bit), scale 2^40, top level\n");
    }
    sb.append("- median/min/max: wall clock. CPU: median CPU time of the busiest thread (caller or pool worker, from "
        + "Linux schedstat), i.e. the time the operation would take on an idle machine; on a loaded machine the "
        + "wall-clock columns mostly measure scheduling\n");
    sb.append("- SEAL: single-threaded medians of SEAL 4.1.2 (Release, no HEXL) on the reference machine kind; "
        + "ratios use the midpoint of a range\n");
    return sb.toString();
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux or not readable: the model name is only informative.
    }
    return "unknown CPU";
  }

  private static void progress(String format, Object... args) {
    System.err.println("[bench] " + String.format(Locale.ROOT, format, args));
  }
}
