package org.cipherformer.he.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.cipherformer.he.Ciphertext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every {@link HeBackend} operation of {@link CkksBackend} (preset n16384) against {@link SimulatedBackend} on the
 * same random inputs: slot values within an absolute bound, identical levels, identical operation counts and rotation
 * steps.
 *
 * <p>Inputs are uniform in [-1, 1]. Bound: 1e-7 absolute per slot for every operation (the measured errors, printed,
 * are 1e-9 for additions and 1.5e-8 .. 4.5e-8 after one to three rescalings: CKKS noise at scale 2^40, N = 16384).
 */
class CkksBackendTest {
  static final double BOUND = 1e-7;
  static final SortedSet<Integer> STEPS = new TreeSet<>(List.of(-3, -1, 1, 2, 5, 64));

  static CkksKeyHolder holder;
  static CkksBackend ckks;

  @BeforeAll
  static void setUp() {
    holder = new CkksKeyHolder(CkksParameters.n16384());
    ckks = CkksBackend.inProcess(holder, STEPS);
  }

  @AfterAll
  static void tearDown() {
    ckks.close();
    holder.close();
  }

  /** A fresh simulated backend with the same geometry as the CKKS one. */
  static SimulatedBackend simulated() {
    return new SimulatedBackend(ckks.slotCount(), ckks.topLevel(), ckks.refreshFloor());
  }

