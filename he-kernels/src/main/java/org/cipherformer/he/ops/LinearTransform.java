package org.cipherformer.he.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A linear map on the slots of a value, given by its nonzero generalized diagonals:
 *
 * <pre>
 *   out[i] = sum_k diag_k[i] * in[(i + k) mod n]        (n = slot count, offsets k in (-n, n))
 * </pre>
 *
 * evaluated homomorphically by the diagonal method (Halevi-Shoup) with baby-step/giant-step rotations in one level.
 *
 * <p><b>Baby-step/giant-step.</b> With {@code n1} baby steps every offset is written {@code k = g*n1 + b},
 * {@code 0 <= b < n1} (floor division, so a negative offset has a negative giant index {@code g}). Since
 * {@code rot(a, s)[i] = a[i + s]},
 *
 * <pre>
 *   out = sum_g rot( sum_b rot(diag_{g n1 + b}, -g n1) * rot(x, b),  g n1 )
 * </pre>
 *
 * The baby rotations {@code rot(x, b)} are computed once, hoisted ({@link HeBackend#rotateHoisted}: one key-switching
 * decomposition shared by all of them); the plain diagonals are pre-rotated by {@code -g n1} when the transform is
 * built, so that each giant group needs one rotation of a ciphertext, at the end. Rotations:
 * {@code |{b > 0 used}| + |{g != 0 used}|}; plain multiplications: one per nonzero diagonal, all at the input's level
 * (the result is one level lower); rescalings: one per nonempty giant group (each group's products are summed before
 * a single rescaling, {@link HeBackend#mulPlainSum}). Zero diagonals and empty giant groups cost nothing.
 *
 * <p><b>Offsets.</b> Offsets are taken mod n ({@code k} and {@code k - n} name the same diagonal; giving both is an
 * error). For the decomposition each offset gets one representative: the offsets are laid on the circle of n slots
 * and read as one contiguous arc that starts after the largest gap (so {@code -63..63} stays {@code -63..63} and
 * {@code 0..63} stays {@code 0..63}), the arc's first offset being taken in {@code (-n/2, n/2]}. Rotation steps are
 * reported and used in the canonical range {@code (-n/2, n/2]} (steps that differ by n are the same Galois key).
 *
 * <p><b>Choice of n1.</b> Unless given, n1 is the power of two that minimises the number of rotations, the smaller
 * on ties. Every distinct step is a Galois key the client makes and uploads (19 MB at n16384), so n1 is chosen for
 * steps that other transforms and {@link SlotSums} use too: powers of two rather than the exact optimum, and on ties
 * the smaller n1, whose steps (1..n1-1 and multiples of n1) are shared by more transforms; it also keeps fewer baby
 * rotations alive at once. For the transformer's layers: offsets {@code -63..63} need 22 rotations with n1 = 8 (7 baby
 * + 15 giant) or n1 = 16 (15 + 7), 21 with n1 = 11 (the optimum over all n1); offsets {@code 0..63} (LM head) 14 with
 * n1 = 8 (7 + 7), 18 with n1 = 16; offsets {@code -63..48} (patch embedding 49 -> 64) 21 with n1 = 8. With n1 = 8
 * everywhere all of them together need 22 distinct steps (1..7, -64..56 by 8); with 16 for the 64x64 layers, 29.
 * Shared rotations shift the balance: {@link #applyAll} of m transforms rotates (babies + m giants) times, so for
 * q, k, v of offsets -63..63 n1 = 16 needs 15 + 3 * 7 = 36 rotations against 7 + 3 * 15 = 52 with n1 = 8;
 * {@link #applySum} of m inputs rotates (m babies + giants) times, which favours the smaller n1. Pass n1 explicitly
 * for those.
 *
 * <p>Instances are immutable; plain diagonals are copied.
 */
public final class LinearTransform {
  /**
   * One product of a giant group: the baby rotation {@code b} times the diagonal of offset {@code offset} (in [0, n))
   * pre-rotated by minus the group's giant step.
   */
  private record Term(int offset, int baby, double[] diagonal) {}

  private final int slotCount;
  private final int babySteps;
  /** Canonical giant step -> its products (diagonals pre-rotated by minus the giant step; the only copy kept). */
  private final SortedMap<Integer, List<Term>> groups = new TreeMap<>();
  /** Baby steps b in [0, n1) used by some diagonal (0 included when used). */
  private final SortedSet<Integer> babiesUsed = new TreeSet<>();
  private final SortedSet<Integer> rotationSteps = new TreeSet<>();

  /**
   * A transform with n1 chosen to minimise rotations (see the class comment).
   *
   * @param slotCount slots per value (n), at least 1
   * @param diagonals offset k in (-n, n) -> diagonal (at most n values; missing slots are 0)
   * @throws IllegalArgumentException if an offset is out of range or repeated mod n, a diagonal is null, longer than
   *     n or not finite
   */
  public LinearTransform(int slotCount, Map<Integer, double[]> diagonals) {
    this(slotCount, diagonals, OptionalInt.empty());
  }

  /**
   * A transform with {@code babySteps} baby steps (n1).
   *
   * @param slotCount slots per value (n), at least 1
   * @param diagonals offset k in (-n, n) -> diagonal (at most n values; missing slots are 0)
   * @param babySteps n1 in [1, n]
   * @throws IllegalArgumentException if {@code babySteps} is outside [1, n], an offset is out of range or repeated mod
   *     n, a diagonal is null, longer than n or not finite
   */
  public LinearTransform(int slotCount, Map<Integer, double[]> diagonals, int babySteps) {
    this(slotCount, diagonals, OptionalInt.of(babySteps));
  }

  /** {@code babySteps} empty: choose n1 (see the class comment). */
  private LinearTransform(int slotCount, Map<Integer, double[]> diagonals, OptionalInt babySteps) {
    if (slotCount < 1) {
      throw new IllegalArgumentException("slot count must be positive, got " + slotCount);
    }
    Objects.requireNonNull(diagonals, "diagonals");
    if (babySteps.isPresent() && (babySteps.getAsInt() < 1 || babySteps.getAsInt() > slotCount)) {
      throw new IllegalArgumentException(
          "baby steps (n1) must be in [1, " + slotCount + "], got " + babySteps.getAsInt());
    }
    this.slotCount = slotCount;
    SortedMap<Integer, double[]> nonzero = new TreeMap<>();
    Map<Integer, Integer> givenAs = new TreeMap<>();
    for (Map.Entry<Integer, double[]> e : diagonals.entrySet()) {
      Integer k = e.getKey();
      if (k == null) {
        throw new IllegalArgumentException("null diagonal offset");
      }
      if (k <= -slotCount || k >= slotCount) {
        throw new IllegalArgumentException(
            "diagonal offset " + k + " outside (-" + slotCount + ", " + slotCount + ")");
      }
      double[] d = e.getValue();
      if (d == null) {
        throw new IllegalArgumentException("diagonal at offset " + k + " is null");
      }
      if (d.length > slotCount) {
        throw new IllegalArgumentException(
            "diagonal at offset " + k + " has " + d.length + " values, a value has " + slotCount + " slots");
      }
      boolean zero = true;
      for (int i = 0; i < d.length; i++) {
        if (!Double.isFinite(d[i])) {
          throw new IllegalArgumentException("diagonal at offset " + k + " has " + d[i] + " in slot " + i);
        }
        zero &= d[i] == 0;
      }
      int u = Math.floorMod(k, slotCount);
      Integer earlier = givenAs.put(u, k);
      if (earlier != null) {
        throw new IllegalArgumentException(
            "diagonal offsets " + earlier + " and " + k + " are the same diagonal mod " + slotCount);
      }
      if (!zero) {
        nonzero.put(u, d);
      }
    }
    Map<Integer, Integer> representative = representatives(nonzero.keySet(), slotCount);
    this.babySteps =
        babySteps.isPresent() ? babySteps.getAsInt() : bestBabySteps(representative.values(), slotCount);
    for (Map.Entry<Integer, double[]> e : nonzero.entrySet()) {
      int k = representative.get(e.getKey());
      int g = Math.floorDiv(k, this.babySteps);
      int b = k - g * this.babySteps;
      int giant = canonicalStep((long) g * this.babySteps, slotCount);
      groups
          .computeIfAbsent(giant, s -> new ArrayList<>())
          .add(new Term(e.getKey(), b, rotated(Arrays.copyOf(e.getValue(), slotCount), -giant)));
      babiesUsed.add(b);
    }
    for (int b : babiesUsed) {
      if (canonicalStep(b, slotCount) != 0) {
        rotationSteps.add(canonicalStep(b, slotCount));
      }
    }
    for (int giant : groups.keySet()) {
      if (giant != 0) {
        rotationSteps.add(giant);
      }
    }
  }

  /** Slots per value (n). */
  public int slotCount() {
    return slotCount;
  }

  /** The number of baby steps n1. */
  public int babySteps() {
    return babySteps;
  }

  /** Number of nonzero diagonals (= plain multiplications per {@link #apply}). */
  public int diagonalCount() {
    int count = 0;
    for (List<Term> terms : groups.values()) {
      count += terms.size();
    }
    return count;
  }

  /**
   * Number of nonempty giant groups (giant step 0 included): the rescalings one {@link #apply} performs (each group's
   * products are summed before one rescaling).
   */
  public int giantGroupCount() {
    return groups.size();
  }

  /**
   * Exactly the rotation steps {@link #apply} rotates by, in {@code (-n/2, n/2]}: the baby steps {@code b > 0} that
   * some diagonal needs and the giant steps {@code g n1 != 0} (mod n) of the nonempty giant groups: the Galois keys
   * it needs.
   */
  public SortedSet<Integer> rotationSteps() {
    return Collections.unmodifiableSortedSet(rotationSteps);
  }

  /**
   * The number of rotations {@link #apply} performs: nonzero baby steps plus nonzero giant steps. It can exceed the
   * size of {@link #rotationSteps()} when a baby step and a giant step are equal mod n (n1 not dividing n).
   */
  public int rotationCount() {
    return babyRotationSteps().size() + giantRotationSteps().size();
  }

  /** The baby rotation steps (nonzero, canonical) {@link #apply} computes, hoisted. */
  public SortedSet<Integer> babyRotationSteps() {
    SortedSet<Integer> s = new TreeSet<>();
    for (int b : babiesUsed) {
      if (canonicalStep(b, slotCount) != 0) {
        s.add(canonicalStep(b, slotCount));
      }
    }
    return Collections.unmodifiableSortedSet(s);
  }

  /** The giant rotation steps (nonzero, canonical) {@link #apply} rotates the giant groups by. */
  public SortedSet<Integer> giantRotationSteps() {
    SortedSet<Integer> s = new TreeSet<>(groups.keySet());
    s.remove(0);
    return Collections.unmodifiableSortedSet(s);
  }

  /**
   * The transform of {@code x}, one level: the result is at {@code level(x) - 1}. {@code x} is not released.
   *
   * @throws IllegalArgumentException if the backend's slot count differs from this transform's
   */
  public <V> V apply(HeBackend<V> be, V x) {
    return applyAll(be, x, List.of(this)).get(0);
  }

  /**
   * Several transforms of the same input, sharing the baby-step rotations: the union of their baby steps is computed
   * once (hoisted), then each transform runs its giant groups. One level; {@code x} is not released.
   *
   * @return element j is {@code transforms.get(j).apply(be, x)}
   * @throws IllegalArgumentException if {@code transforms} is empty, their n1 or slot counts differ, or differ from
   *     the backend's slot count
   */
  public static <V> List<V> applyAll(HeBackend<V> be, V x, List<LinearTransform> transforms) {
    Objects.requireNonNull(be, "be");
    Objects.requireNonNull(x, "x");
    checkCompatible(be, transforms);
    SortedSet<Integer> babies = new TreeSet<>();
    for (LinearTransform t : transforms) {
      babies.addAll(t.babiesUsed);
    }
    Map<Integer, V> rotations = babyRotations(be, x, babies);
    List<V> outs = new ArrayList<>(transforms.size());
    try {
      for (LinearTransform t : transforms) {
        if (t.groups.isEmpty()) {
          outs.add(be.mulConst(x, 0.0));
          continue;
        }
        V out = null;
        for (Map.Entry<Integer, List<Term>> group : t.groups.entrySet()) {
          List<V> xs = new ArrayList<>();
          List<double[]> plains = new ArrayList<>();
          addTerms(rotations, group.getValue(), xs, plains);
          V inner = be.mulPlainSum(xs, plains);
          out = addReleasing(be, out, giantRotation(be, inner, group.getKey()));
        }
        outs.add(out);
      }
    } finally {
      releaseRotations(be, x, rotations);
    }
    return outs;
  }

  /**
   * {@code sum_j transforms.get(j)(xs.get(j))}, sharing the giant-step rotations: each giant group's products of all
   * inputs are summed with one rescaling before the one giant rotation (so the baby rotations of all inputs are live
   * together). Inputs at different levels are first brought to the lowest (one drop each). One level below the
   * lowest input; the inputs are not released.
   *
   * @throws IllegalArgumentException if the lists are empty or of different sizes, the transforms' n1 or slot counts
   *     differ, or differ from the backend's slot count
   */
  public static <V> V applySum(HeBackend<V> be, List<V> xs, List<LinearTransform> transforms) {
    Objects.requireNonNull(be, "be");
    Objects.requireNonNull(xs, "xs");
    checkCompatible(be, transforms);
    if (xs.size() != transforms.size()) {
      throw new IllegalArgumentException(
          xs.size() + " inputs for " + transforms.size() + " transforms: need one input per transform");
    }
    V lowest = null;
    for (int j = 0; j < xs.size(); j++) {
      V x = Objects.requireNonNull(xs.get(j), "xs[" + j + "]");
      lowest = lowest == null || be.level(x) < be.level(lowest) ? x : lowest;
    }
    int level = be.level(lowest);
    // Giant step -> the products of every input in that group (baby rotation, pre-rotated diagonal).
    SortedMap<Integer, List<V>> groupValues = new TreeMap<>();
    SortedMap<Integer, List<double[]>> groupPlains = new TreeMap<>();
    List<V> aligned = new ArrayList<>(); // inputs dropped to the lowest level (temporaries)
    List<V> bases = new ArrayList<>(); // the value each entry of allRotations rotates
    List<Map<Integer, V>> allRotations = new ArrayList<>();
    try {
      for (int j = 0; j < xs.size(); j++) {
        LinearTransform t = transforms.get(j);
        if (t.groups.isEmpty()) {
          continue;
        }
        V x = xs.get(j);
        if (be.level(x) > level) {
          x = be.dropToLevel(x, level);
          aligned.add(x);
        }
        Map<Integer, V> rotations = babyRotations(be, x, t.babiesUsed);
        bases.add(x);
        allRotations.add(rotations);
        for (Map.Entry<Integer, List<Term>> group : t.groups.entrySet()) {
          addTerms(rotations, group.getValue(),
              groupValues.computeIfAbsent(group.getKey(), g -> new ArrayList<>()),
              groupPlains.computeIfAbsent(group.getKey(), g -> new ArrayList<>()));
        }
      }
      if (groupValues.isEmpty()) {
        return be.mulConst(lowest, 0.0);
      }
      V out = null;
      for (Map.Entry<Integer, List<V>> group : groupValues.entrySet()) {
        V inner = be.mulPlainSum(group.getValue(), groupPlains.get(group.getKey()));
        out = addReleasing(be, out, giantRotation(be, inner, group.getKey()));
      }
      return out;
    } finally {
      for (int j = 0; j < allRotations.size(); j++) {
        releaseRotations(be, bases.get(j), allRotations.get(j));
      }
      aligned.forEach(be::release);
    }
  }

  /**
   * The plain map, computed naively from the diagonals (the reference the homomorphic evaluation is tested against).
   *
   * @param x at most n values; missing slots are 0
   * @return n values
   * @throws IllegalArgumentException if {@code x} is longer than n or not finite
   */
  public double[] applyPlain(double[] x) {
    Objects.requireNonNull(x, "x");
    if (x.length > slotCount) {
      throw new IllegalArgumentException("input has " + x.length + " values, the transform has " + slotCount + " slots");
    }
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i])) {
        throw new IllegalArgumentException("input has " + x[i] + " in slot " + i);
      }
    }
    double[] in = Arrays.copyOf(x, slotCount);
    double[] out = new double[slotCount];
    for (Map.Entry<Integer, List<Term>> group : groups.entrySet()) {
      int giant = group.getKey();
      for (Term term : group.getValue()) {
        // the stored diagonal is rot(diag, -giant): diag[i] = stored[(i + giant) mod n]
        for (int i = 0; i < slotCount; i++) {
          double d = term.diagonal[Math.floorMod(i + giant, slotCount)];
          out[i] += d * in[(int) ((i + (long) term.offset) % slotCount)];
        }
      }
    }
    return out;
  }

  /**
   * The number of rotations a transform with these offsets needs with n1 baby steps (same representatives and
   * decomposition as the constructor, diagonals assumed nonzero), for choosing n1.
   *
   * @param slotCount n
   * @param offsets   offsets in (-n, n), distinct mod n
   * @param babySteps n1 in [1, n]
   * @throws IllegalArgumentException if an offset is out of range or repeated mod n, or n1 is out of range
   */
  public static int rotationCount(int slotCount, java.util.Collection<Integer> offsets, int babySteps) {
    if (slotCount < 1) {
      throw new IllegalArgumentException("slot count must be positive, got " + slotCount);
    }
    if (babySteps < 1 || babySteps > slotCount) {
      throw new IllegalArgumentException("baby steps (n1) must be in [1, " + slotCount + "], got " + babySteps);
    }
    SortedSet<Integer> normalized = new TreeSet<>();
    for (int k : offsets) {
      if (k <= -slotCount || k >= slotCount) {
        throw new IllegalArgumentException("diagonal offset " + k + " outside (-" + slotCount + ", " + slotCount + ")");
      }
      if (!normalized.add(Math.floorMod(k, slotCount))) {
        throw new IllegalArgumentException("diagonal offset " + k + " repeats another offset mod " + slotCount);
      }
    }
    return countRotations(representatives(normalized, slotCount).values(), babySteps, slotCount);
  }

  /** {@code step} mod n in {@code (-n/2, n/2]}: the rotation that equals rotating by {@code step}. */
  static int canonicalStep(long step, int n) {
    int m = (int) Math.floorMod(step, (long) n);
    return m > n / 2 ? m - n : m;
  }

  /**
   * One representative per normalized offset: the offsets on the circle of n slots read as one arc starting after the
   * largest gap (the wrap-around gap on ties), its first offset in (-n/2, n/2].
   */
  private static Map<Integer, Integer> representatives(java.util.Set<Integer> normalized, int n) {
    Map<Integer, Integer> rep = new TreeMap<>();
    if (normalized.isEmpty()) {
      return rep;
    }
    Integer[] u = new TreeSet<>(normalized).toArray(new Integer[0]);
    int start = 0;
    long largestGap = (long) u[0] + n - u[u.length - 1];
    for (int j = 1; j < u.length; j++) {
      if (u[j] - u[j - 1] > largestGap) {
        largestGap = u[j] - u[j - 1];
        start = j;
      }
    }
    int first = canonicalStep(u[start], n);
    for (int v : u) {
      rep.put(v, first + Math.floorMod(v - u[start], n));
    }
    return rep;
  }

  /** The power-of-two n1 with the fewest rotations for these representatives (ties: the smaller). */
  private static int bestBabySteps(java.util.Collection<Integer> reps, int n) {
    int best = 1;
    int bestCount = Integer.MAX_VALUE;
    for (long n1 = 1; n1 <= n; n1 *= 2) {
      int count = countRotations(reps, (int) n1, n);
      if (count < bestCount) {
        bestCount = count;
        best = (int) n1;
      }
    }
    return best;
  }

  /** Distinct nonzero baby steps plus distinct nonzero giant steps (mod n) of the decomposition with n1. */
  private static int countRotations(java.util.Collection<Integer> reps, int n1, int n) {
    SortedSet<Integer> babies = new TreeSet<>();
    SortedSet<Integer> giants = new TreeSet<>();
    for (int k : reps) {
      int g = Math.floorDiv(k, n1);
      babies.add(canonicalStep(k - (long) g * n1, n));
      giants.add(canonicalStep((long) g * n1, n));
    }
    babies.remove(0);
    giants.remove(0);
    return babies.size() + giants.size();
  }

  private static void checkCompatible(HeBackend<?> be, List<LinearTransform> transforms) {
    Objects.requireNonNull(transforms, "transforms");
    if (transforms.isEmpty()) {
      throw new IllegalArgumentException("no transforms given");
    }
    LinearTransform first = Objects.requireNonNull(transforms.get(0), "transforms[0]");
    for (int j = 0; j < transforms.size(); j++) {
      LinearTransform t = Objects.requireNonNull(transforms.get(j), "transforms[" + j + "]");
      if (t.slotCount != be.slotCount()) {
        throw new IllegalArgumentException(
            "transform " + j + " has " + t.slotCount + " slots, the backend has " + be.slotCount());
      }
      if (t.babySteps != first.babySteps) {
        throw new IllegalArgumentException(
            "transforms share rotations only with the same n1: transform 0 has " + first.babySteps
                + " baby steps, transform " + j + " has " + t.babySteps);
      }
    }
  }

  /** rot(x, b) for every b in {@code babies}, the nonzero ones hoisted; b = 0 maps to x itself. */
  private static <V> Map<Integer, V> babyRotations(HeBackend<V> be, V x, SortedSet<Integer> babies) {
    Map<Integer, V> rotations = new TreeMap<>();
    int n = be.slotCount();
    List<Integer> nonzero = new ArrayList<>();
    for (int b : babies) {
      if (canonicalStep(b, n) == 0) {
        rotations.put(b, x);
      } else {
        nonzero.add(b);
      }
    }
    if (!nonzero.isEmpty()) {
      int[] steps = new int[nonzero.size()];
      for (int j = 0; j < steps.length; j++) {
        steps[j] = canonicalStep(nonzero.get(j), n);
      }
      List<V> rotated = be.rotateHoisted(x, steps);
      for (int j = 0; j < steps.length; j++) {
        rotations.put(nonzero.get(j), rotated.get(j));
      }
    }
    return rotations;
  }

  private static <V> void releaseRotations(HeBackend<V> be, V x, Map<Integer, V> rotations) {
    for (V r : rotations.values()) {
      if (r != x) {
        be.release(r);
      }
    }
  }

  /** Appends each term's baby rotation and pre-rotated diagonal (the operands of one fused plain product sum). */
  private static <V> void addTerms(
      Map<Integer, V> rotations, List<Term> terms, List<V> values, List<double[]> plains) {
    for (Term term : terms) {
      values.add(rotations.get(term.baby));
      plains.add(term.diagonal);
    }
  }

  /** {@code rot(inner, giant)}, releasing {@code inner} (giant 0: inner itself). */
  private static <V> V giantRotation(HeBackend<V> be, V inner, int giant) {
    if (giant == 0) {
      return inner;
    }
    V r = be.rotate(inner, giant);
    be.release(inner);
    return r;
  }

  /** {@code acc + term} (or {@code term} if acc is null), releasing both operands. */
  private static <V> V addReleasing(HeBackend<V> be, V acc, V term) {
    if (acc == null) {
      return term;
    }
    V s = be.add(acc, term);
    be.release(acc);
    be.release(term);
    return s;
  }

  /** {@code rot(d, s)}: slot i holds d[(i + s) mod n]. */
  private static double[] rotated(double[] d, int s) {
    int n = d.length;
    int k = Math.floorMod(s, n);
    double[] r = new double[n];
    System.arraycopy(d, k, r, 0, n - k);
    System.arraycopy(d, 0, r, n - k, k);
    return r;
  }
}
