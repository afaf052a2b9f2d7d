package org.cipherformer.he.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link InverseOps} on {@link SimulatedBackend}: the model's recurrences, depths, releases, bad input. */
class InverseOpsTest {
  private static final int SLOTS = 1024;

  /** The model's GoldschmidtInverse.value, verbatim. */
  static double goldschmidtReference(double x, double lo, double hi, int k) {
    double c = 2.0 / (lo + hi);
    double xs = c * x;
    double a = 2 - xs;
    double b = 1 - xs;
    for (int i = 0; i < k; i++) {
      b = b * b;
      a = a * (1 + b);
    }
    return c * a;
  }

  /** The model's PolyLayerNorm Newton loop, verbatim. */
  static double newtonReference(double v, double y, int steps) {
    for (int i = 0; i < steps; i++) {
      y = y * (3 - v * y * y) / 2;
    }
    return y;
  }

  @Test
  void goldschmidtOnTheShippedDomainIsTheModelsRecurrence() {
    double lo = ShippedPolynomials.INVERSE_LO;
    double hi = ShippedPolynomials.INVERSE_HI;
    int k = ShippedPolynomials.INVERSE_ITERATIONS;
    assertEquals(11, InverseOps.goldschmidtDepth(k));
    SimulatedBackend be = new SimulatedBackend(SLOTS, 12, 1);
    double[] x = ShippedPolynomials.grid(lo, hi, SLOTS);
    SimulatedBackend.Value v = be.input(x);
    SimulatedBackend.Value r = InverseOps.goldschmidtInverse(be, v, lo, hi, k);
    assertEquals(InverseOps.goldschmidtDepth(k), be.level(v) - be.level(r));
    assertEquals(2, be.stats().liveValues(), "input and result only");
    assertEquals(2L * k, be.stats().total(OpKind.MUL).count());
    assertEquals(0L, be.stats().total(OpKind.DROP).count());
    double[] out = be.output(r);
    double q = (hi - lo) / (hi + lo);
    double bound = Math.pow(q, Math.pow(2, k + 1));
    double worst = 0;
    for (int i = 0; i < SLOTS; i++) {
      double ref = goldschmidtReference(x[i], lo, hi, k);
      assertEquals(ref, out[i], 1e-12 * Math.abs(ref), "Inv(" + x[i] + ")");
      worst = Math.max(worst, Math.abs(out[i] * x[i] - 1));
    }
    assertTrue(worst <= bound + 1e-13, "relative error " + worst + " > bound " + bound);
    assertTrue(worst > bound / 2, "the bound is attained at the domain ends: " + worst + " vs " + bound);
  }

  @Test
  void goldschmidtDepthHoldsForEveryIterationCount() {
    for (int k = 1; k <= 12; k++) {
      SimulatedBackend be = new SimulatedBackend(8, 16, 1);
      double[] x = {0.5, 1, 2, 3, 3.5};
      SimulatedBackend.Value v = be.input(x);
      SimulatedBackend.Value r = InverseOps.goldschmidtInverse(be, v, 0.5, 3.5, k);
      assertEquals(k + 2, be.level(v) - be.level(r), "k = " + k);
      double[] out = be.output(r);
      for (int i = 0; i < x.length; i++) {
        double ref = goldschmidtReference(x[i], 0.5, 3.5, k);
        assertEquals(ref, out[i], 1e-12 * Math.abs(ref));
      }
    }
  }