  static double[] random(long seed, double bound) {
    Random r = new Random(seed);
    double[] v = new double[ckks.slotCount()];
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

  /** Runs one two-input operation on both backends and checks values and levels. */
  static void check(String name, BiFunction<HeBackend<Ciphertext>, List<Ciphertext>, Ciphertext> onCkks,
      BiFunction<HeBackend<SimulatedBackend.Value>, List<SimulatedBackend.Value>, SimulatedBackend.Value> onSim) {
    check(name, BOUND, onCkks, onSim);
  }

  /**
   * As {@link #check(String, BiFunction, BiFunction)} with an explicit bound: a weighted sum of terms, each within
   * {@link #BOUND}, is within {@code BOUND * sum |weight|} (the weights' magnitudes multiply the terms' noise).
   */
  static void check(String name, double bound,
      BiFunction<HeBackend<Ciphertext>, List<Ciphertext>, Ciphertext> onCkks,
      BiFunction<HeBackend<SimulatedBackend.Value>, List<SimulatedBackend.Value>, SimulatedBackend.Value> onSim) {
    double[] x = random(name.hashCode(), 1);
    double[] y = random(name.hashCode() + 1, 1);
    SimulatedBackend sim = simulated();
    SimulatedBackend.Value sr = onSim.apply(sim, List.of(sim.input(x), sim.input(y)));
    Ciphertext cx = ckks.input(holder.encrypt(x));
    Ciphertext cy = ckks.input(holder.encrypt(y));
    Ciphertext cr = onCkks.apply(ckks, List.of(cx, cy));
    try {
      double err = maxError(sim.output(sr), holder.decrypt(cr));
      System.out.printf("CkksBackendTest %-28s level %d  max abs error %.3e%n", name, ckks.level(cr), err);
      assertEquals(sim.level(sr), ckks.level(cr), name + ": level");
      assertEquals(ckks.parameters().scale(ckks.level(cr)), cr.scale(), name + ": canonical scale");
      assertTrue(err <= bound, name + ": error " + err + " > " + bound);
    } finally {
      ckks.release(cx);
      ckks.release(cy);
      ckks.release(cr);
    }
  }

  @Test
  void everyOperationMatchesSimulated() {
    double[] p = random(99, 1);
    check("add", (b, v) -> b.add(v.get(0), v.get(1)), (b, v) -> b.add(v.get(0), v.get(1)));
    check("sub", (b, v) -> b.sub(v.get(0), v.get(1)), (b, v) -> b.sub(v.get(0), v.get(1)));
    check("negate", (b, v) -> b.negate(v.get(0)), (b, v) -> b.negate(v.get(0)));
    check("addPlain", (b, v) -> b.addPlain(v.get(0), p), (b, v) -> b.addPlain(v.get(0), p));
    check("addPlain(short)", (b, v) -> b.addPlain(v.get(0), new double[] {1, 2, 3}),
        (b, v) -> b.addPlain(v.get(0), new double[] {1, 2, 3}));
    check("addConst", (b, v) -> b.addConst(v.get(0), -0.75), (b, v) -> b.addConst(v.get(0), -0.75));
    check("mulPlain", (b, v) -> b.mulPlain(v.get(0), p), (b, v) -> b.mulPlain(v.get(0), p));
    check("mulConst", (b, v) -> b.mulConst(v.get(0), 3.25), (b, v) -> b.mulConst(v.get(0), 3.25));
    check("mulConst(0)", (b, v) -> b.mulConst(v.get(0), 0), (b, v) -> b.mulConst(v.get(0), 0));
    check("mulPlain(zeros)", (b, v) -> b.mulPlain(v.get(0), new double[4]),
        (b, v) -> b.mulPlain(v.get(0), new double[4]));
    check("mul", (b, v) -> b.mul(v.get(0), v.get(1)), (b, v) -> b.mul(v.get(0), v.get(1)));
    check("square", (b, v) -> b.square(v.get(0)), (b, v) -> b.square(v.get(0)));
    for (int s : new int[] {1, -1, 2, 5, -3, 64, 0, 8192}) {
      check("rotate(" + s + ")", (b, v) -> b.rotate(v.get(0), s), (b, v) -> b.rotate(v.get(0), s));
    }
    check("copy", (b, v) -> b.copy(v.get(0)), (b, v) -> b.copy(v.get(0)));
    check("dropToLevel(3)", (b, v) -> b.dropToLevel(v.get(0), 3), (b, v) -> b.dropToLevel(v.get(0), 3));
    check("add(level 7, level 8)", (b, v) -> twoLevels(b, v, b::add), (b, v) -> twoLevels(b, v, b::add));
    check("mul(level 7, level 8)", (b, v) -> twoLevels(b, v, b::mul), (b, v) -> twoLevels(b, v, b::mul));
    check("sub(level 8, level 5)", (b, v) -> deep(b, v), (b, v) -> deep(b, v));
    double[] q = random(98, 1);
    check("mulPlainSum", (b, v) -> b.mulPlainSum(v, List.of(p, q)), (b, v) -> b.mulPlainSum(v, List.of(p, q)));
    check("mulPlainSum(one term)", (b, v) -> b.mulPlainSum(List.of(v.get(1)), List.of(q)),
        (b, v) -> b.mulPlainSum(List.of(v.get(1)), List.of(q)));
    check("mulPlainSum(a zero operand)", (b, v) -> b.mulPlainSum(v, List.of(new double[4], q)),
        (b, v) -> b.mulPlainSum(v, List.of(new double[4], q)));
    check("mulPlainSum(all zero)", (b, v) -> b.mulPlainSum(v, List.of(new double[4], new double[1])),
        (b, v) -> b.mulPlainSum(v, List.of(new double[4], new double[1])));
    check("mulConstSum", (b, v) -> b.mulConstSum(v, new double[] {3.25, -0.5}),
        (b, v) -> b.mulConstSum(v, new double[] {3.25, -0.5}));
    check("mulConstSum(0, c)", (b, v) -> b.mulConstSum(v, new double[] {0, 1.5}),
        (b, v) -> b.mulConstSum(v, new double[] {0, 1.5}));
    // three terms with plain weights in [-1, 1] (sum of |weights| <= 3) and constants 0.75, -1, 2 (sum 3.75): the
    // (x y)^4 term has been through three multiplications, and its noise is multiplied by its weight
    check("mulPlainSum(levels 8, 7, 5)", 3 * BOUND,
        (b, v) -> threeLevels(b, v, (xs, w) -> b.mulPlainSum(xs, List.of(p, q, p))),
        (b, v) -> threeLevels(b, v, (xs, w) -> b.mulPlainSum(xs, List.of(p, q, p))));
    check("mulConstSum(levels 8, 7, 5)", 3.75 * BOUND,
        (b, v) -> threeLevels(b, v, (xs, w) -> b.mulConstSum(xs, new double[] {0.75, -1, 2})),
        (b, v) -> threeLevels(b, v, (xs, w) -> b.mulConstSum(xs, new double[] {0.75, -1, 2})));
  }

  /** {@code op([x, x*y, (x*y)^4])}: inputs at levels 8, 7 and 5. */
  static <V> V threeLevels(HeBackend<V> b, List<V> v, BiFunction<List<V>, Void, V> op) {
    V xy = b.mul(v.get(0), v.get(1));
    V sq = b.square(xy);
    V q4 = b.square(sq);
    V r = op.apply(List.of(v.get(0), xy, q4), null);
    b.release(xy);
    b.release(sq);
    b.release(q4);
    return r;
  }

  @Test
  void fusedSumsHaveLessNoiseThanSeparateProducts() {
    // 16 terms: one rescaling for the sum instead of 16 (each adds its own rounding noise).
    double[] x = random(21, 1);
    List<Ciphertext> xs = new ArrayList<>();
    List<double[]> plains = new ArrayList<>();
    double[] expected = new double[ckks.slotCount()];
    Ciphertext cx = ckks.input(holder.encrypt(x));
    for (int j = 0; j < 16; j++) {
      xs.add(cx);
      double[] p = random(100 + j, 1);
      plains.add(p);
      for (int i = 0; i < expected.length; i++) {
        expected[i] += x[i] * p[i];
      }
    }
    long rescales = ckks.stats().total(OpKind.RESCALE).count();
    Ciphertext fused = ckks.mulPlainSum(xs, plains);
    assertEquals(rescales + 1, ckks.stats().total(OpKind.RESCALE).count());
    Ciphertext separate = null;
    for (int j = 0; j < 16; j++) {
      Ciphertext t = ckks.mulPlain(cx, plains.get(j));
      Ciphertext next = separate == null ? t : ckks.add(separate, t);
      if (separate != null) {
        ckks.release(separate);
        ckks.release(t);
      }
      separate = next;
    }
    double fusedError = maxError(expected, holder.decrypt(fused));
    double separateError = maxError(expected, holder.decrypt(separate));
    System.out.printf("CkksBackendTest 16-term sum: fused (1 rescale) %.3e, separate (16 rescales) %.3e%n",
        fusedError, separateError);
    assertTrue(fusedError <= BOUND, "fused error " + fusedError);
    assertTrue(fusedError < separateError, "fused " + fusedError + " vs separate " + separateError);
    assertEquals(ckks.parameters().scale(ckks.topLevel() - 1), fused.scale());
    for (Ciphertext c : List.of(cx, fused, separate)) {
      ckks.release(c);
    }
  }

  /** (x * y) at level 7 combined with x at level 8. */
  static <V> V twoLevels(HeBackend<V> b, List<V> v, java.util.function.BinaryOperator<V> op) {
    V prod = b.mul(v.get(0), v.get(1));
    V r = op.apply(prod, v.get(0));
    b.release(prod);
    return r;
  }

  /** x - (x^8 at level 5). */
  static <V> V deep(HeBackend<V> b, List<V> v) {
    V x2 = b.square(v.get(0));
    V x4 = b.square(x2);
    V x8 = b.square(x4);
    V r = b.sub(v.get(0), x8);
    b.release(x2);
    b.release(x4);
    b.release(x8);
    return r;
  }

  @Test
  void hoistedRotationsMatchSimulated() {
    double[] x = random(5, 1);
    int[] steps = {0, 1, 5, -3, 64, 1};
    SimulatedBackend sim = simulated();
    SimulatedBackend.Value sx = sim.input(x);
    List<SimulatedBackend.Value> expected = sim.rotateHoisted(sx, steps);
    Ciphertext cx = ckks.input(holder.encrypt(x));
    List<Ciphertext> got = ckks.rotateHoisted(cx, steps);
    assertEquals(steps.length, got.size());
    for (int j = 0; j < steps.length; j++) {
      double err = maxError(sim.output(expected.get(j)), holder.decrypt(got.get(j)));
      System.out.printf("CkksBackendTest rotateHoisted step %-4d max abs error %.3e%n", steps[j], err);
      assertTrue(err <= BOUND, "hoisted step " + steps[j] + ": error " + err);
      assertEquals(ckks.topLevel(), ckks.level(got.get(j)));
      ckks.release(got.get(j));
    }
    ckks.release(cx);
  }

  /** One small program on both backends: same counts per kind, same steps, same peak live values. */
  static <V> V program(HeBackend<V> b, V x, double[] plain) {
    try (OpStats.Section s = b.stats().enter("program")) {
      V sq = b.square(x); // 7
      V lin = b.mulPlain(x, plain); // 7
      V sum = b.add(sq, lin);
      V c = b.addConst(sum, 0.5);
      List<V> rots = b.rotateHoisted(c, new int[] {0, 1, -1});
      V acc = b.add(rots.get(0), rots.get(1));
      V acc2 = b.add(acc, rots.get(2));
      V r5 = b.rotate(acc2, 5);
      V cube = b.mul(r5, x); // 6 (x dropped)
      V d = b.dropToLevel(cube, 4);
      V m = b.mulConst(d, 0.25); // 3
      V n = b.negate(m);
      V p = b.addPlain(n, plain);
      V fused = b.mulPlainSum(List.of(x, lin, d), List.of(plain, plain, new double[] {0})); // x, lin dropped: 3
      V consts = b.mulConstSum(List.of(sq, cube), new double[] {0.5, 0}); // cube is at 6: sq dropped
      List<V> fresh = b.refresh(List.of(p, sq));
      V out = b.sub(fresh.get(0), fresh.get(1));
      for (V v : List.of(sq, lin, sum, c, acc, acc2, r5, cube, d, m, n, p, fused, consts)) {
        b.release(v);
      }
      rots.forEach(b::release);
      fresh.forEach(b::release);
      return out;
    }
  }

  @Test
  void countsAndStepsMatchSimulated() {
    double[] x = random(7, 1);
    double[] plain = random(8, 1);
    SimulatedBackend sim = simulated();
    SimulatedBackend.Value sx = sim.input(x);
    SimulatedBackend.Value sr = program(sim, sx, plain);

    CkksBackend be = CkksBackend.inProcess(holder, STEPS);
    try {
      Ciphertext cx = be.input(holder.encrypt(x));
      Ciphertext cr = program(be, cx, plain);
      double err = maxError(sim.output(sr), holder.decrypt(cr));
      System.out.printf("CkksBackendTest program (with refresh)  max abs error %.3e%n", err);
      assertTrue(err <= 2 * BOUND, "program error " + err);
      assertEquals(sim.level(sr), be.level(cr));
      for (OpKind k : OpKind.values()) {
        assertEquals(sim.stats().total(k).count(), be.stats().total(k).count(), "count of " + k);
      }
      assertEquals(sim.stats().bySection().keySet(), be.stats().bySection().keySet());
      assertEquals(sim.stats().rotationSteps(), be.stats().rotationSteps());
      assertEquals(new TreeSet<>(List.of(-1, 1, 5)), be.stats().rotationSteps());
      assertEquals(sim.stats().peakLiveValues(), be.stats().peakLiveValues());
      assertEquals(sim.stats().liveValues(), be.stats().liveValues());
      assertTrue(be.stats().total(OpKind.ROTATE).nanos() > 0, "rotations are timed");
      assertTrue(be.stats().total(OpKind.MUL).nanos() > 0, "multiplications are timed");
      assertTrue(be.stats().refreshBytes() > 0);
      be.release(cx);
      be.release(cr);
      assertEquals(0, be.stats().liveValues());
    } finally {
      be.close();
    }
  }

  @Test
  void dropToLevelKeepsValuesAndGivesCanonicalScale() {
    double[] x = random(11, 1);
    Ciphertext top = ckks.input(holder.encrypt(x));
    Ciphertext current = ckks.copy(top);
    for (int l = ckks.topLevel() - 1; l >= 0; l--) {
      // One level at a time, and straight from the top.
      Ciphertext step = ckks.dropToLevel(current, l);
      Ciphertext direct = ckks.dropToLevel(top, l);
      for (Ciphertext c : List.of(step, direct)) {
        assertEquals(l, ckks.level(c));
        assertEquals(ckks.parameters().scale(l), c.scale(), "scale at level " + l);
        double err = maxError(x, holder.decrypt(c));
        assertTrue(err <= BOUND, "drop to " + l + ": error " + err);
      }
      System.out.printf("CkksBackendTest dropToLevel(%d) error step-wise %.3e direct %.3e%n", l,
          maxError(x, holder.decrypt(step)), maxError(x, holder.decrypt(direct)));
      ckks.release(current);
      ckks.release(direct);
      current = step;
    }
    // A level-0 value can be added to a fresh one (scales agree exactly).
    Ciphertext sum = ckks.add(current, top);
    assertTrue(maxError(times(x, 2), holder.decrypt(sum)) <= BOUND);
    Ciphertext bottom = current;
    assertThrows(IllegalArgumentException.class, () -> ckks.dropToLevel(bottom, 1));
    assertThrows(IllegalArgumentException.class, () -> ckks.dropToLevel(top, -1));
    for (Ciphertext c : List.of(sum, current, top)) {
      ckks.release(c);
    }
  }

  static double[] times(double[] x, double c) {
    double[] r = x.clone();
    for (int i = 0; i < r.length; i++) {
      r[i] *= c;
    }
    return r;
  }

  @Test
  void useAfterReleaseThrowsAndReleaseTwiceIsANoOp() {
    Ciphertext x = ckks.input(holder.encrypt(new double[] {1, 2}));
    int live = ckks.stats().liveValues();
    ckks.release(x);
    assertEquals(live - 1, ckks.stats().liveValues());
    ckks.release(x);
    assertEquals(live - 1, ckks.stats().liveValues());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ckks.add(x, x));
    assertTrue(e.getMessage().contains("release"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> ckks.level(x));
    assertThrows(IllegalStateException.class, () -> ckks.rotate(x, 1));
    assertThrows(IllegalStateException.class, () -> ckks.refresh(List.of(x)));
  }

  @Test
  void missingGaloisKeyNamesTheStep() {
    Ciphertext x = ckks.input(holder.encrypt(new double[] {1, 2}));
    long rotations = ckks.stats().total(OpKind.ROTATE).count();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ckks.rotate(x, 7));
    assertTrue(e.getMessage().contains("step 7"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ckks.rotateHoisted(x, new int[] {1, -64}));
    assertTrue(e.getMessage().contains("step -64"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ckks.rotate(x, 8193));
    assertTrue(e.getMessage().contains("8193"), e.getMessage());
    assertEquals(rotations, ckks.stats().total(OpKind.ROTATE).count(), "nothing ran");
    ckks.release(x);
  }

  @Test
  void outOfLevelsNamesOperationAndLevel() {
    Ciphertext x = ckks.input(holder.encrypt(new double[] {1, 2}));
    Ciphertext low = ckks.dropToLevel(x, 0);
    OutOfLevelsException e = assertThrows(OutOfLevelsException.class, () -> ckks.mul(low, x));
    assertTrue(e.getMessage().contains("mul") && e.getMessage().contains("level 0"), e.getMessage());
    e = assertThrows(OutOfLevelsException.class, () -> ckks.mulPlain(low, new double[] {1}));
    assertTrue(e.getMessage().contains("mulPlain"), e.getMessage());
    assertThrows(OutOfLevelsException.class, () -> ckks.mulConst(low, 2));
    assertThrows(OutOfLevelsException.class, () -> ckks.square(low));
    ckks.release(low);
    ckks.release(x);
  }

  @Test
  void badPlainOperandsAndForeignInputsAreRejected() {
    Ciphertext x = ckks.input(holder.encrypt(new double[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> ckks.addPlain(x, new double[ckks.slotCount() + 1]));
    assertThrows(IllegalArgumentException.class, () -> ckks.mulPlain(x, new double[] {Double.NaN}));
    Ciphertext odd = holder.encrypt(new double[] {1});
    odd.setScale(Math.pow(2, 30));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ckks.input(odd));
    assertTrue(e.getMessage().contains("scale"), e.getMessage());
    odd.close();
    ckks.release(x);
  }

  @Test
  void parameterPresets() {
    CkksParameters p = CkksParameters.n16384();
    assertEquals(16384, p.polyModulusDegree());
    assertEquals(8192, p.slotCount());
    assertEquals(8, p.topLevel());
    assertEquals(1, p.refreshFloor());
    assertEquals(430, p.totalBits());
    assertEquals(50, Long.SIZE - Long.numberOfLeadingZeros(p.prime(0)));
    assertEquals(60, Long.SIZE - Long.numberOfLeadingZeros(p.prime(9)));
    assertEquals(Math.pow(2, 40), p.scale(8));
    for (int l = 8; l > 0; l--) {
      assertEquals(p.scale(l) * p.scale(l) / p.prime(l), p.scale(l - 1));
      // The drift doubles per level; over 8 levels it stays below 2^0.001.
      assertTrue(Math.abs(Math.log(p.scale(l - 1)) / Math.log(2) - 40) < 1e-3, "scale near 2^40 at level " + (l - 1));
    }
    CkksParameters big = CkksParameters.n32768();
    assertEquals(19, big.topLevel());
    assertEquals(875, big.totalBits());
    assertEquals(16384, big.slotCount());
    assertTrue(p.description().contains("N=16384"), p.description());
    assertThrows(org.cipherformer.he.InsecureParametersException.class,
        () -> CkksParameters.custom(16384, new int[] {60, 40, 40, 40, 40, 40, 40, 40, 40, 40, 60}, 40, 1));
    assertThrows(IllegalArgumentException.class, () -> p.scale(9));
  }

  @Test
  void liveValuesAreTracked() {
    int before = ckks.stats().liveValues();
    Ciphertext x = ckks.input(holder.encrypt(new double[] {1}));
    List<Ciphertext> made = new ArrayList<>();
    made.add(ckks.add(x, x));
    made.add(ckks.copy(x));
    made.addAll(ckks.rotateHoisted(x, new int[] {1, 2}));
    assertEquals(before + 5, ckks.stats().liveValues());
    made.forEach(ckks::release);
    ckks.release(x);
    assertEquals(before, ckks.stats().liveValues());
    for (Ciphertext c : made) {
      assertTrue(c.isClosed());
    }
    assertFalse(ckks.stats().peakLiveValues() < before + 5);
  }
}
