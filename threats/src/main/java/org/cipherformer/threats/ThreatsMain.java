package org.cipherformer.threats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The engine behind {@code cipherformer threats run} (cli {@code ThreatsCommand}; {@code scripts/threats.sh} calls
 * that command): selects the pieces, checks their input files, runs the suite and writes the report. The command line
 * itself lives in the CLI only, so the script and the command cannot drift apart.
 */
public final class ThreatsMain {
    private ThreatsMain() {
    }

    /**
     * Checks the selection and the inputs, runs the selected pieces and writes {@code threats.md},
     * {@code threats.json} and the plots into {@code out}.
     *
     * @param options  the run's options
     * @param only     attack ids to run; empty: every wired piece
     * @param out      output directory
     * @param progress human progress lines (stderr in the CLI)
     * @return the outcome (check {@link SuiteOutcome#clean()}: the report is written even when a piece failed)
     * @throws IllegalArgumentException for an unknown or unwired id in {@code only}
     * @throws java.nio.file.NoSuchFileException naming a missing input file, before anything runs
     * @throws IOException if the report cannot be written
     */
    public static SuiteOutcome execute(RunOptions options, Collection<String> only, Path out,
                                       Consumer<String> progress) throws IOException {
        List<SuitePiece> pieces = ThreatSuite.select(only);
        ThreatSuite.checkInputs(pieces, options);
        long t0 = System.nanoTime();
        SuiteOutcome outcome = ThreatSuite.run(pieces, options, progress);
        List<ThreatPlots.Plot> plots = ThreatReport.write(out, options.describe(), outcome);
        progress.accept(String.format(Locale.ROOT, "wrote %s, %s and %d plot(s) in %s (%.1f s)",
                ThreatReport.MARKDOWN, ThreatReport.JSON, plots.size(), out, (System.nanoTime() - t0) / 1e9));
        return outcome;
    }
}
