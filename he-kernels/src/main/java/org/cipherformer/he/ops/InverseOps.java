package org.cipherformer.he.ops;

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
   * so the result is {@link #goldschmidtDepth goldschmidtDepth(k)} {@code = k + 2} levels below {@code x}, with
   * {@code 2k} non-scalar multiplications, 2 constant multiplications and no level drop. {@code k + 1} would need
   * {@code b_0} at depth 0, i.e. {@code c x} without a multiplication: possible only for an integer {@code c}; scaling
   * later instead leaves {@code b_i} unnormalized ({@code (x - 1/c)^(2^i)}, 64^512 on [1, 129]).
   *
   * @param be         backend
   * @param x          input (not released), at a level {@code >= k + 2}
   * @param lo         domain start, finite, {@code > 0}
   * @param hi         domain end, finite, {@code > lo}
   * @param iterations {@code k}, in {@code [1, MAX_ITERATIONS]}
   * @return {@code Inv(x)} at level {@code level(x) - goldschmidtDepth(k)}
   * @throws IllegalArgumentException on a bad domain or iteration count
   * @throws OutOfLevelsException     if {@code x} has too few levels
   */
  public static <V> V goldschmidtInverse(HeBackend<V> be, V x, double lo, double hi, int iterations) {
    Objects.requireNonNull(be, "be");
    Objects.requireNonNull(x, "x");
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo > 0) || !(hi > lo)) {
      throw new IllegalArgumentException("Goldschmidt domain must be finite with 0 < lo < hi, got [" + lo + ", "
          + hi + "]");
    }
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException(
          "iterations must be in [1, " + MAX_ITERATIONS + "], got " + iterations);
    }
    int need = goldschmidtDepth(iterations);
    if (be.level(x) < need) {
      throw new OutOfLevelsException("Goldschmidt with " + iterations + " iterations needs " + need
          + " levels, the input is at level " + be.level(x));
    }
    double c = 2 / (lo + hi);
    V b = addConstOwned(be, be.mulConst(x, -c), 1);
    V a = addConstOwned(be, be.mulConst(b, c), c);
    for (int i = 0; i < iterations; i++) {
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
   * Levels {@link #goldschmidtInverse} consumes: {@code iterations + 2}.
   *
   * @param iterations {@code k >= 1}
   * @throws IllegalArgumentException if {@code iterations} is out of range
   */
  public static int goldschmidtDepth(int iterations) {
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException(
          "iterations must be in [1, " + MAX_ITERATIONS + "], got " + iterations);
    }
    return iterations + 2;
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
   * {@code v}). In general the result is at level {@code min(level(y0), level(v) - 1) - newtonDepth(steps)}.
   * Level drops: {@code h} once per step (to the level of {@code y}) and {@code 1.5 y} once per step.
   *
   * @param be    backend
   * @param v     the argument (not released)
   * @param y0    the start (not released)
   * @param steps number of steps, in {@code [0, MAX_NEWTON_STEPS]}; 0 returns a copy of {@code y0}
   * @return the refined {@code 1/sqrt(v)}
   * @throws IllegalArgumentException if {@code steps} is out of range
   * @throws OutOfLevelsException     if the inputs have too few levels
   */
  public static <V> V newtonInverseSqrt(HeBackend<V> be, V v, V y0, int steps) {
    Objects.requireNonNull(be, "be");
    Objects.requireNonNull(v, "v");
    Objects.requireNonNull(y0, "y0");
    int depth = newtonDepth(steps);
    if (steps == 0) {
      return be.copy(y0);
    }
    int out = Math.min(be.level(y0), be.level(v) - 1) - depth;
    if (out < 0) {
      throw new OutOfLevelsException("Newton with " + steps + " steps needs " + depth + " levels below "
          + "min(level(y0), level(v) - 1), the inputs are at levels " + be.level(y0) + " and " + be.level(v));
    }
    // h = -v/2 exactly at the level of y0 when v has room: then (h y) needs no drop in the first step.
    V vAtY = be.level(v) > be.level(y0) + 1 ? be.dropToLevel(v, be.level(y0) + 1) : v;
    V h = be.mulConst(vAtY, -0.5);
    if (vAtY != v) {
      be.release(vAtY);
    }
    V y = y0;
    for (int s = 0; s < steps; s++) {
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
