package org.cipherformer.bench;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The benchmark's Markdown table: one row per operation, degree and thread count, with the median, min and max
 * wall-clock time, the median CPU time of the busiest thread (the idle-machine estimate, see {@link CpuClock}), SEAL's
 * single-threaded median where one was measured, and the ratios to it against the target.
 */
public final class Report {
  private Report() {}

  /** Column headers, in order. */
  static final String HEADER =
      "| op | N | threads | reps | median ms | min ms | max ms | CPU ms (busiest thread) | SEAL 4.1.2 ms (1 thread) "
          + "| median / SEAL | CPU / SEAL | target |";

  /**
   * The table for {@code timings}, ordered by operation, then N, then thread count. A CPU cell is "–" where it could
   * not be measured (multi-threaded rows without Linux schedstat).
   */
  public static String table(List<Timing> timings) {
    StringBuilder sb = new StringBuilder();
    sb.append(HEADER).append('\n');
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    List<Timing> sorted = timings.stream()
        .sorted(Comparator.comparing(Timing::op).thenComparingInt(Timing::n).thenComparingInt(Timing::threads))
        .toList();
    for (Timing t : sorted) {
      boolean hasCpu = !Double.isNaN(t.medianCpuMs());
      Optional<SealReference.Range> seal = SealReference.median(t.op(), t.n());
      String sealCell = seal.map(SealReference::describe).orElse("–");
      String ratio = seal.map(r -> ratio(t.medianWallMs(), r)).orElse("–");
      String cpuRatio = seal.filter(r -> hasCpu).map(r -> ratio(t.medianCpuMs(), r)).orElse("–");
      String target = seal.map(r -> "≤ " + String.format(Locale.ROOT, "%.1f", SealReference.targetRatio(t.op(),
          t.threads())) + "x").orElse("–");
      sb.append("| ").append(t.op().label())
          .append(" | ").append(t.n())
          .append(" | ").append(t.threads())
          .append(" | ").append(t.reps())
          .append(" | ").append(fmt(t.medianWallMs()))
          .append(" | ").append(fmt(t.minWallMs()))
          .append(" | ").append(fmt(t.maxWallMs()))
          .append(" | ").append(hasCpu ? fmt(t.medianCpuMs()) : "–")
          .append(" | ").append(sealCell)
          .append(" | ").append(ratio)
          .append(" | ").append(cpuRatio)
          .append(" | ").append(target)
          .append(" |\n");
    }
    return sb.toString();
  }

  private static String ratio(double ms, SealReference.Range seal) {
    return String.format(Locale.ROOT, "%.2fx", ms / seal.midMs());
  }

  /** Milliseconds with about three significant digits. */
  static String fmt(double ms) {
    if (ms >= 100) {
      return String.format(Locale.ROOT, "%.0f", ms);
    }
    if (ms >= 10) {
      return String.format(Locale.ROOT, "%.1f", ms);
    }
    if (ms >= 1) {
      return String.format(Locale.ROOT, "%.2f", ms);
    }
    return String.format(Locale.ROOT, "%.3f", ms);
  }
}
