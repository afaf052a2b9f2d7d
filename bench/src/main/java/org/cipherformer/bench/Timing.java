package org.cipherformer.bench;

import java.util.Arrays;

/**
 * The measured samples of one operation at one degree and thread count: wall-clock times, and CPU times of the
 * busiest thread ({@link CpuClock#criticalPathNanos}): the operation's cost without the time spent descheduled on a
 * loaded machine, i.e. an estimate of its wall-clock time on an idle one.
 *
 * @param op the operation
 * @param n the polynomial modulus degree
 * @param threads the native thread count it ran with
 * @param wallMs wall-clock milliseconds, one per repetition
 * @param cpuMs busiest-thread CPU milliseconds, one per repetition
 */
public record Timing(HeOperation op, int n, int threads, double[] wallMs, double[] cpuMs) {
  public Timing {
    if (wallMs.length == 0 || wallMs.length != cpuMs.length) {
      throw new IllegalArgumentException(
          "need the same positive number of wall and CPU samples, got " + wallMs.length + " and " + cpuMs.length);
    }
    wallMs = wallMs.clone();
    cpuMs = cpuMs.clone();
  }

  public int reps() {
    return wallMs.length;
  }

  public double medianWallMs() {
    return median(wallMs);
  }

  public double minWallMs() {
    return Arrays.stream(wallMs).min().orElseThrow();
  }

  public double maxWallMs() {
    return Arrays.stream(wallMs).max().orElseThrow();
  }

  public double medianCpuMs() {
    return median(cpuMs);
  }

  /** The median (mean of the two middle values for an even count). */
  static double median(double[] samples) {
    double[] s = samples.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
}
