package org.cipherformer.he.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.TreeSet;
import org.cipherformer.he.Ciphertext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ChebyshevSeries} and {@link InverseOps} on {@link CkksBackend} (preset n16384: 8192 slots, top level 8) with
 * the shipped model's polynomials, against the plaintext recurrences. Levels consumed must equal the stated depths and
 * the simulated run's operation counts. Measured errors are printed; the asserted bounds are 10 to 40 times the
 * measured ones (CKKS noise at scale 2^40, N = 16384). Measured (22:59 UTC, this machine): GELU 2.6e-7 (depth 5 and
 * 4), 1/sqrt start 3.4e-7, + 2 Newton steps 2.0e-7, Goldschmidt k = 9 4.4e-7 (relative 2.6e-5), random series on
 * [-1, 1] 2e-8 (degree 1) .. 2.3e-7 (63) .. 3.0e-6 (127).
 */
class CkksPolynomialTest {
  /** Absolute error bound of a degree-15 series on its domain (values up to 8 for GELU, 3.2 for 1/sqrt). */
  static final double SERIES_BOUND = 1e-5;
  /**
   * Absolute error bound of Goldschmidt (values 1/x in [1/129, 1]) and of Newton after the 1/sqrt start. Goldschmidt
   * amplifies noise: near the domain ends b_0 = 1 - c x is close to +-1 and each squaring doubles the error of b, so
   * the noise of b_0 (about 1e-9) grows by up to 2^k = 512.
   */
  static final double INVERSE_BOUND = 5e-6;

  static CkksKeyHolder holder;
  /** Wall time of the last series evaluation in {@link #seriesError}. */
  static double lastMillis;
  static CkksBackend ckks;

  @BeforeAll
  static void setUp() {
    holder = new CkksKeyHolder(CkksParameters.n16384());
    ckks = CkksBackend.inProcess(holder, new TreeSet<>());
  }

  @AfterAll
  static void tearDown() {
    ckks.close();
    holder.close();
  }

  /** Uniform points of [lo, hi] in every slot, both ends included. */
  static double[] points(double lo, double hi, long seed) {
    Random r = new Random(seed);
    double[] x = new double[ckks.slotCount()];
    for (int i = 0; i < x.length; i++) {
      x[i] = lo + (hi - lo) * r.nextDouble();
    }
    x[0] = lo;
    x[1] = hi;
    return x;
  }

  static Ciphertext encrypt(double[] x) {
    return ckks.input(holder.encrypt(x));
  }

  /** Evaluates the series on CKKS (x, or u if unit) and returns the largest absolute error against Clenshaw. */
  static double seriesError(ChebyshevSeries p, double[] x, boolean unit) {
    double[] in = x.clone();
    if (unit) {
      for (int i = 0; i < in.length; i++) {
        in[i] = p.unitScale() * x[i] + p.unitShift();
      }
    }
    Ciphertext c = encrypt(in);
    long mulsBefore = ckks.stats().total(OpKind.MUL).count();
    long t = System.nanoTime();
    Ciphertext r = unit ? p.evaluateUnit(ckks, c) : p.evaluate(ckks, c);
    lastMillis = (System.nanoTime() - t) / 1e6;
    assertEquals(ckks.level(c) - (unit ? p.unitDepth() : p.depth()), ckks.level(r), "levels consumed");
    assertEquals(p.multiplications(), ckks.stats().total(OpKind.MUL).count() - mulsBefore);
    double[] out = holder.decrypt(r);
    ckks.release(c);
    ckks.release(r);
    double worst = 0;
    for (int i = 0; i < x.length; i++) {
      worst = Math.max(worst, Math.abs(out[i] - p.value(x[i])));
    }
    return worst;
  }

  @Test
  void shippedGelu() {
    ChebyshevSeries gelu =
        new ChebyshevSeries(ShippedPolynomials.GELU, ShippedPolynomials.GELU_LO, ShippedPolynomials.GELU_HI);
    double[] x = points(-8, 8, 1);
    int live = ckks.stats().liveValues();
    double e = seriesError(gelu, x, false);
    double ms = lastMillis;
    double eu = seriesError(gelu, x, true);
    System.out.printf("CKKS n16384 GELU degree 15 on [-8, 8]: max abs error %.3g (evaluate, depth %d, %.0f ms), "
        + "%.3g (evaluateUnit, depth %d, %.0f ms)%n", e, gelu.depth(), ms, eu, gelu.unitDepth(), lastMillis);
    assertTrue(e <= SERIES_BOUND, "evaluate error " + e);
    assertTrue(eu <= SERIES_BOUND, "evaluateUnit error " + eu);
    assertEquals(live, ckks.stats().liveValues(), "every intermediate released");
  }

