package org.cipherformer.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.cipherformer.model.data.FortuneCorpus;
import org.cipherformer.threats.BaselineEeAttacks;
import org.cipherformer.threats.FrequencyAnalysisAttack;
import org.cipherformer.threats.PieceFailure;
import org.cipherformer.threats.RunOptions;
import org.cipherformer.threats.SuiteOutcome;
import org.cipherformer.threats.ThreatReport;
import org.cipherformer.threats.ThreatSuite;
import org.cipherformer.threats.ThreatsMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cipherformer threats run}: the measured threat suite of issue 7 (docs/threats.md). */
@Command(name = "threats", mixinStandardHelpOptions = true,
    description = {"Threat analysis: measured attacks on EE mode, CKKS decryption leakage, and server robustness "
        + "(docs/threats.md)."},
    subcommands = {ThreatsCommand.Run.class})
final class ThreatsCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is needed: run");
  }

  /** Runs the suite and writes threats.md, threats.json and the PNG plots. */
  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Run the threat suite and write DIR/threats.md, DIR/threats.json and PNG plots; the Markdown "
          + "is also printed. Exit 1 when a piece failed (its error is in the report) or an input file is missing.",
          "Sizes: --quick is the test-suite size (a few minutes in all); the default is the documented full run "
          + "(docs/threats.md gives its duration)."})
  static final class Run implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--quick", description = "Test-suite sizes instead of the full run.")
    boolean quick;

    @Option(names = "--only", split = ",", paramLabel = "ID",
        description = "Run only these attack ids, e.g. T1,T4 (known: T1..T6, L1, L2, R1, R2).")
    List<String> only = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "N", description = "Seed for a reproducible run: the defender's EE key "
        + "is derived from it (analysis only: such a key is guessable) and the pieces that accept a seed get it. "
        + "Default: fresh randomness.")
    Long seed;

    @Option(names = "--models", paramLabel = "DIR", description = "Directory of the shipped models "
        + "(default: models/ of the repository).")
    Path models;

    @Option(names = "--fortunes", paramLabel = "DIR", description = "Fortune files (default: ${DEFAULT-VALUE}).")
    Path fortunes = FortuneCorpus.DEBIAN_DIR;

    @Option(names = "--t2-queries", paramLabel = "N", description = "Override T2's single-token queries "
        + "(quick 128, full 2048).")
    Integer queries;

    @Option(names = "--tokens", split = ",", paramLabel = "N", description = "Override T4's observed stream "
        + "lengths (quick 1000,10000; full 1000,10000,100000).")
    int[] tokens;

    @Option(names = "--refine-seconds", paramLabel = "S", description = "Override T4's refinement budget per "
        + "length (quick 1, full 20).")
    Double seconds;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      BaselineEeAttacks.Settings base = quick ? BaselineEeAttacks.Settings.quick() : BaselineEeAttacks.Settings.full();
      try {
        ThreatSuite.select(only);
        base = new BaselineEeAttacks.Settings(queries != null ? queries : base.t2Queries(),
            tokens != null ? tokens : base.observed(),
            new FrequencyAnalysisAttack.Refinement(seconds != null ? seconds : base.refinement().secondsPerRun(),
                base.refinement().baseWindow(), base.refinement().maxPasses()));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      Path m = models != null ? models : RepoRoot.get().resolve("models");
      OptionalLong s = seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
      RunOptions options = new RunOptions(m, fortunes, quick, s, RunOptions.keyFor(s), base);
      PrintWriter err = spec.commandLine().getErr();
      SuiteOutcome outcome = ThreatsMain.execute(options, only, out, line -> {
        if (!output.quiet) {
          err.println("threats: " + line);
          err.flush();
        }
      });
      PrintWriter o = spec.commandLine().getOut();
      o.print(java.nio.file.Files.readString(out.resolve(ThreatReport.MARKDOWN)));
      o.flush();
      if (!outcome.clean()) {
        List<String> names = new ArrayList<>();
        for (PieceFailure f : outcome.failures()) {
          names.add(f.piece() + " (" + f.error() + ": " + f.message() + ")");
        }
        err.println(spec.qualifiedName() + ": " + outcome.failures().size() + " piece(s) failed: "
            + String.join("; ", names) + "; the report in " + out + " has the other figures");
        err.flush();
        return Main.FAILED;
      }
      return 0;
    }
  }
}
