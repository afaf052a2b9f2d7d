package org.cipherformer.he.ops;

import java.util.List;
import java.util.Objects;

/**
 * Inverses by multiplications only: Goldschmidt's {@code 1/x} on a bounded domain and Newton steps for
 * {@code 1/sqrt(v)}, generic over {@link HeBackend}. Inputs are never released; every intermediate is.
 */
public final class InverseOps {
  /** Upper bound on Goldschmidt iterations (the model format's limit). */
  public static final int MAX_ITERATIONS = 64;

  /** Upper bound on Newton steps (each doubles the correct bits; more is never sensible). */
  public static final int MAX_NEWTON_STEPS = 64;

  private InverseOps() {}

  /**
   * Goldschmidt's inverse on {@code [lo, hi]} with {@code k} iterations, exactly the recurrence of the model's
   * {@code GoldschmidtInverse}:
   * <pre>
   *   c = 2 / (lo + hi);  x' = c x;  a = 2 - x';  b = 1 - x';
   *   repeat k times { b = b^2;  a = a (1 + b) }
   *   Inv(x) = c a  = (1 - (1 - c x)^(2^(k+1))) / x.
   * </pre>
   * Relative error {@code |1 - c x|^(2^(k+1))}, at most {@code ((hi - lo) / (hi + lo))^(2^(k+1))} on the domain;
   * it diverges outside {@code (0, lo + hi)}.
   *
   * <p>Evaluation, with the final {@code c} folded into the start ({@code c a_0 = c (1 + b_0)}):
   * <pre>
   *   b_0   = -c x + 1          (depth 1: one constant multiplication)
   *   c a_0 = c b_0 + c         (depth 2: a constant multiplication instead of a level drop)
   *   b_i   = b_{i-1}^2         (depth i + 1)
   *   c a_i = c a_{i-1} (1 + b_i)  (depth i + 2)
   * </pre>
   * so the result is {@link #goldschmidtDepth(int) goldschmidtDepth(k)} {@code = k + 2} levels below {@code x},
   * with {@code 2k} non-scalar multiplications, 2 constant multiplications and no level drop. If {@code c == 1}
   * exactly (the caller folded {@code c} into the operation that made {@code x}: domain {@code lo + hi == 2}),
   * {@code b_0 = 1 - x} and {@code a_0 = 2 - x} cost nothing and the depth is {@code k + 1}
   * ({@link #goldschmidtDepth(int, double, double)}; one level drop). Both are optimal: {@code a_k} has degree
   * {@code 2^(k+1) - 1} in {@code b_0}, and {@code b_0} needs a level unless {@code c} is 1 (scaling later
   * instead leaves {@code b_i} unnormalized, {@code (x - 1/c)^(2^i)}: 64^512 on [1, 129]).
   *
   * <p><b>Refresh.</b> No value goes below {@link HeBackend#refreshFloor()}: when the next iteration would take
   * {@code a} or {@code b} below it, both are refreshed in one {@link HeBackend#refresh} round (and {@code x} is
   * refreshed first if it has no room for the start). Without refresh the result is at
   * {@code level(x) - goldschmidtDepth(k, lo, hi)}; the shipped 9 iterations (11 levels) at N = 16384 (7 levels
   * between refreshes) take one round.
   *
   * @param be         backend
   * @param x          input (not released), at a level {@code >= refreshFloor()}
   * @param lo         domain start, finite, {@code > 0}
   * @param hi         domain end, finite, {@code > lo}
   * @param iterations {@code k}, in {@code [1, MAX_ITERATIONS]}
   * @return {@code Inv(x)}
   * @throws IllegalArgumentException on a bad domain or iteration count
   * @throws OutOfLevelsException     if {@code x} is below the refresh floor, or the backend has fewer than 2
   *                                  levels between refreshes
   */
  public static <V> V goldschmidtInverse(HeBackend<V> be, V x, double lo, double hi, int iterations) {
    Objects.requireNonNull(be, "be");
    Objects.requireNonNull(x, "x");
    checkDomain(lo, hi);
    checkIterations(iterations);
    double c = 2 / (lo + hi);
    boolean unit = c == 1.0;
    requireRoom(be, 2, "a Goldschmidt iteration");
    V b;
    V a;
    if (unit) {
      V negated = be.negate(x);
      b = addConstOwned(be, negated, 1);
      a = be.addConst(b, 1);
    } else {
      V start = be.level(x) - 2 < be.refreshFloor() ? be.refresh(List.of(x)).get(0) : x;
      b = addConstOwned(be, be.mulConst(start, -c), 1);
      a = addConstOwned(be, be.mulConst(b, c), c);
      if (start != x) {
        be.release(start);
      }
    }
    for (int i = 0; i < iterations; i++) {
      // this iteration leaves a at min(level(a), level(b) - 1) - 1
      if (Math.min(be.level(a), be.level(b) - 1) - 1 < be.refreshFloor()) {
        List<V> fresh = be.refresh(List.of(a, b));
        be.release(a);
        be.release(b);
        a = fresh.get(0);
        b = fresh.get(1);
      }
      V b2 = be.square(b);
      be.release(b);
      b = b2;
      V onePlusB = be.addConst(b, 1);
      V a2 = be.mul(a, onePlusB);
      be.release(onePlusB);
      be.release(a);
      a = a2;
    }
    be.release(b);
    return a;
  }

