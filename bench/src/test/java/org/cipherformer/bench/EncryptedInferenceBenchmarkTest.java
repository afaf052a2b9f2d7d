package org.cipherformer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cipherformer.he.ops.OpKind;
import org.cipherformer.he.ops.OpStats;
import org.cipherformer.he.ops.SimulatedBackend;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The benchmark's aggregation and report on a real run of a small program on {@link SimulatedBackend} (its counts are
 * exact; it does not time, so times are 0), and its option checks. A full CKKS forward pass takes one to several
 * minutes on the 2-core build machine, which is why the end-to-end path (CkksInference) is covered by the model
 * module's CkksInferenceTest and by running scripts/encrypted-bench.sh, not here.
 */
class EncryptedInferenceBenchmarkTest {
  private static final int SLOTS = 16;

  /** Two sections: "layer0" rotates twice and multiplies (1 ct-ct, 1 constant); "layer1" refreshes 2 values. */
  private static void program(SimulatedBackend be) {
    double[] x = new double[SLOTS];
    for (int i = 0; i < SLOTS; i++) {
      x[i] = 0.1 * i;
    }
    SimulatedBackend.Value a = be.input(x);
    SimulatedBackend.Value b;
    SimulatedBackend.Value c;
    try (OpStats.Section s = be.stats().enter("layer0")) {
      SimulatedBackend.Value r1 = be.rotate(a, 1);
      SimulatedBackend.Value r2 = be.rotate(r1, 2);
      b = be.mul(a, r2);
      c = be.mulConst(r1, 0.5);
      be.release(r1);
      be.release(r2);
    }
    try (OpStats.Section s = be.stats().enter("layer1")) {
      for (SimulatedBackend.Value v : be.refresh(List.of(b, c))) {
        be.release(v);
      }
    }
    be.release(a);
  }

  private static EncryptedRun run(int threads, int batch, long latencySeconds, StatsSnapshot server) {
    long s = 1_000_000_000L;
    // encrypt 1 s, client refresh 2 s, decrypt 1 s, the rest server
    return new EncryptedRun(threads, batch, s, (latencySeconds - 4) * s, 2 * s, s, 1, 2, 1000, 2000, 500, 400,
        batch, 1e-5, server);
  }

  @Test
  void snapshotsIsolateOneRunAndTheReportShowsItsCounts() {
    SimulatedBackend be = new SimulatedBackend(SLOTS, 8, 1);
    program(be); // an earlier run: its counts must not leak into the next snapshot difference
    StatsSnapshot before = StatsSnapshot.of(be.stats());
    program(be);
    StatsSnapshot one = StatsSnapshot.of(be.stats()).minus(before);

    assertEquals(List.of("layer0", "layer1"), new ArrayList<>(one.bySection().keySet()));
    assertEquals(2, one.total(OpKind.ROTATE).count(), "rotations of one run");
    assertEquals(1, one.total(OpKind.MUL).count(), "ct-ct multiplications of one run");
    assertEquals(1, one.total(OpKind.MUL_PLAIN).count(), "constant multiplications of one run");
    assertEquals(1, one.total(OpKind.REFRESH_ROUND).count(), "refresh rounds of one run");
    assertEquals(2, one.total(OpKind.REFRESH).count(), "refreshed values of one run");
    assertEquals(be.stats().total(OpKind.ROTATE).count(), 2 * one.total(OpKind.ROTATE).count(),
        "the backend's own tally holds both runs");
    Map<OpKind, StatsSnapshot.Cell> layer1 = one.bySection().get("layer1");
    assertFalse(layer1.containsKey(OpKind.ROTATE), "no rotation in layer1: " + layer1);
    assertThrows(IllegalArgumentException.class, () -> before.minus(StatsSnapshot.of(be.stats())),
        "subtracting a later snapshot");

    List<EncryptedRun> runs = List.of(run(1, 1, 50, one), run(1, 7, 63, one), run(2, 1, 40, one), run(2, 7, 56, one));
    String report = EncryptedReport.render(List.of("test"), new EncryptedReport.Keys(3_000_000_000L, 28, 2_000_000,
        300_000_000), runs);
    List<String[]> summary = rowsAfter(report, EncryptedReport.SUMMARY_HEADER);
    assertEquals(4, summary.size(), report);
    String[] r = summary.get(1); // 1 thread, batch 7, latency 63 s
    assertEquals("1", r[0]);
    assertEquals("7", r[1]);
    assertEquals("63.0", r[6], "latency = encrypt + server + client refresh + decrypt");
    assertEquals("9.00", r[7], "per image = latency / batch");
    assertEquals("1 / 2", r[8]);
    assertEquals("7/7", r[11]);
    assertTrue(report.contains("| rotations | 0.000 (2) | 0.000 (2) | 0.000 (2) | 0.000 (2) |"), report);
    assertTrue(report.contains("| ct-ct multiplications | 0.000 (1) |"), report);
    assertTrue(report.contains("| layer0 |") && report.contains("| layer1 |"), report);
    assertTrue(report.contains("28 Galois keys 300.00 MB"), report);
    assertTrue(report.endsWith("PASS: single image 40.0 s (2 threads) <= 60 s; amortized 8.00 s per image "
        + "(batch 7, 2 threads) <= 10 s\n"), report);
  }

  @Test
  void verdictFailsOnEitherTargetOrAMissingMeasurement() {
    StatsSnapshot none = StatsSnapshot.of(new OpStats());
    assertTrue(EncryptedReport.verdict(List.of(run(1, 1, 61, none), run(1, 7, 63, none))).startsWith("FAIL"),
        "single image over 60 s");
    assertTrue(EncryptedReport.verdict(List.of(run(1, 1, 59, none), run(1, 7, 71, none))).startsWith("FAIL"),
        "amortized over 10 s");
    assertTrue(EncryptedReport.verdict(List.of(run(1, 1, 59, none), run(1, 7, 70, none))).startsWith("PASS"),
        "both at the limit");
    String onlySingle = EncryptedReport.verdict(List.of(run(1, 1, 30, none)));
    assertTrue(onlySingle.startsWith("FAIL") && onlySingle.contains("not measured"), onlySingle);
  }

  @Test
  void badOptionsAreRejectedNamingTheValue() {
    assertRejected("--batch 8 is more than fit", "8", "--batch", "8");
    assertRejected("--batch 0", "0", "--batch", "1,0");
    assertRejected("--threads 0", "0", "--threads", "0");
    assertRejected("--repeats 0", "0", "--repeats", "0");
    assertRejected("--preset", "n4096", "--preset", "n4096");
  }

  private static void assertRejected(String what, String value, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new EncryptedInferenceBenchmark());
    cmd.setErr(new PrintWriter(err));
    cmd.setOut(new PrintWriter(new StringWriter()));
    int exit = cmd.execute(args);
    assertEquals(2, exit, what + ": exit code; stderr:\n" + err);
    assertTrue(err.toString().contains(value), what + ": message names " + value + ":\n" + err);
  }

  /** Cells of the table rows after {@code header} (skipping the rule), up to the first non-table line. */
  private static List<String[]> rowsAfter(String report, String header) {
    List<String[]> rows = new ArrayList<>();
    String[] lines = report.split("\n");
    int i = 0;
    while (!lines[i].equals(header)) {
      i++;
    }
    for (i += 2; i < lines.length && lines[i].startsWith("| "); i++) {
      rows.add(lines[i].substring(2, lines[i].length() - 2).split(" \\| "));
    }
    return rows;
  }
}
