package org.cipherformer.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cipherformer.model.data.FortuneCorpus;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.threats.FrequencyAnalysisAttack;
import org.cipherformer.threats.ThreatSuite;
import org.cipherformer.threats.ThreatsMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cipherformer threats run}: measured attacks on EE mode (threats/README.md). */
@Command(name = "threats", mixinStandardHelpOptions = true,
    description = {"Threat analysis: measured attacks on EE mode against the shipped models (T1 weight alignment, "
        + "T2 functional signature, T4 frequency analysis) under a fresh key."},
    subcommands = {ThreatsCommand.Run.class})
final class ThreatsCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is needed: run");
  }

  /** Runs the suite and writes threats.md and threats.json. */
  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Run every attack and write DIR/threats.md and DIR/threats.json (about two minutes)."})
  static final class Run implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--models", paramLabel = "DIR", description = "Directory of the shipped models "
        + "(default: models/ of the repository).")
    Path models;

    @Option(names = "--fortunes", paramLabel = "DIR", description = "Fortune files (default: ${DEFAULT-VALUE}).")
    Path fortunes = FortuneCorpus.DEBIAN_DIR;

    @Option(names = "--t2-queries", paramLabel = "N", description = "T2 single-token queries (default: "
        + "${DEFAULT-VALUE}).")
    int queries = 2048;

    @Option(names = "--tokens", split = ",", paramLabel = "N", description = "T4 observed stream lengths "
        + "(default: 1000,10000,100000).")
    int[] tokens = {1000, 10000, 100000};

    @Option(names = "--refine-seconds", paramLabel = "S", description = "T4 refinement budget per length "
        + "(default: ${DEFAULT-VALUE}).")
    double seconds = 20;

    @Option(names = "--window", paramLabel = "W", description = "T4 base swap window (default: ${DEFAULT-VALUE}).")
    int window = 20;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Path m = models != null ? models : RepoRoot.get().resolve("models");
      java.io.ByteArrayOutputStream md = new java.io.ByteArrayOutputStream();
      java.io.ByteArrayOutputStream note = new java.io.ByteArrayOutputStream();
      ThreatsMain.execute(new ThreatSuite.Settings(m, fortunes, EeKey.generate(), queries, tokens,
          new FrequencyAnalysisAttack.Refinement(seconds, window, 1000)), out,
          new java.io.PrintStream(md, true, java.nio.charset.StandardCharsets.UTF_8),
          new java.io.PrintStream(note, true, java.nio.charset.StandardCharsets.UTF_8));
      spec.commandLine().getOut().print(md.toString(java.nio.charset.StandardCharsets.UTF_8));
      spec.commandLine().getErr().print(note.toString(java.nio.charset.StandardCharsets.UTF_8));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