  /**
   * Levels {@link #goldschmidtInverse} consumes without refresh for a general domain: {@code iterations + 2}.
   *
   * @param iterations {@code k >= 1}
   * @throws IllegalArgumentException if {@code iterations} is out of range
   */
  public static int goldschmidtDepth(int iterations) {
    checkIterations(iterations);
    return iterations + 2;
  }

  /**
   * Levels {@link #goldschmidtInverse} consumes without refresh on {@code [lo, hi]}: {@code iterations + 1} if
   * {@code 2 / (lo + hi) == 1} exactly, else {@code iterations + 2}.
   *
   * @throws IllegalArgumentException on a bad domain or iteration count
   */
  public static int goldschmidtDepth(int iterations, double lo, double hi) {
    checkDomain(lo, hi);
    checkIterations(iterations);
    return iterations + (2 / (lo + hi) == 1.0 ? 1 : 2);
  }

  /**
   * Newton steps for {@code 1/sqrt(v)} from a start {@code y0}, exactly the model's {@code PolyLayerNorm}:
   * {@code y <- y (3 - v y^2) / 2}, {@code steps} times. If {@code y = (1 + d) / sqrt(v)} the step gives relative
   * error {@code -d^2 (3 + d) / 2}: quadratic convergence for {@code |d| < 1}.
   *
   * <p>Evaluation: {@code h = -v/2} once, then per step
   * <pre>  y' = 1.5 y + (h y) y^2  </pre>
   * with {@code h y} and {@code y^2} side by side: 2 levels per step (3 non-scalar and 1 constant multiplication)
   * when {@code v} is at least one level above {@code y} (as in LayerNorm, where {@code y0} is a polynomial of
   * {@code v}). In general, without refresh, the result is at level
   * {@code min(level(y0), level(v) - 1) - newtonDepth(steps)}. Level drops: {@code h} once per step (to the level
   * of {@code y}) and {@code 1.5 y} once per step.
   *
   * <p><b>Refresh.</b> No value goes below {@link HeBackend#refreshFloor()}: when the next step would, {@code y} and
   * {@code h} are refreshed in one round (at the start: {@code y0} and {@code v}).
   *
   * @param be    backend
   * @param v     the argument (not released)
   * @param y0    the start (not released)
   * @param steps number of steps, in {@code [0, MAX_NEWTON_STEPS]}; 0 returns a copy of {@code y0}
   * @return the refined {@code 1/sqrt(v)}
   * @throws IllegalArgumentException if {@code steps} is out of range
   * @throws OutOfLevelsException     if an input is below the refresh floor when a refresh is needed, or the backend
   *                                  has fewer than 3 levels between refreshes
   */
  public static <V> V newtonInverseSqrt(HeBackend<V> be, V v, V y0, int steps) {
    Objects.requireNonNull(be, "be");
    Objects.requireNonNull(v, "v");
    Objects.requireNonNull(y0, "y0");
    newtonDepth(steps);
    if (steps == 0) {
      return be.copy(y0);
    }
    requireRoom(be, 3, "a Newton step");
    V vv = v;
    V y = y0;
    if (Math.min(be.level(y0), be.level(v) - 1) - 2 < be.refreshFloor()) {
      List<V> fresh = be.refresh(List.of(v, y0));
      vv = fresh.get(0);
      y = fresh.get(1);
    }
    // h = -v/2 exactly at the level of y when v has room: then (h y) needs no drop in the first step.
    V vAtY = be.level(vv) > be.level(y) + 1 ? be.dropToLevel(vv, be.level(y) + 1) : vv;
    V h = be.mulConst(vAtY, -0.5);
    if (vAtY != vv) {
      be.release(vAtY);
    }
    if (vv != v) {
      be.release(vv);
    }
    for (int s = 0; s < steps; s++) {
      if (Math.min(be.level(y), be.level(h)) - 2 < be.refreshFloor()) {
        List<V> fresh = be.refresh(List.of(y, h));
        if (y != y0) {
          be.release(y);
        }
        be.release(h);
        y = fresh.get(0);
        h = fresh.get(1);
      }
      V hy = mulAligned(be, h, y);
      V y2 = be.square(y);
      V cubic = be.mul(hy, y2);
      be.release(hy);
      be.release(y2);
      V yDropped = be.level(y) - 1 > be.level(cubic) ? be.dropToLevel(y, be.level(cubic) + 1) : y;
      V linear = be.mulConst(yDropped, 1.5);
      if (yDropped != y) {
        be.release(yDropped);
      }
      V next = be.add(linear, cubic);
      be.release(linear);
      be.release(cubic);
      if (y != y0) {
        be.release(y);
      }
      y = next;
    }
    be.release(h);
    return y;
  }

