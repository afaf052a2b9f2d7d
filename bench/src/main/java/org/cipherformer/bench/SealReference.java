package org.cipherformer.bench;

import java.util.Map;
import java.util.Optional;

/**
 * Median single-threaded times of Microsoft SEAL 4.1.2 (built natively, Release, no Intel HEXL) measured on this
 * project's reference machine kind, with SEAL's default 128-bit moduli ({@code CoeffModulus::BFVDefault(N)}). Where
 * repeated runs gave a range (e.g. 36-41 ms) the reference is the range's midpoint; {@link #describe} prints the
 * range as measured. They are the targets of the benchmark: at 1 thread Cipherformer should take at most 1.0x these
 * times, with 2 threads at most 0.6x for multiply+relinearize, rotate and rescale.
 */
public final class SealReference {
  /** A measured median: {@code low..high} ms (equal when a single value was recorded). */
  public record Range(double lowMs, double highMs) {
    public double midMs() {
      return (lowMs + highMs) / 2;
    }
  }

  private static final Map<Integer, Map<HeOperation, Range>> MEDIANS = Map.of(
      16384, Map.of(
          HeOperation.MULTIPLY_RELINEARIZE, new Range(36, 41),
          HeOperation.ROTATE, new Range(41, 41),
          HeOperation.RESCALE, new Range(5, 6),
          HeOperation.ENCODE, new Range(3, 4),
          HeOperation.DECRYPT, new Range(1.1, 1.4)),
      32768, Map.of(
          HeOperation.MULTIPLY_RELINEARIZE, new Range(249, 249),
          HeOperation.ROTATE, new Range(221, 221),
          HeOperation.RESCALE, new Range(28, 28),
          HeOperation.ENCODE, new Range(14, 14),
          HeOperation.DECRYPT, new Range(4.5, 4.5)));

  private SealReference() {}

  /** SEAL's single-threaded median for {@code op} at degree {@code n}, if one was measured. */
  public static Optional<Range> median(HeOperation op, int n) {
    return Optional.ofNullable(MEDIANS.getOrDefault(n, Map.of()).get(op));
  }

  /** "36-41" or "249": the reference as measured. */
  public static String describe(Range r) {
    return r.lowMs() == r.highMs() ? Report.fmt(r.lowMs()) : Report.fmt(r.lowMs()) + "-" + Report.fmt(r.highMs());
  }

  /**
   * The target ratio to SEAL's single-threaded median: 0.6 for multiply+relinearize, rotate and rescale with two or
   * more threads, else 1.0.
   */
  public static double targetRatio(HeOperation op, int threads) {
    boolean parallelTarget = op == HeOperation.MULTIPLY_RELINEARIZE || op == HeOperation.ROTATE
        || op == HeOperation.RESCALE;
    return threads >= 2 && parallelTarget ? 0.6 : 1.0;
  }
}
