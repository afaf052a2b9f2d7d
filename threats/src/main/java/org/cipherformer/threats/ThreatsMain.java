package org.cipherformer.threats;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.cipherformer.model.data.FortuneCorpus;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.ee.EeKey;

/**
 * Command line: {@code ThreatsMain run --out DIR [--models DIR] [--fortunes DIR] [--t2-queries N]
 * [--tokens 1000,10000,100000] [--refine-seconds S] [--window W]}. Draws a fresh EE key (SecureRandom), runs
 * {@link ThreatSuite} and writes {@code threats.md} and {@code threats.json} into {@code --out}.
 */
public final class ThreatsMain {
    private ThreatsMain() {
    }

    /** @param args see the class comment */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !args[0].equals("run")) {
            usage("expected the subcommand 'run', got " + (args.length == 0 ? "nothing" : "'" + args[0] + "'"));
        }
        Path out = null;
        Path models = null;
        Path fortunes = FortuneCorpus.DEBIAN_DIR;
        int queries = 2048;
        int[] tokens = {1000, 10000, 100000};
        double seconds = 20;
        int window = 20;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                usage("option " + a + " needs a value");
            }
            String v = args[++i];
            try {
                switch (a) {
                    case "--out" -> out = Path.of(v);
                    case "--models" -> models = Path.of(v);
                    case "--fortunes" -> fortunes = Path.of(v);
                    case "--t2-queries" -> queries = Integer.parseInt(v);
                    case "--tokens" -> tokens = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--refine-seconds" -> seconds = Double.parseDouble(v);
                    case "--window" -> window = Integer.parseInt(v);
                    default -> usage("unknown option " + a);
                }
            } catch (NumberFormatException e) {
                usage("option " + a + ": not a number: '" + v + "'");
            }
        }
        if (out == null) {
            usage("--out DIR is required");
        }
        if (models == null) {
            models = RepoPaths.root().resolve("models");
        }
        execute(new ThreatSuite.Settings(models, fortunes, EeKey.generate(), queries, tokens,
                new FrequencyAnalysisAttack.Refinement(seconds, window, 1000)), out, System.out, System.err);
    }

    /**
     * Runs the suite, writes the report into {@code out} and prints the Markdown (shared with the CLI's
     * {@code cipherformer threats run}).
     *
     * @param s        settings (the key is the defender's fresh key)
     * @param out      output directory
     * @param report   receives the Markdown
     * @param progress receives the closing line
     * @return the measured attacks
     * @throws java.io.IOException if a model, the corpus or the output cannot be read or written
     */
    public static List<AttackResult> execute(ThreatSuite.Settings s, Path out, java.io.PrintStream report,
                                             java.io.PrintStream progress) throws java.io.IOException {
        long t0 = System.nanoTime();
        List<AttackResult> results = ThreatSuite.run(s);
        ThreatReport.write(out, s.describe(), results);
        report.print(ThreatReport.markdown(s.describe(), results));
        progress.printf("wrote %s and %s in %s (%.1f s)%n", ThreatReport.MARKDOWN, ThreatReport.JSON, out,
                (System.nanoTime() - t0) / 1e9);
        return results;
    }

    private static void usage(String why) {
        System.err.println("threats: " + why + "\nusage: ThreatsMain run --out DIR [--models DIR] [--fortunes DIR] "
                + "[--t2-queries N] [--tokens 1000,10000,100000] [--refine-seconds S] [--window W]");
        System.exit(2);
    }
}
