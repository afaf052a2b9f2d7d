package org.cipherformer.he.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ChebyshevSeries} on {@link SimulatedBackend}: values, depth, operation counts, releases, bad input. */
class ChebyshevSeriesTest {
  private static final int SLOTS = 512;
  private static final int TOP = 12;

  /** Independent reference: {@code sum c_k cos(k acos u)} (valid for |u| <= 1). */
  private static double trigonometric(double[] c, double lo, double hi, double x) {
    double u = Math.max(-1, Math.min(1, (2 * x - lo - hi) / (hi - lo)));
    double t = Math.acos(u);
    double s = 0;
    for (int k = 0; k < c.length; k++) {
      s += c[k] * Math.cos(k * t);
    }
    return s;
  }

  private static double l1(double[] c) {
    double s = 0;
    for (double v : c) {
      s += Math.abs(v);
    }
    return s;
  }

  /** Evaluates on the simulation, checks depth, releases and values against Clenshaw; returns the backend. */
  private static SimulatedBackend checkSimulated(ChebyshevSeries p, double[] x, boolean unit) {
    SimulatedBackend be = new SimulatedBackend(SLOTS, TOP, 1);
    double[] in = x;
    if (unit) {
      in = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        in[i] = p.unitScale() * x[i] + p.unitShift();
      }
    }
    SimulatedBackend.Value v = be.input(in);
    int liveBefore = be.stats().liveValues();
    SimulatedBackend.Value r = unit ? p.evaluateUnit(be, v) : p.evaluate(be, v);
    int depth = unit ? p.unitDepth() : p.depth();
    assertEquals(depth, be.level(v) - be.level(r), "levels consumed by " + p);
    assertEquals(liveBefore + 1, be.stats().liveValues(), "only the result stays live");
    assertEquals(TOP, be.level(v), "input untouched");
    double[] out = be.output(r);
    double tol = 1e-12 * l1(p.coefficients());
    for (int i = 0; i < x.length; i++) {
      assertEquals(p.value(x[i]), out[i], tol, "p(" + x[i] + ") of " + p);
    }
    return be;
  }

  @Test
  void clenshawEqualsTheTrigonometricForm() {
    Random rnd = new Random(1);
    for (int d = 1; d <= 63; d++) {
      double[] c = new double[d + 1];
      for (int k = 0; k <= d; k++) {
        c[k] = rnd.nextDouble() * 2 - 1;
      }
      ChebyshevSeries p = new ChebyshevSeries(c, -3, 5);
      for (double x : ShippedPolynomials.grid(-3, 5, 101)) {
        assertEquals(trigonometric(c, -3, 5, x), p.value(x), 1e-13 * l1(c), "degree " + d + " at " + x);
      }
    }
  }

  @Test
  void shippedGeluOnItsDomain() {
    ChebyshevSeries gelu =
        new ChebyshevSeries(ShippedPolynomials.GELU, ShippedPolynomials.GELU_LO, ShippedPolynomials.GELU_HI);
    assertEquals(15, gelu.degree());
    // The odd coefficients (|c| ~ 1e-16) are rounding noise of an even fit plus x/2: skipped.
    assertEquals(14, gelu.evaluatedDegree());
    assertEquals(4, gelu.unitDepth());
    assertEquals(5, gelu.depth(), "a = 1/8 is not an integer: one level for u = x/8");
    double[] x = ShippedPolynomials.grid(-8, 8, SLOTS);
    checkSimulated(gelu, x, false);
    checkSimulated(gelu, x, true);
  }

  @Test
  void shippedGeluMatchesTheModelsClenshawAndApproximatesGelu() {
    // The model's ChebyshevPolynomial.value runs the same Clenshaw recurrence; this checks the copy against an
    // independent form on many points and that the coefficients still are a GELU fit (0.046 max error on [-8, 8]).
    ChebyshevSeries gelu =
        new ChebyshevSeries(ShippedPolynomials.GELU, ShippedPolynomials.GELU_LO, ShippedPolynomials.GELU_HI);
    double worst = 0;
    for (double x : ShippedPolynomials.grid(-8, 8, 4001)) {
      assertEquals(trigonometric(ShippedPolynomials.GELU, -8, 8, x), gelu.value(x), 1e-13);
      worst = Math.max(worst, Math.abs(gelu.value(x) - geluExact(x)));
    }
    assertTrue(worst < 0.05, "GELU fit error " + worst);
    assertTrue(worst > 1e-3, "the polynomial is an approximation, not GELU itself: " + worst);
  }

  @Test
  void shippedInverseSqrtOnItsDomain() {
    ChebyshevSeries inv = new ChebyshevSeries(
        ShippedPolynomials.INV_SQRT, ShippedPolynomials.INV_SQRT_LO, ShippedPolynomials.INV_SQRT_HI);
    assertEquals(15, inv.evaluatedDegree());
    assertEquals(4, inv.unitDepth());
    assertEquals(5, inv.depth());
    double[] x = ShippedPolynomials.grid(0.1, 10, SLOTS);
    checkSimulated(inv, x, false);
    checkSimulated(inv, x, true);
    for (double v : x) {
      assertEquals(1, inv.value(v) * Math.sqrt(v), 0.032, "start of 1/sqrt at " + v);
    }
  }

  @Test
  void randomSeriesOfEveryDegreeUpTo63() {
    Random rnd = new Random(7);
    double[][] domains = {{-8, 8}, {0.1, 10}, {-1, 1}, {0, 2}, {-0.25, 0.25}, {3, 3.5}, {-100, 28}};
    StringBuilder table = new StringBuilder("degree depth(unit) babySteps mults scalarMults drops\n");
    for (int d = 1; d <= 63; d++) {
      double[] c = new double[d + 1];
      for (int k = 0; k <= d; k++) {
        c[k] = rnd.nextDouble() * 2 - 1;
      }
      double[] dom = domains[d % domains.length];
      ChebyshevSeries p = new ChebyshevSeries(c, dom[0], dom[1]);
      int optimal = 32 - Integer.numberOfLeadingZeros(d); // ceil(log2(d + 1))
      assertEquals(optimal, p.unitDepth(), "degree " + d);
      double a = 2 / (dom[1] - dom[0]);
      assertEquals(optimal + (a == Math.rint(a) ? 0 : 1), p.depth(), "degree " + d + " on " + dom[0] + ".." + dom[1]);
      double[] x = new double[SLOTS];
      for (int i = 0; i < SLOTS; i++) {
        x[i] = dom[0] + (dom[1] - dom[0]) * rnd.nextDouble();
      }
      checkSimulated(p, x, false);
      SimulatedBackend be = checkSimulated(p, x, true);
      OpStats s = be.stats();
      assertEquals(p.multiplications(), s.total(OpKind.MUL).count(), "degree " + d);
      assertEquals(p.drops(), s.total(OpKind.DROP).count(), "degree " + d);
      assertEquals(p.scalarMultiplications(), s.total(OpKind.MUL_PLAIN).count(), "degree " + d);
      double bound = Math.sqrt(2.0 * (d + 1)) + 1.5 * optimal;
      assertTrue(p.multiplications() <= bound,
          "degree " + d + ": " + p.multiplications() + " multiplications > sqrt(2(d+1)) + 1.5 log2(d+1) = " + bound);
      table.append(String.format("%6d %6d %9d %5d %11d %5d%n", d, p.unitDepth(), p.babySteps(),
          p.multiplications(), p.scalarMultiplications(), p.drops()));
    }
    System.out.print(table);
  }

  @Test
  void evaluationCountsForDegrees15And31() {
    Random rnd = new Random(3);
    for (int d : new int[] {15, 31}) {
      double[] c = new double[d + 1];
      for (int k = 0; k <= d; k++) {
        c[k] = rnd.nextDouble() * 2 - 1;
      }
      ChebyshevSeries p = new ChebyshevSeries(c, -1, 1);
      SimulatedBackend be = new SimulatedBackend(SLOTS, TOP, 1);
      SimulatedBackend.Value v = be.input(new double[] {0.5});
      SimulatedBackend.Value r = p.evaluate(be, v);
      assertEquals(p.depth(), be.level(v) - be.level(r));
      System.out.printf("degree %d: depth %d, %d baby steps, %d multiplications, %d scalar multiplications, "
          + "%d drops, peak %d live values%n", d, p.depth(), p.babySteps(), p.multiplications(),
          p.scalarMultiplications(), p.drops(), be.stats().peakLiveValues());
      assertEquals(d == 15 ? 4 : 5, p.depth());
    }
  }

  @Test
  void integerScaleCostsNoLevel() {
    // a = 4 on [-0.25, 0.25]: u = 4x by additions
    double[] c = {0.1, -0.7, 0.3, 0.2};
    ChebyshevSeries p = new ChebyshevSeries(c, -0.25, 0.25);
    assertEquals(2, p.depth());
    checkSimulated(p, ShippedPolynomials.grid(-0.25, 0.25, 64), false);
    ChebyshevSeries q = new ChebyshevSeries(c, -0.3, 0.3);
    assertEquals(3, q.depth());
  }

  @Test
  void zeroCoefficientsInsideTheSeriesAreSkipped() {
    double[] c = new double[32];
    c[0] = 0.5;
    c[31] = 1;
    c[7] = -0.25;
    ChebyshevSeries p = new ChebyshevSeries(c, -1, 1);
    assertEquals(5, p.depth());
    checkSimulated(p, ShippedPolynomials.grid(-1, 1, SLOTS), false);
    // T_31 alone: one multiplication per level at most plus the baby steps it needs
    assertTrue(p.multiplications() <= 13, p.toString());
  }

  @Test
  void aBackendWithTooFewLevelsBetweenRefreshesIsRefusedUpFront() {
    ChebyshevSeries gelu =
        new ChebyshevSeries(ShippedPolynomials.GELU, ShippedPolynomials.GELU_LO, ShippedPolynomials.GELU_HI);
    SimulatedBackend be = new SimulatedBackend(SLOTS, 4, 0);
    SimulatedBackend.Value v = be.input(new double[] {1});
    OutOfLevelsException e = assertThrows(OutOfLevelsException.class, () -> gelu.evaluate(be, v));
    assertTrue(e.getMessage().contains("needs 5 levels") && e.getMessage().contains("has 4"), e.getMessage());
    assertEquals(1, be.stats().liveValues(), "nothing allocated");
    assertNotEquals(null, gelu.evaluateUnit(be, v)); // 4 levels suffice for u
  }

  @Test
  void anInputWithoutRoomIsRefreshedFirst() {
    // n16384 geometry: top 8, floor 1. x at level 3 has 2 levels above the floor, GELU needs 5.
    ChebyshevSeries gelu =
        new ChebyshevSeries(ShippedPolynomials.GELU, ShippedPolynomials.GELU_LO, ShippedPolynomials.GELU_HI);
    SimulatedBackend be = new SimulatedBackend(SLOTS, 8, 1);
    double[] x = ShippedPolynomials.grid(-8, 8, SLOTS);
    SimulatedBackend.Value fresh = be.input(x);
    SimulatedBackend.Value low = be.dropToLevel(fresh, 3);
    SimulatedBackend.Value r = gelu.evaluate(be, low);
    assertEquals(1L, be.stats().total(OpKind.REFRESH_ROUND).count());
    assertEquals(8 - gelu.depth(), be.level(r));
    assertEquals(3, be.stats().liveValues(), "fresh, low and the result");
    double[] out = be.output(r);
    for (int i = 0; i < SLOTS; i++) {
      assertEquals(gelu.value(x[i]), out[i], 1e-12 * 16);
    }
    // with room: no refresh
    SimulatedBackend.Value r2 = gelu.evaluate(be, be.dropToLevel(fresh, 6));
    assertEquals(1, be.level(r2));
    assertEquals(1L, be.stats().total(OpKind.REFRESH_ROUND).count());
  }

  @Test
  void badArgumentsAreRejectedWithTheValue() {
    IllegalArgumentException e;
    e = assertThrows(IllegalArgumentException.class, () -> new ChebyshevSeries(new double[] {1, 2}, 1, 1));
    assertTrue(e.getMessage().contains("[1.0, 1.0]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ChebyshevSeries(new double[] {1, 2}, 0, Double.NaN));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ChebyshevSeries(new double[] {1}, 0, 1));
    assertTrue(e.getMessage().contains("got 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new ChebyshevSeries(new double[ChebyshevSeries.MAX_COEFFICIENTS + 1], 0, 1));
    assertTrue(e.getMessage().contains("got " + (ChebyshevSeries.MAX_COEFFICIENTS + 1)), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new ChebyshevSeries(new double[] {1, Double.POSITIVE_INFINITY}, 0, 1));
    assertTrue(e.getMessage().contains("c_1 is Infinity"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ChebyshevSeries(new double[] {3, 0, 0}, 0, 1));
    assertTrue(e.getMessage().contains("constant 3.0"), e.getMessage());
    assertThrows(NullPointerException.class, () -> new ChebyshevSeries(null, 0, 1));
  }

  /** GELU by erf (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
  private static double geluExact(double x) {
    double z = Math.abs(x) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * z);
    double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    double erf = 1 - poly * Math.exp(-z * z);
    return 0.5 * x * (1 + Math.copySign(erf, x));
  }
}