  @Test
  void newtonAfterTheShippedStartIsTheModelsLoop() {
    // LayerNorm: y0 = C(v) (5 levels below v), then 2 Newton steps: 2 levels each.
    ChebyshevSeries start = new ChebyshevSeries(
        ShippedPolynomials.INV_SQRT, ShippedPolynomials.INV_SQRT_LO, ShippedPolynomials.INV_SQRT_HI);
    int steps = ShippedPolynomials.NEWTON_STEPS;
    SimulatedBackend be = new SimulatedBackend(SLOTS, 12, 1);
    double[] x = ShippedPolynomials.grid(0.1, 10, SLOTS);
    SimulatedBackend.Value v = be.input(x);
    SimulatedBackend.Value y0 = start.evaluate(be, v);
    SimulatedBackend.Value y = InverseOps.newtonInverseSqrt(be, v, y0, steps);
    assertEquals(InverseOps.newtonDepth(steps), be.level(y0) - be.level(y));
    assertEquals(4, InverseOps.newtonDepth(steps));
    assertEquals(3, be.stats().liveValues(), "v, y0 and the result only");
    double[] out = be.output(y);
    double worst = 0;
    for (int i = 0; i < SLOTS; i++) {
      double ref = newtonReference(x[i], start.value(x[i]), steps);
      assertEquals(ref, out[i], 1e-12 * Math.abs(ref), "1/sqrt(" + x[i] + ")");
      worst = Math.max(worst, Math.abs(out[i] * Math.sqrt(x[i]) - 1));
    }
    // start error <= 0.032, two steps: d -> d^2 (3 + d) / 2 twice
    double d = 0.032;
    for (int s = 0; s < steps; s++) {
      d = d * d * (3 + d) / 2;
    }
    assertTrue(worst <= d, "relative error " + worst + " > " + d);
  }

  @Test
  void newtonLevelsWhenVIsNotAboveY() {
    SimulatedBackend be = new SimulatedBackend(8, 12, 1);
    double[] x = {0.5, 1, 2, 4};
    double[] y0 = {1.3, 1.1, 0.7, 0.45};
    SimulatedBackend.Value v = be.input(x);
    SimulatedBackend.Value y = be.input(y0);
    for (int steps = 0; steps <= 3; steps++) {
      SimulatedBackend.Value r = InverseOps.newtonInverseSqrt(be, v, y, steps);
      int expected = steps == 0 ? be.level(y) : Math.min(be.level(y), be.level(v) - 1) - InverseOps.newtonDepth(steps);
      assertEquals(expected, be.level(r), "steps " + steps);
      double[] out = be.output(r);
      for (int i = 0; i < x.length; i++) {
        double ref = steps == 0 ? y0[i] : newtonReference(x[i], y0[i], steps);
        assertEquals(ref, out[i], 1e-12);
      }
      be.release(r);
    }
    assertEquals(2, be.stats().liveValues());
  }

  @Test
  void shippedGoldschmidtAtN16384GeometryRefreshesOnce() {
    // top 8, floor 1: 7 levels between refreshes, the shipped 9 iterations need 11.
    double lo = ShippedPolynomials.INVERSE_LO;
    double hi = ShippedPolynomials.INVERSE_HI;
    int k = ShippedPolynomials.INVERSE_ITERATIONS;
    SimulatedBackend be = new SimulatedBackend(SLOTS, 8, 1);
    double[] x = ShippedPolynomials.grid(lo, hi, SLOTS);
    SimulatedBackend.Value v = be.input(x);
    SimulatedBackend.Value r = InverseOps.goldschmidtInverse(be, v, lo, hi, k);
    assertEquals(1L, be.stats().total(OpKind.REFRESH_ROUND).count());
    assertEquals(2L, be.stats().total(OpKind.REFRESH).count(), "a and b in one round");
    assertTrue(be.level(r) >= 1, "never below the floor: " + be.level(r));
    assertEquals(2, be.stats().liveValues(), "input and result only");
    double[] out = be.output(r);
    for (int i = 0; i < SLOTS; i++) {
      double ref = goldschmidtReference(x[i], lo, hi, k);
      assertEquals(ref, out[i], 1e-12 * Math.abs(ref));
    }
    // an input with no room for the start is refreshed first
    SimulatedBackend be2 = new SimulatedBackend(SLOTS, 8, 1);
    SimulatedBackend.Value low = be2.dropToLevel(be2.input(x), 2);
    SimulatedBackend.Value r2 = InverseOps.goldschmidtInverse(be2, low, lo, hi, 3);
    assertEquals(1L, be2.stats().total(OpKind.REFRESH_ROUND).count());
    assertEquals(8 - InverseOps.goldschmidtDepth(3), be2.level(r2));
  }

