package org.cipherformer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the benchmark's real code path once (N = 8192, one repetition) so the README command cannot rot. */
class HeOpsBenchmarkTest {
  @Test
  void smallRunReportsEveryOperationWithPositiveTimes(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("report.md");
    StringWriter stdout = new StringWriter();
    CommandLine cmd = new CommandLine(new HeOpsBenchmark());
    cmd.setOut(new PrintWriter(stdout));
    int exit = cmd.execute("--n", "8192", "--threads", "1", "--reps", "1", "--warmup", "0", "--out", out.toString());
    assertEquals(0, exit, "exit code");

    String report = Files.readString(out, StandardCharsets.UTF_8);
    assertEquals(report, stdout.toString(), "--out holds exactly what was printed");
    assertTrue(report.contains(Report.HEADER), "table header present:\n" + report);

    Map<String, String[]> rows = new HashMap<>();
    for (String line : report.split("\n")) {
      if (line.startsWith("| ") && !line.equals(Report.HEADER)) {
        String[] cells = line.substring(2, line.length() - 2).split(" \\| ");
        rows.put(cells[0], cells);
      }
    }
    assertEquals(HeOperation.values().length, rows.size(), "one row per operation:\n" + report);
    for (HeOperation op : HeOperation.values()) {
      String[] cells = rows.get(op.label());
      assertNotNull(cells, "row for " + op.label() + " in\n" + report);
      assertEquals(12, cells.length, "cells of " + op.label());
      assertEquals("8192", cells[1], "N of " + op.label());
      assertEquals("1", cells[2], "threads of " + op.label());
      assertEquals("1", cells[3], "reps of " + op.label());
      for (int c = 4; c <= 7; c++) {
        double ms = Double.parseDouble(cells[c]);
        assertTrue(ms > 0 && Double.isFinite(ms), op.label() + " column " + c + " = " + cells[c]);
      }
    }
    // Work grows with the operation: a multiply+relinearize costs more than an add.
    assertTrue(Double.parseDouble(rows.get(HeOperation.MULTIPLY_RELINEARIZE.label())[7])
        > Double.parseDouble(rows.get(HeOperation.ADD.label())[7]), "CPU: multiply+relinearize > add\n" + report);
  }

  @Test
  void unknownOperationIsRejectedByName() {
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new HeOpsBenchmark());
    cmd.setErr(new PrintWriter(err));
    int exit = cmd.execute("--ops", "multiply,frobnicate");
    assertEquals(2, exit, "usage error exit code");
    assertTrue(err.toString().contains("'frobnicate'"), err.toString());
  }

  @Test
  void degreeOutsideDefaultModuliIsRejectedByValue() {
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new HeOpsBenchmark());
    cmd.setErr(new PrintWriter(err));
    assertEquals(2, cmd.execute("--n", "12288"));
    assertTrue(err.toString().contains("12288"), err.toString());
  }

  @Test
  void medianOfEvenAndOddCounts() {
    assertEquals(2.0, Timing.median(new double[] {3, 1, 2}));
    assertEquals(2.5, Timing.median(new double[] {4, 1, 3, 2}));
  }
}