  @Test
  void shippedInverseSqrtThenNewton() {
    ChebyshevSeries start = new ChebyshevSeries(
        ShippedPolynomials.INV_SQRT, ShippedPolynomials.INV_SQRT_LO, ShippedPolynomials.INV_SQRT_HI);
    double[] v = points(0.1, 10, 2);
    double e = seriesError(start, v, false);
    System.out.printf("CKKS n16384 1/sqrt start degree 15 on [0.1, 10]: max abs error %.3g (depth %d)%n", e,
        start.depth());
    assertTrue(e <= SERIES_BOUND, "evaluate error " + e);

    // LayerNorm with the map folded into the variance computation: u and v both fresh (level 8), y0 = C(u) at
    // level 4, one Newton step to level 2, a refresh of y and -v/2, the second step.
    double[] u = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      u[i] = start.unitScale() * v[i] + start.unitShift();
    }
    Ciphertext cv = encrypt(v);
    Ciphertext cu = encrypt(u);
    Ciphertext y0 = start.evaluateUnit(ckks, cu);
    int steps = ShippedPolynomials.NEWTON_STEPS;
    Ciphertext y = InverseOps.newtonInverseSqrt(ckks, cv, y0, steps);
    assertTrue(ckks.level(y) >= ckks.refreshFloor());
    double[] out = holder.decrypt(y);
    double worst = 0;
    double worstRel = 0;
    for (int i = 0; i < v.length; i++) {
      double ref = InverseOpsTest.newtonReference(v[i], start.value(v[i]), steps);
      worst = Math.max(worst, Math.abs(out[i] - ref));
      worstRel = Math.max(worstRel, Math.abs(out[i] * Math.sqrt(v[i]) - 1));
    }
    System.out.printf("CKKS n16384 1/sqrt start + %d Newton steps: max abs error %.3g vs the plaintext recurrence, "
        + "max relative error %.3g vs 1/sqrt(v); output level %d%n", steps, worst, worstRel, ckks.level(y));
    assertTrue(worst <= INVERSE_BOUND, "Newton error " + worst);
    for (Ciphertext c : new Ciphertext[] {cv, cu, y0, y}) {
      ckks.release(c);
    }
  }

  @Test
  void shippedGoldschmidtWithOneRefresh() {
    // 9 iterations need 11 levels; n16384 has 7 between refreshes: one round inside.
    double lo = ShippedPolynomials.INVERSE_LO;
    double hi = ShippedPolynomials.INVERSE_HI;
    int k = ShippedPolynomials.INVERSE_ITERATIONS;
    double[] x = points(lo, hi, 3);
    Ciphertext c = encrypt(x);
    long rounds = ckks.stats().total(OpKind.REFRESH_ROUND).count();
    Ciphertext r = InverseOps.goldschmidtInverse(ckks, c, lo, hi, k);
    assertEquals(1L, ckks.stats().total(OpKind.REFRESH_ROUND).count() - rounds);
    assertTrue(ckks.level(r) >= ckks.refreshFloor());
    double[] out = holder.decrypt(r);
    double worst = 0;
    double worstRel = 0;
    for (int i = 0; i < x.length; i++) {
      double ref = InverseOpsTest.goldschmidtReference(x[i], lo, hi, k);
      worst = Math.max(worst, Math.abs(out[i] - ref));
      worstRel = Math.max(worstRel, Math.abs(out[i] - ref) / ref);
    }
    System.out.printf("CKKS n16384 Goldschmidt [1, 129], %d iterations (1 refresh): max abs error %.3g, max relative "
        + "error %.3g vs the plaintext recurrence%n", k, worst, worstRel);
    assertTrue(worst <= INVERSE_BOUND, "Goldschmidt error " + worst);
    ckks.release(c);
    ckks.release(r);
  }

  @Test
  void randomSeriesUpToTheLevelBudget() {
    // degrees up to 2^7 - 1 on [-1, 1] (no map level) fit the 8 levels; wider domains up to 2^6 - 1.
    Random rnd = new Random(11);
    StringBuilder report = new StringBuilder();
    for (int d : new int[] {1, 2, 3, 7, 8, 15, 16, 31, 63, 127}) {
      double[] c = new double[d + 1];
      for (int k = 0; k <= d; k++) {
        c[k] = (2 * rnd.nextDouble() - 1) / (1 + k);
      }
      ChebyshevSeries p = new ChebyshevSeries(c, -1, 1);
      double e = seriesError(p, points(-1, 1, d), false);
      report.append(String.format(" d=%d: %.3g (%.0f ms)", d, e, lastMillis));
      assertTrue(e <= SERIES_BOUND, "degree " + d + " error " + e);
    }
    System.out.println("CKKS n16384 random series on [-1, 1] (coefficients in [-1/(k+1), 1/(k+1)]), max abs error:"
        + report);
  }

  @Test
  void integerDomainMapsCostNoLevelOnCkksEither() {
    // [0, 2]: u = x - 1 (a constant addition); [-0.25, 0.25]: u = 4x (two doublings)
    Random rnd = new Random(5);
    double[] c = new double[16];
    for (int k = 0; k < c.length; k++) {
      c[k] = (2 * rnd.nextDouble() - 1) / (1 + k);
    }
    for (double[] dom : new double[][] {{0, 2}, {-0.25, 0.25}}) {
      ChebyshevSeries p = new ChebyshevSeries(c, dom[0], dom[1]);
      assertEquals(p.unitDepth(), p.depth());
      double e = seriesError(p, points(dom[0], dom[1], 9), false);
      System.out.printf("CKKS n16384 random degree 15 on [%s, %s] (map free, depth %d): max abs error %.3g%n",
          dom[0], dom[1], p.depth(), e);
      assertTrue(e <= SERIES_BOUND, "error " + e);
    }
  }
}
