package org.cipherformer.he.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import org.cipherformer.he.Ciphertext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Client-aided refresh on n16384: a refreshed value decrypts to the original within a stated bound, the key holder's
 * view of a value is its masked form (uniform around the value, not the value), refreshes below the floor are
 * refused, malformed replies are rejected, and the error as a function of the mask bound R (the measurement behind
 * {@link CkksBackend#DEFAULT_MASK_BOUND}).
 */
class CkksRefreshTest {
  /** Value bound B the programs respect (docs/encrypted-inference.md). */
  static final double B = 64;
  /**
   * Absolute error bound of a refreshed value with |m| <= B at the default R against the original (measured: 3e-9
   * from the top level, 2e-8 after a drop to a lower level, which itself is one rescaling).
   */
  static final double REFRESH_BOUND = 1e-7;
  static final SortedSet<Integer> STEPS = new TreeSet<>(List.of(1));

  static CkksKeyHolder holder;

  /** Records what the key holder decrypts (its view), then lets it answer. */
  static final class Spy implements RefreshClient {
    final List<double[]> seen = new ArrayList<>();
    int rounds;

    @Override
    public List<byte[]> refresh(List<byte[]> masked) {
      rounds++;
      for (byte[] b : masked) {
        try (Ciphertext c = Ciphertext.load(holder.context(), b)) {
          seen.add(holder.decrypt(c));
        } catch (java.io.IOException e) {
          throw new AssertionError(e);
        }
      }
      return holder.refresh(masked);
    }
  }

  @BeforeAll
  static void setUp() {
    holder = new CkksKeyHolder(CkksParameters.n16384());
  }

  @AfterAll
  static void tearDown() {
    holder.close();
  }

  static CkksBackend backend(RefreshClient client, double maskBound) {
    return new CkksBackend(holder.parameters(), holder.context(), holder.generateEvaluationKeys(STEPS), client,
        maskBound);
  }

  static double[] random(long seed, double bound) {
    Random r = new Random(seed);
    double[] v = new double[holder.parameters().slotCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = bound * (2 * r.nextDouble() - 1);
    }
    return v;
  }

  static double maxError(double[] expected, double[] actual) {
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    return worst;
  }

  @Test
  void refreshedValuesDecryptToTheOriginals() {
    Spy spy = new Spy();
    try (CkksBackend be = backend(spy, CkksBackend.DEFAULT_MASK_BOUND)) {
      double[] x = random(1, B);
      Ciphertext top = be.input(holder.encrypt(x));
      List<Ciphertext> in = List.of(be.dropToLevel(top, 1), be.dropToLevel(top, 5), be.copy(top));
      long bytesIn = holder.refreshBytesIn();
      long bytesOut = holder.refreshBytesOut();
      List<Ciphertext> out = be.refresh(in);
      assertEquals(3, out.size());
      for (int i = 0; i < 3; i++) {
        Ciphertext r = out.get(i);
        assertEquals(be.topLevel(), be.level(r));
        assertEquals(holder.parameters().scale(be.topLevel()), r.scale());
        double err = maxError(x, holder.decrypt(r));
        System.out.printf("CkksRefreshTest refresh from level %d, |m| <= %.0f, R = 2^%d: max abs error %.3e%n",
            be.level(in.get(i)), B, Math.getExponent(be.maskBound()), err);
        assertTrue(err <= REFRESH_BOUND, "refresh error " + err);
      }
      assertEquals(1, spy.rounds);
      assertEquals(1, be.stats().total(OpKind.REFRESH_ROUND).count());
      assertEquals(3, be.stats().total(OpKind.REFRESH).count());
      long exchanged = holder.refreshBytesIn() - bytesIn + holder.refreshBytesOut() - bytesOut;
      assertEquals(exchanged, be.stats().refreshBytes());
      System.out.printf("CkksRefreshTest per refreshed value: %d bytes (sent at the floor level + seeded reply, zstd),"
          + " server %.1f ms, round trip %.1f ms (key holder %.1f ms)%n", be.stats().refreshBytes() / 3,
          be.stats().total(OpKind.REFRESH).nanos() / 3e6, be.stats().total(OpKind.REFRESH_ROUND).nanos() / 3e6,
          holder.refreshNanos() / 1e6 / holder.refreshedValues());
      in.forEach(be::release);
      out.forEach(be::release);
      be.release(top);
    }
  }

  @Test
  void keyHolderSeesOnlyMaskedValues() {
    Spy spy = new Spy();
    double m = 3.0;
    double r = CkksBackend.DEFAULT_MASK_BOUND;
    try (CkksBackend be = backend(spy, r)) {
      double[] constant = new double[be.slotCount()];
      Arrays.fill(constant, m);
      Ciphertext x = be.input(holder.encrypt(constant));
      Ciphertext low = be.dropToLevel(x, 1);
      for (int round = 0; round < 4; round++) {
        be.refresh(List.of(low)).forEach(be::release);
      }
      be.release(low);
      be.release(x);
    }
    // What the key holder saw: m + r, r uniform in [-R, R]. Check mean, variance and a 16-bin histogram.
    int n = 0;
    double sum = 0;
    double sumSq = 0;
    int bins = 16;
    long[] histogram = new long[bins];
    int nearValue = 0;
    for (double[] view : spy.seen) {
      for (double v : view) {
        double d = v - m;
        n++;
        sum += d;
        sumSq += d * d;
        int bin = (int) Math.floor((d + r) / (2 * r) * bins);
        assertTrue(bin >= 0 && bin < bins, "masked value " + v + " outside [m - R, m + R]");
        histogram[bin]++;
        if (Math.abs(d) < 1) {
          nearValue++;
        }
      }
    }
    double mean = sum / n;
    double variance = sumSq / n - mean * mean;
    double expectedVariance = r * r / 3;
    double chi2 = 0;
    for (long h : histogram) {
      double e = (double) n / bins;
      chi2 += (h - e) * (h - e) / e;
    }
    System.out.printf("CkksRefreshTest key holder's view of m = %.1f over %d slots: mean offset %.4g (sd of mean"
        + " %.4g), variance / (R^2/3) = %.5f, chi2(15) = %.1f, slots within 1 of m: %d%n", m, n, mean,
        r / Math.sqrt(3.0 * n), variance / expectedVariance, chi2, nearValue);
    assertEquals(4 * holder.parameters().slotCount(), n);
    assertTrue(Math.abs(mean) < 5 * r / Math.sqrt(3.0 * n), "mean of the mask " + mean);
    assertTrue(Math.abs(variance / expectedVariance - 1) < 0.05, "variance ratio " + variance / expectedVariance);
    assertTrue(chi2 < 50, "histogram chi2 " + chi2 + " " + Arrays.toString(histogram));
    // With R = 2^22, a slot lands within 1 of the value with probability 2^-22.
    assertTrue(nearValue < 5, nearValue + " slots showed the value");
  }

  @Test
  void refreshBelowTheFloorIsRefusedBeforeAnythingIsSent() {
    Spy spy = new Spy();
    try (CkksBackend be = backend(spy, CkksBackend.DEFAULT_MASK_BOUND)) {
      Ciphertext x = be.input(holder.encrypt(new double[] {1, 2, 3}));
      Ciphertext low = be.dropToLevel(x, 0);
      OutOfLevelsException e = assertThrows(OutOfLevelsException.class, () -> be.refresh(List.of(x, low)));
      assertTrue(e.getMessage().contains("level-0") && e.getMessage().contains("floor is level 1"), e.getMessage());
      assertEquals(0, spy.rounds);
      assertEquals(0, be.stats().total(OpKind.REFRESH_ROUND).count());
      be.release(low);
      be.release(x);
    }
  }

  @Test
  void malformedRepliesAreRejected() {
    List<RefreshClient> bad = List.of(
        masked -> List.of(),
        masked -> List.of(new byte[] {1, 2, 3}),
        masked -> {
          // A valid ciphertext at the wrong level.
          List<byte[]> reply = new ArrayList<>();
          try (Ciphertext c = holder.encrypt(new double[] {1});
              org.cipherformer.he.Evaluator ev = new org.cipherformer.he.Evaluator(holder.context());
              Ciphertext low = ev.modSwitchToNext(c)) {
            reply.add(low.save(org.cipherformer.he.io.ComprMode.NONE));
          }
          return reply;
        });
    for (RefreshClient client : bad) {
      try (CkksBackend be = backend(client, CkksBackend.DEFAULT_MASK_BOUND)) {
        Ciphertext x = be.input(holder.encrypt(new double[] {1, 2, 3}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> be.refresh(List.of(x)));
        assertTrue(e.getMessage().contains("refresh"), e.getMessage());
        be.release(x);
        assertEquals(0, be.stats().liveValues());
      }
    }
  }

  /**
   * The measurement behind R: the rms error a refresh adds to a value with |m| <= B, as a function of R, against the
   * error of one rescaling (what every value that reaches the refresh floor has taken several times). It stays at the
   * fresh-encryption noise up to about R = 2^20 and then grows like R * 2^-52.5 (double rounding of m + r).
   */
  @Test
  void refreshErrorAsAFunctionOfTheMaskBound() {
    double[] x = random(3, B);
    int[] exponents = {8, 16, 20, 22, 24, 26};
    double[] added = new double[exponents.length];
    double rescaleNoise;
    try (CkksBackend be = backend(holder, CkksBackend.DEFAULT_MASK_BOUND)) {
      Ciphertext c = be.input(holder.encrypt(x));
      Ciphertext once = be.mulConst(c, 1);
      rescaleNoise = rms(holder.decrypt(c), holder.decrypt(once));
      be.release(once);
      be.release(c);
    }
    System.out.printf("CkksRefreshTest rms error of one rescaling (mulConst 1): %.3e%n", rescaleNoise);
    int defaultIndex = -1;
    for (int k = 0; k < exponents.length; k++) {
      double r = Math.scalb(1.0, exponents[k]);
      if (r == CkksBackend.DEFAULT_MASK_BOUND) {
        defaultIndex = k;
      }
      try (CkksBackend be = backend(holder, r)) {
        Ciphertext c = be.input(holder.encrypt(x));
        double[] before = holder.decrypt(c);
        Ciphertext fresh = be.refresh(List.of(c)).get(0);
        double[] after = holder.decrypt(fresh);
        added[k] = rms(before, after);
        System.out.printf("CkksRefreshTest R = 2^%d: refresh adds rms %.3e, max %.3e (B = %.0f, B/2R = %.2e)%n",
            exponents[k], added[k], maxError(before, after), B, B / (2 * r));
        be.release(c);
        be.release(fresh);
      }
    }
    assertTrue(defaultIndex >= 0, "the default R is among the measured ones");
    assertTrue(added[0] < 0.5 * rescaleNoise, "small R: " + added[0] + " vs rescaling " + rescaleNoise);
    assertTrue(added[defaultIndex] < 0.5 * rescaleNoise,
        "default R adds " + added[defaultIndex] + ", one rescaling " + rescaleNoise);
    // The effect is real and grows with R: four times the default R costs more than a rescaling.
    assertTrue(added[exponents.length - 1] > rescaleNoise,
        "R = 2^26 adds " + added[exponents.length - 1] + " vs rescaling " + rescaleNoise);
  }

  static double rms(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s / a.length);
  }
}