  /**
   * Levels {@link #newtonInverseSqrt} consumes below {@code min(level(y0), level(v) - 1)}: {@code 2 steps}.
   *
   * @param steps {@code >= 0}
   * @throws IllegalArgumentException if {@code steps} is out of range
   */
  public static int newtonDepth(int steps) {
    if (steps < 0 || steps > MAX_NEWTON_STEPS) {
      throw new IllegalArgumentException("steps must be in [0, " + MAX_NEWTON_STEPS + "], got " + steps);
    }
    return 2 * steps;
  }

  private static void checkDomain(double lo, double hi) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo > 0) || !(hi > lo)) {
      throw new IllegalArgumentException("Goldschmidt domain must be finite with 0 < lo < hi, got [" + lo + ", "
          + hi + "]");
    }
  }

  private static void checkIterations(int iterations) {
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException(
          "iterations must be in [1, " + MAX_ITERATIONS + "], got " + iterations);
    }
  }

  /** Refuses a backend whose refreshed values cannot take {@code levels} levels above the refresh floor. */
  private static void requireRoom(HeBackend<?> be, int levels, String what) {
    if (be.topLevel() - be.refreshFloor() < levels) {
      throw new OutOfLevelsException(what + " needs " + levels + " levels between refreshes, the backend has "
          + (be.topLevel() - be.refreshFloor()) + " (top level " + be.topLevel() + ", refresh floor "
          + be.refreshFloor() + ")");
    }
  }

  /** {@code a + c}, releasing {@code a}. */
  private static <V> V addConstOwned(HeBackend<V> be, V a, double c) {
    V r = be.addConst(a, c);
    be.release(a);
    return r;
  }

  /** {@code h * y} with {@code h} (the higher one, in practice) dropped to the level of {@code y} first. */
  private static <V> V mulAligned(HeBackend<V> be, V h, V y) {
    if (be.level(h) > be.level(y)) {
      V hd = be.dropToLevel(h, be.level(y));
      V r = be.mul(hd, y);
      be.release(hd);
      return r;
    }
    return be.mul(h, y);
  }
}