  @Test
  void goldschmidtWithCEqualToOneSavesALevel() {
    // the caller folded c = 2/130 into x: domain [1 - q, 1 + q], q = 128/130
    double q = 128.0 / 130.0;
    double lo = 1 - q;
    double hi = 1 + q;
    assertEquals(2.0 / (lo + hi), 1.0);
    for (int k = 1; k <= 9; k++) {
      assertEquals(k + 1, InverseOps.goldschmidtDepth(k, lo, hi));
      assertEquals(k + 2, InverseOps.goldschmidtDepth(k, 1, 129));
      SimulatedBackend be = new SimulatedBackend(SLOTS, 12, 1);
      double[] x = ShippedPolynomials.grid(lo, hi, SLOTS);
      SimulatedBackend.Value v = be.input(x);
      SimulatedBackend.Value r = InverseOps.goldschmidtInverse(be, v, lo, hi, k);
      assertEquals(k + 1, be.level(v) - be.level(r), "k = " + k);
      assertEquals(0L, be.stats().total(OpKind.MUL_PLAIN).count(), "no constant multiplication");
      double[] out = be.output(r);
      for (int i = 0; i < SLOTS; i++) {
        double ref = goldschmidtReference(x[i], lo, hi, k);
        assertEquals(ref, out[i], 1e-12 * Math.abs(ref));
      }
    }
  }

  @Test
  void newtonRefreshesWhenTheNextStepWouldCrossTheFloor() {
    ChebyshevSeries start = new ChebyshevSeries(
        ShippedPolynomials.INV_SQRT, ShippedPolynomials.INV_SQRT_LO, ShippedPolynomials.INV_SQRT_HI);
    SimulatedBackend be = new SimulatedBackend(SLOTS, 8, 1);
    double[] x = ShippedPolynomials.grid(0.1, 10, SLOTS);
    SimulatedBackend.Value v = be.input(x);
    SimulatedBackend.Value y0 = start.evaluate(be, v); // level 3
    SimulatedBackend.Value y = InverseOps.newtonInverseSqrt(be, v, y0, 2); // step 1 to level 1, refresh, step 2
    assertEquals(1L, be.stats().total(OpKind.REFRESH_ROUND).count());
    assertEquals(2L, be.stats().total(OpKind.REFRESH).count(), "y and h in one round");
    assertEquals(8 - 2, be.level(y));
    assertEquals(3, be.stats().liveValues());
    double[] out = be.output(y);
    for (int i = 0; i < SLOTS; i++) {
      double ref = newtonReference(x[i], start.value(x[i]), 2);
      assertEquals(ref, out[i], 1e-12 * Math.abs(ref));
    }
  }

  @Test
  void tooFewLevelsAndBadArgumentsAreRefused() {
    SimulatedBackend tiny = new SimulatedBackend(8, 2, 1);
    SimulatedBackend.Value t = tiny.input(new double[] {2});
    OutOfLevelsException e = assertThrows(OutOfLevelsException.class,
        () -> InverseOps.newtonInverseSqrt(tiny, t, t, 1));
    assertTrue(e.getMessage().contains("needs 3 levels between refreshes, the backend has 1"), e.getMessage());
    SimulatedBackend be = new SimulatedBackend(8, 10, 1);
    SimulatedBackend.Value v = be.input(new double[] {2});
    SimulatedBackend.Value below = be.dropToLevel(v, 0);
    e = assertThrows(OutOfLevelsException.class, () -> InverseOps.goldschmidtInverse(be, below, 1, 129, 3));
    assertTrue(e.getMessage().contains("level-0"), e.getMessage());
    IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
        () -> InverseOps.goldschmidtInverse(be, v, 0, 129, 3));
    assertTrue(a.getMessage().contains("[0.0, 129.0]"), a.getMessage());
    a = assertThrows(IllegalArgumentException.class, () -> InverseOps.goldschmidtInverse(be, v, 5, 2, 3));
    assertTrue(a.getMessage().contains("[5.0, 2.0]"), a.getMessage());
    a = assertThrows(IllegalArgumentException.class, () -> InverseOps.goldschmidtInverse(be, v, 1, 2, 0));
    assertTrue(a.getMessage().contains("got 0"), a.getMessage());
    a = assertThrows(IllegalArgumentException.class, () -> InverseOps.goldschmidtDepth(65));
    assertTrue(a.getMessage().contains("got 65"), a.getMessage());
    a = assertThrows(IllegalArgumentException.class, () -> InverseOps.newtonDepth(-1));
    assertTrue(a.getMessage().contains("got -1"), a.getMessage());
    assertEquals(2, be.stats().liveValues(), "nothing left allocated by refused calls");
  }
}
