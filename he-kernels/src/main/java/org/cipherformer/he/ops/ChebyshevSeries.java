package org.cipherformer.he.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A polynomial in the Chebyshev basis on a domain {@code [lo, hi]},
 * <pre>
 *   p(x) = sum_{k=0}^{d} c_k T_k(u),   u = a x + b,   a = 2 / (hi - lo),   b = -(lo + hi) / (hi - lo),
 * </pre>
 * evaluated homomorphically at optimal depth by baby-step/giant-step Paterson–Stockmeyer in the Chebyshev basis, and
 * in plaintext by Clenshaw's recurrence ({@link #value}).
 *
 * <p><b>Depth.</b> With {@code D = ceil(log2(e + 1))}, where {@code e} is the degree of the evaluated series (the
 * highest index whose coefficient is not negligible, see below):
 * <ul>
 *   <li>{@link #evaluateUnit} takes {@code u} itself (the caller folded the affine map into the operation that made
 *       its input, e.g. the weights and bias of the preceding linear layer) and consumes exactly {@code D} levels, the
 *       optimum ({@link #unitDepth()});
 *   <li>{@link #evaluate} takes {@code x} and consumes {@code D + 1} levels when {@code a} is not an integer (one
 *       constant multiplication makes {@code u}), {@code D} when it is (then {@code a x} is a few additions).
 *       {@link #depth()} states which.
 * </ul>
 * The extra level of {@link #evaluate} is the price of precision, not of the algorithm. A value of degree
 * {@code 2^j} in {@code x} made at depth {@code j} is a product of two depth-{@code (j-1)} values of degree
 * {@code 2^(j-1)}, down to products of depth-0 values; depth-0 values are {@code n x + s} with {@code n} an integer
 * (only additions are free), so its leading coefficient is an integer. The giant step {@code T_g(a x + b)} has
 * leading coefficient {@code 2^(g-1) a^g}; at depth {@code log2 g} it can therefore only be made as the unnormalized
 * multiple {@code T_g / (2^(g-1) a^g)}, of magnitude up to {@code 1 / (2^(g-1) a^g)} (2^17 for {@code g = 8} on
 * [-8, 8]), and the value it multiplies must carry the inverse factor. CKKS noise is absolute (fixed point at scale
 * about 2^40), so that factor multiplies the noise of the small partner, and the tiny constants it needs cannot even be
 * encoded (a constant below 2^-41 encodes to 0). Normalizing {@code u} first keeps every intermediate
 * {@code T_k(u)} in [-1, 1] on the domain. Measured on CKKS n16384 ({@code UnnormalizedOptimalDepthTest}): the
 * unnormalized evaluation at depth 4 has max error 0.88 for the shipped GELU on [-8, 8] and 0.027 for the shipped
 * 1/sqrt on [0.1, 10]; this class's {@link #evaluate} at depth 5 has 4e-7.
 *
 * <p><b>Algorithm</b> (on {@code u}). Baby steps {@code T_1..T_{m-1}} ({@code m} a power of two) and giant steps
 * {@code T_m, T_2m, T_4m, ...} are made with integer constants only, which are free (a doubling is an addition):
 * {@code T_2k = 2 T_k^2 - 1}, {@code T_2k+1 = 2 T_k+1 T_k - T_1}; {@code T_k} is at depth {@code ceil(log2 k)}.
 * A series {@code q} of degree {@code n} needed at depth {@code t} is evaluated as
 * <ul>
 *   <li>a <i>leaf</i> {@code sum c_i T_i} (one constant multiplication per term, one rescaling for the leaf:
 *       {@link HeBackend#mulConstSum}) if {@code n < m} and
 *       {@code n <= 2^(t-1)}, so that every {@code T_i} leaves room for its constant;
 *   <li>otherwise divided by {@code T_g}, {@code g = 2^floor(log2 n)}: {@code q = A + T_g B} with
 *       {@code T_g T_j = (T_g+j + T_|g-j|) / 2}, i.e. {@code c_k T_k = 2 c_k T_g T_k-g - c_k T_2g-k} for
 *       {@code g < k <= n}; {@code B} (degree {@code n - g < 2^(t-1)}) is evaluated at depth {@code t - 1},
 *       {@code A} at depth {@code t}.
 * </ul>
 * This is Paterson–Stockmeyer's recursive division by the giant steps, except that the top block (the one multiplied
 * by every giant step, which has no depth to spare) keeps being divided by {@code T_m/2, T_m/4, ...} instead of
 * becoming a leaf: a leaf's constant multiplications would cost one level more there. That costs {@code log2(m) - 1}
 * extra products. Non-scalar products: {@code (m - 2)} baby + {@code (D - log2 m)} giant + one per division;
 * {@code m} is chosen to minimize them (a dry run on {@link SimulatedBackend}); see {@link #multiplications()}. For
 * degree 15 that is 8 with {@code m = 4}, for 31 it is 13, for 63 it is 18 (about {@code sqrt(2d) + O(log d)}).
 *
 * <p><b>Levels.</b> Every subexpression is computed at its natural level; baby and giant steps needed at a lower
 * level are brought down once and reused ({@link HeBackend#dropToLevel}). The result is exactly
 * {@link #depth()} levels below the input.
 *
 * <p><b>Negligible terms.</b> Terms with {@code |c_k| <= 2^-50 sum |c_j|} (below the rounding of the plaintext sum)
 * are skipped, which changes the result on the domain by at most the sum of the skipped {@code |c_k|}. This removes
 * the noise-level odd coefficients of an even fit (the shipped GELU has {@code |c_odd| ~ 1e-16}), which would
 * otherwise cost multiplications and encode to zero constants (a transparent ciphertext on CKKS).
 *
 * <p>Immutable and thread-safe; {@link #evaluate} allocates its intermediates on the backend and releases all of them.
 */
public final class ChebyshevSeries {
  /** Largest number of coefficients accepted (the model format's limit). */
  public static final int MAX_COEFFICIENTS = 1 << 12;

  /** Largest integer {@code a} applied by additions in {@link #evaluate} (at most 2 log2(a) additions). */
  private static final double MAX_FREE_SCALE = 1 << 20;

  private final double[] coefficients;
  private final double lo;
  private final double hi;
  private final double scale;
  private final double shift;
  private final double negligible;
  private final int evaluatedDegree;
  private final int unitDepth;
  private final boolean mapIsFree;
  private final Plan plan;

  /** Result of the dry run that chooses the number of baby steps. */
  private record Plan(int babySteps, long multiplications, long scalarMultiplications, long drops) {}

  /**
   * @param coefficients {@code c_0..c_d}, {@code 2 <= length <= MAX_COEFFICIENTS}, finite (copied)
   * @param lo           domain start, finite
   * @param hi           domain end, finite, {@code > lo}
   * @throws NullPointerException     if {@code coefficients} is null
   * @throws IllegalArgumentException on a bad domain, a bad length, a non-finite coefficient, or a series whose
   *                                  non-constant coefficients are all negligible (a constant needs no evaluation)
   */
  public ChebyshevSeries(double[] coefficients, double lo, double hi) {
    Objects.requireNonNull(coefficients, "coefficients");
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi)) {
      throw new IllegalArgumentException("domain must be finite with lo < hi, got [" + lo + ", " + hi + "]");
    }
    if (coefficients.length < 2 || coefficients.length > MAX_COEFFICIENTS) {
      throw new IllegalArgumentException(
          "need 2.." + MAX_COEFFICIENTS + " coefficients, got " + coefficients.length);
    }
    double sum = 0;
    for (int k = 0; k < coefficients.length; k++) {
      if (!Double.isFinite(coefficients[k])) {
        throw new IllegalArgumentException("coefficient c_" + k + " is " + coefficients[k]);
      }
      sum += Math.abs(coefficients[k]);
    }
    this.coefficients = coefficients.clone();
    this.lo = lo;
    this.hi = hi;
    this.scale = 2 / (hi - lo);
    this.shift = -(lo + hi) / (hi - lo);
    if (!Double.isFinite(scale) || !Double.isFinite(shift)) {
      throw new IllegalArgumentException("domain [" + lo + ", " + hi + "] is too narrow or too wide to map");
    }
    this.negligible = Math.scalb(sum, -50);
    int e = 0;
    for (int k = coefficients.length - 1; k >= 1; k--) {
      if (Math.abs(coefficients[k]) > negligible) {
        e = k;
        break;
      }
    }
    if (e == 0) {
      throw new IllegalArgumentException(
          "all non-constant coefficients are negligible (a constant " + coefficients[0] + " needs no evaluation)");
    }
    this.evaluatedDegree = e;
    this.unitDepth = ceilLog2(e + 1);
    this.mapIsFree = scale == Math.rint(scale) && scale >= 1 && scale <= MAX_FREE_SCALE;
    this.plan = choosePlan();
  }

  /** The degree {@code d} as given ({@code coefficients.length - 1}). */
  public int degree() {
    return coefficients.length - 1;
  }

  /** The degree actually evaluated: the highest index whose coefficient is not negligible. */
  public int evaluatedDegree() {
    return evaluatedDegree;
  }

  /** Levels {@link #evaluate} consumes: {@code unitDepth() + 1}, or {@code unitDepth()} if {@code a} is an integer. */
  public int depth() {
    return unitDepth + (mapIsFree ? 0 : 1);
  }

  /** Levels {@link #evaluateUnit} consumes: {@code ceil(log2(evaluatedDegree() + 1))}. */
  public int unitDepth() {
    return unitDepth;
  }

  /** {@code a = 2 / (hi - lo)}: the factor of the map to {@code u} (to fold into the operation making the input). */
  public double unitScale() {
    return scale;
  }

  /** {@code b = -(lo + hi) / (hi - lo)}: the offset of the map to {@code u}. */
  public double unitShift() {
    return shift;
  }

  /** Domain start. */
  public double lo() {
    return lo;
  }

  /** Domain end. */
  public double hi() {
    return hi;
  }

  /** A copy of the coefficients {@code c_0..c_d}. */
  public double[] coefficients() {
    return coefficients.clone();
  }

  /** Number of baby steps {@code m} (a power of two) the evaluation uses: {@code T_0..T_{m-1}}. */
  public int babySteps() {
    return plan.babySteps;
  }

  /** Non-scalar (ciphertext-ciphertext) multiplications one evaluation performs. */
  public long multiplications() {
    return plan.multiplications;
  }

  /** Multiplications by constants one {@link #evaluateUnit} performs. */
  public long scalarMultiplications() {
    return plan.scalarMultiplications;
  }

  /** Level drops one {@link #evaluateUnit} performs. */
  public long drops() {
    return plan.drops;
  }

  /**
   * {@code p(x)} in double precision by Clenshaw's recurrence {@code b_k = c_k + 2 u b_k+1 - b_k+2},
   * {@code p = c_0 + u b_1 - b_2}, with all coefficients (none skipped). Any real {@code x}; no clamping.
   */
  public double value(double x) {
    double u = (2 * x - lo - hi) / (hi - lo);
    double b1 = 0;
    double b2 = 0;
    for (int k = coefficients.length - 1; k >= 1; k--) {
      double b0 = coefficients[k] + 2 * u * b1 - b2;
      b2 = b1;
      b1 = b0;
    }
    return coefficients[0] + u * b1 - b2;
  }

  /**
   * {@code p(x)} slot-wise. The input is not released. If {@code x} has fewer than {@link #depth()} levels above the
   * backend's refresh floor, a refreshed copy is used (one {@link HeBackend#refresh} round), so no value goes below
   * the floor.
   *
   * @param be backend
   * @param x  input
   * @return {@code p(x)} at level {@code level(x) - depth()}, or {@code topLevel() - depth()} after a refresh
   * @throws OutOfLevelsException if the backend has fewer than {@link #depth()} levels between refreshes, or a needed
   *                              refresh is impossible ({@code x} below the floor)
   */
  public <V> V evaluate(HeBackend<V> be, V x) {
    V in = withRoom(be, x, depth());
    V u = toUnit(be, in);
    try {
      return new Evaluation<>(be, u, plan.babySteps).run();
    } finally {
      if (u != in) {
        be.release(u);
      }
      if (in != x) {
        be.release(in);
      }
    }
  }

  /**
   * {@code sum c_k T_k(u)} slot-wise, for an input already mapped to {@code u = a x + b}. The input is not released;
   * refreshed first like in {@link #evaluate} if it has fewer than {@link #unitDepth()} levels above the floor.
   *
   * @param be backend
   * @param u  input
   * @return the series at {@code u}, at level {@code level(u) - unitDepth()} (or {@code topLevel() - unitDepth()})
   * @throws OutOfLevelsException if the backend has fewer than {@link #unitDepth()} levels between refreshes, or a
   *                              needed refresh is impossible
   */
  public <V> V evaluateUnit(HeBackend<V> be, V u) {
    V in = withRoom(be, u, unitDepth);
    try {
      return new Evaluation<>(be, in, plan.babySteps).run();
    } finally {
      if (in != u) {
        be.release(in);
      }
    }
  }

  @Override
  public String toString() {
    return "ChebyshevSeries(degree " + degree() + " on [" + lo + ", " + hi + "], depth " + depth() + ", "
        + plan.multiplications + " multiplications, " + Arrays.toString(coefficients) + ")";
  }

  /** {@code x}, or a refreshed copy if it has fewer than {@code need} levels above the refresh floor. */
  private static <V> V withRoom(HeBackend<V> be, V x, int need) {
    int room = be.topLevel() - be.refreshFloor();
    if (room < need) {
      throw new OutOfLevelsException("the Chebyshev series needs " + need + " levels, the backend has " + room
          + " between refreshes (top level " + be.topLevel() + ", refresh floor " + be.refreshFloor() + ")");
    }
    if (be.level(x) - need >= be.refreshFloor()) {
      return x;
    }
    return be.refresh(java.util.List.of(x)).get(0);
  }

  /** {@code u = a x + b}; {@code x} itself when the map is the identity. */
  private <V> V toUnit(HeBackend<V> be, V x) {
    V ax;
    if (!mapIsFree) {
      ax = be.mulConst(x, scale);
    } else if (scale == 1) {
      ax = x;
    } else {
      ax = timesInteger(be, x, (long) scale);
    }
    if (shift == 0) {
      return ax;
    }
    V u = be.addConst(ax, shift);
    if (ax != x) {
      be.release(ax);
    }
    return u;
  }

  /** {@code n x} by doubling and adding (no level), {@code n >= 2}. */
  private static <V> V timesInteger(HeBackend<V> be, V x, long n) {
    V acc = null;
    V power = x;
    for (long k = n; k > 0; k >>= 1) {
      if ((k & 1) != 0) {
        V next = acc == null ? be.copy(power) : be.add(acc, power);
        if (acc != null) {
          be.release(acc);
        }
        acc = next;
      }
      if (k > 1) {
        V doubled = be.add(power, power);
        if (power != x) {
          be.release(power);
        }
        power = doubled;
      }
    }
    if (power != x) {
      be.release(power);
    }
    return acc;
  }

  /** Runs {@link #evaluateUnit} on a one-slot simulation for each baby-step count and keeps the cheapest. */
  private Plan choosePlan() {
    Plan best = null;
    for (int logM = 1; logM <= Math.max(1, unitDepth); logM++) {
      int m = 1 << logM;
      SimulatedBackend sim = new SimulatedBackend(1, unitDepth, 0);
      SimulatedBackend.Value u = sim.input(new double[] {0.5});
      SimulatedBackend.Value r = new Evaluation<>(sim, u, m).run();
      if (sim.level(r) != 0) {
        throw new IllegalStateException("plan with " + m + " baby steps ended at level " + sim.level(r));
      }
      OpStats s = sim.stats();
      Plan p = new Plan(m, s.total(OpKind.MUL).count(), s.total(OpKind.MUL_PLAIN).count(),
          s.total(OpKind.DROP).count());
      if (best == null || p.multiplications < best.multiplications
          || (p.multiplications == best.multiplications && p.drops + p.scalarMultiplications
              < best.drops + best.scalarMultiplications)) {
        best = p;
      }
    }
    return best;
  }

  /**
   * A partial result: a value (constant term included) or, if {@code value} is null, just a constant.
   */
  private record Block<V>(V value, double constant) {
    static <V> Block<V> constant(double c) {
      return new Block<>(null, c);
    }

    /** {@code v + c}, taking ownership of {@code v} (null: just {@code c}). */
    static <V> Block<V> of(HeBackend<V> be, V v, double c) {
      if (v == null || c == 0) {
        return new Block<>(v, v == null ? c : 0);
      }
      V r = be.addConst(v, c);
      be.release(v);
      return new Block<>(r, 0);
    }

    /** {@code this + p}, taking ownership of both ({@code p} may be null); the deeper level wins. */
    Block<V> plus(HeBackend<V> be, V p) {
      if (p == null) {
        return this;
      }
      if (value == null) {
        return of(be, p, constant);
      }
      V a = value;
      V b = p;
      int la = be.level(a);
      int lb = be.level(b);
      if (la > lb) {
        a = be.dropToLevel(value, lb);
        be.release(value);
      } else if (lb > la) {
        b = be.dropToLevel(p, la);
        be.release(p);
      }
      V sum = be.add(a, b);
      be.release(a);
      be.release(b);
      return new Block<>(sum, 0);
    }
  }

  private static int ceilLog2(int n) {
    return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
  }

  /** One evaluation of the series on {@code u}: the baby/giant steps it made and the recursion over blocks. */
  private final class Evaluation<V> {
    private final HeBackend<V> be;
    private final int m;
    private final int inputLevel;
    private final ChebyshevBasis<V> basis;

    Evaluation(HeBackend<V> be, V u, int babySteps) {
      this.be = be;
      this.m = babySteps;
      this.inputLevel = be.level(u);
      this.basis = new ChebyshevBasis<>(be, u);
    }

    V run() {
      try {
        double[] c = Arrays.copyOf(coefficients, evaluatedDegree + 1);
        V r = block(c, unitDepth, inputLevel - unitDepth).value();
        if (r == null) {
          throw new IllegalStateException("series evaluated to a constant");
        }
        int target = inputLevel - unitDepth;
        int level = be.level(r);
        if (level < target) {
          be.release(r);
          throw new IllegalStateException("series used " + (inputLevel - level) + " levels, planned " + unitDepth);
        }
        if (level > target) {
          V dropped = be.dropToLevel(r, target);
          be.release(r);
          return dropped;
        }
        return r;
      } finally {
        basis.release();
      }
    }

    /**
     * Evaluates {@code sum q_k T_k} within {@code budget} levels; {@code hint} is the level the caller will bring
     * the result to (a leaf is made there directly when that needs no more drops).
     */
    private Block<V> block(double[] q, int budget, int hint) {
      int n = topIndex(q);
      if (n == 0) {
        return Block.constant(q[0]);
      }
      if (n < m && n <= (1 << (budget - 1))) {
        return leaf(q, n, hint);
      }
      int g = Integer.highestOneBit(n);
      double[] a = new double[g];
      double[] b = new double[n - g + 1];
      System.arraycopy(q, 0, a, 0, g);
      b[0] = q[g];
      for (int k = g + 1; k <= n; k++) {
        b[k - g] += 2 * q[k];
        a[2 * g - k] -= q[k];
      }
      // B first: it is the deeper operand, and its drops of baby steps are then shared with A's.
      Block<V> high = block(b, budget - 1, Integer.MIN_VALUE);
      V product = multiplyByStep(g, high);
      Block<V> low = block(a, budget, product == null ? hint : be.level(product));
      return low.plus(be, product);
    }

    /** {@code T_g * B}, or null if B is zero. */
    private V multiplyByStep(int g, Block<V> high) {
      if (high.value() == null) {
        if (Math.abs(high.constant()) <= negligible) {
          return null;
        }
        return be.mulConst(basis.at(g, basis.naturalLevel(g)), high.constant());
      }
      V hv = high.value();
      int level = Math.min(basis.naturalLevel(g), be.level(hv));
      V aligned = be.level(hv) > level ? be.dropToLevel(hv, level) : hv;
      V product = be.mul(basis.at(g, level), aligned);
      if (aligned != hv) {
        be.release(aligned);
      }
      be.release(hv);
      return product;
    }

    /**
     * {@code sum_{i<=n} q_i T_i}, every term at one level: the level below its deepest baby step, or {@code hint} if
     * that is deeper and needs no more drops (counting the drop of the result the caller would do otherwise).
     */
    private Block<V> leaf(double[] q, int n, int hint) {
      int level = Integer.MAX_VALUE;
      for (int i = 1; i <= n; i++) {
        if (Math.abs(q[i]) > negligible) {
          level = Math.min(level, basis.naturalLevel(i) - 1);
        }
      }
      if (hint >= 0 && hint < level && missing(q, n, hint + 1) <= missing(q, n, level + 1) + 1) {
        level = hint;
      }
      // One fused sum: all terms share one rescaling (the baby steps are kept by the basis, not released here).
      List<V> steps = new ArrayList<>();
      double[] consts = new double[n];
      for (int i = 1; i <= n; i++) {
        if (Math.abs(q[i]) > negligible) {
          consts[steps.size()] = q[i];
          steps.add(basis.at(i, level + 1));
        }
      }
      V acc = steps.isEmpty() ? null : be.mulConstSum(steps, Arrays.copyOf(consts, steps.size()));
      return Block.of(be, acc, q[0]);
    }

    /** Number of terms of the leaf whose baby step is not yet kept at {@code level}. */
    private int missing(double[] q, int n, int level) {
      int count = 0;
      for (int i = 1; i <= n; i++) {
        if (Math.abs(q[i]) > negligible && !basis.has(i, level)) {
          count++;
        }
      }
      return count;
    }

    private int topIndex(double[] q) {
      for (int k = q.length - 1; k >= 1; k--) {
        if (Math.abs(q[k]) > negligible) {
          return k;
        }
      }
      return 0;
    }
  }
}
