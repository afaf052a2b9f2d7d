package org.cipherformer.he.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link LinearTransform} on the simulated backend against the naive map and the BSGS rotation formula. */
class LinearTransformTest {
  private static final double TOL = 1e-12;

  @Test
  void randomMapsWithWrapAroundOffsetsEqualThePlainMap() {
    Random random = new Random(11);
    for (int trial = 0; trial < 60; trial++) {
      int n = 1 << (1 + random.nextInt(8));
      Map<Integer, double[]> diagonals = randomDiagonals(random, n, anywhereOffsets(random, n));
      int n1 = 1 + random.nextInt(n);
      LinearTransform t =
          trial % 4 == 0 ? new LinearTransform(n, diagonals) : new LinearTransform(n, diagonals, n1);
      double[] x = randomVector(random, n);
      SimulatedBackend be = new SimulatedBackend(n, 3, 1);
      SimulatedBackend.Value in = be.input(x);
      SimulatedBackend.Value out = t.apply(be, in);
      assertClose(naive(n, diagonals, x), be.output(out), "trial " + trial + " n " + n + " n1 " + t.babySteps());
      assertClose(naive(n, diagonals, x), t.applyPlain(x), "plain, trial " + trial);
      assertEquals(2, be.level(out));
      assertEquals(t.rotationSteps(), be.stats().rotationSteps(), "trial " + trial);
      assertEquals(t.rotationCount(), be.stats().total(OpKind.ROTATE).count(), "trial " + trial);
      SortedSet<Integer> union = new TreeSet<>(t.babyRotationSteps());
      union.addAll(t.giantRotationSteps());
      assertEquals(t.rotationSteps(), union);
      assertEquals(t.diagonalCount(), be.stats().total(OpKind.MUL_PLAIN).count());
      assertEquals(t.giantGroupCount(), be.stats().total(OpKind.RESCALE).count(), "one rescaling per giant group");
      assertEquals(0, be.stats().total(OpKind.DROP).count());
      for (int s : t.rotationSteps()) {
        assertTrue(s > -n / 2 && s <= n / 2 && s != 0, "step " + s + " not canonical for n " + n);
      }
      be.release(in);
      be.release(out);
      assertEquals(0, be.stats().liveValues(), "apply leaks intermediates");
    }
  }

  @Test
  void rotationCountFollowsTheBabyStepGiantStepFormula() {
    Random random = new Random(12);
    for (int trial = 0; trial < 80; trial++) {
      int n = 1 << (3 + random.nextInt(7));
      // offsets inside a window of n/2 starting in (-n/2, 0]: read as given (the wrap-around gap is the largest)
      int lo = -random.nextInt(n / 2);
      List<Integer> offsets = new ArrayList<>();
      for (int k = lo; k < lo + n / 2; k++) {
        if (random.nextInt(3) == 0) {
          offsets.add(k);
        }
      }
      if (offsets.isEmpty()) {
        offsets.add(lo);
      }
      int n1 = 1 + random.nextInt(n / 2);
      SortedSet<Integer> babies = new TreeSet<>();
      SortedSet<Integer> giants = new TreeSet<>();
      for (int k : offsets) {
        int g = Math.floorDiv(k, n1);
        if (k - g * n1 != 0) {
          babies.add(k - g * n1);
        }
        if (Math.floorMod(g * n1, n) != 0) {
          giants.add(canonical(g * n1, n));
        }
      }
      SortedSet<Integer> expected = new TreeSet<>(babies);
      expected.addAll(giants);
      Map<Integer, double[]> diagonals = randomDiagonals(random, n, offsets);
      LinearTransform t = new LinearTransform(n, diagonals, n1);
      assertEquals(expected, t.rotationSteps(), "offsets " + offsets + " n1 " + n1);
      assertEquals(babies, t.babyRotationSteps());
      assertEquals(giants, t.giantRotationSteps());
      SimulatedBackend be = new SimulatedBackend(n, 1, 0);
      double[] x = randomVector(random, n);
      SimulatedBackend.Value out = t.apply(be, be.input(x));
      assertEquals(babies.size() + giants.size(), be.stats().total(OpKind.ROTATE).count());
      assertEquals(babies.size() + giants.size(), t.rotationCount());
      assertEquals(t.rotationCount(), LinearTransform.rotationCount(n, offsets, n1));
      assertEquals(expected, be.stats().rotationSteps());
      assertClose(naive(n, diagonals, x), be.output(out), "offsets " + offsets);
    }
  }

  @Test
  void blockDiagonal64x64With17RowsPerInputEqualsTheMatrixProduct() {
    int n = 8192;
    int rows = 17 * 7;
    Random random = new Random(13);
    double[][] w = new double[64][64];
    for (double[] row : w) {
      for (int j = 0; j < 64; j++) {
        row[j] = random.nextGaussian() / 8;
      }
    }
    Map<Integer, double[]> diagonals = blockDiagonals(w, rows, n);
    double[] x = new double[n];
    for (int i = 0; i < rows * 64; i++) {
      x[i] = 2 * random.nextDouble() - 1;
    }
    double[] expected = new double[n];
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < 64; f++) {
        for (int j = 0; j < 64; j++) {
          expected[r * 64 + f] += w[f][j] * x[r * 64 + j];
        }
      }
    }
    for (int n1 : new int[] {8, 16, 11}) {
      LinearTransform t = new LinearTransform(n, diagonals, n1);
      SimulatedBackend be = new SimulatedBackend(n, 8, 1);
      SimulatedBackend.Value in = be.input(x);
      SimulatedBackend.Value out = t.apply(be, in);
      assertClose(expected, be.output(out), "n1 " + n1);
      assertEquals(127, be.stats().total(OpKind.MUL_PLAIN).count());
      // giant groups: floor(-63 / n1) .. floor(63 / n1)
      assertEquals(Math.floorDiv(63, n1) - Math.floorDiv(-63, n1) + 1, be.stats().total(OpKind.RESCALE).count());
      assertEquals(t.rotationSteps(), be.stats().rotationSteps());
      System.out.printf(
          "64x64 block-diagonal (offsets -63..63), n1 = %d: %d rotations (%d baby + %d giant), %d plain products%n",
          n1, t.rotationCount(), t.babyRotationSteps().size(), t.giantRotationSteps().size(),
          t.diagonalCount());
    }
  }

  @Test
  void rotationCountsOfTheTransformerLayouts() {
    int n = 8192;
    List<Integer> dense = range(-63, 63);
    List<Integer> head = range(0, 63);
    List<Integer> patch = range(-63, 48);
    assertEquals(22, LinearTransform.rotationCount(n, dense, 8));
    assertEquals(22, LinearTransform.rotationCount(n, dense, 16));
    assertEquals(21, LinearTransform.rotationCount(n, dense, 11));
    assertEquals(14, LinearTransform.rotationCount(n, head, 8));
    assertEquals(18, LinearTransform.rotationCount(n, head, 16));
    assertEquals(21, LinearTransform.rotationCount(n, patch, 8));
    // the exact minimum over every n1 in 1..128
    int best = Integer.MAX_VALUE;
    for (int n1 = 1; n1 <= 128; n1++) {
      best = Math.min(best, LinearTransform.rotationCount(n, dense, n1));
    }
    assertEquals(21, best);
    // default n1: the power of two with the fewest rotations, the smaller on ties (8 and 16 both give 22)
    assertEquals(8, ones(n, dense).babySteps());
    // Galois keys for all three layouts together: n1 = 8 everywhere vs 16 for the 64x64 layers
    SortedSet<Integer> all8 = new TreeSet<>();
    SortedSet<Integer> mixed = new TreeSet<>();
    for (List<Integer> offsets : List.of(dense, head, patch)) {
      all8.addAll(new LinearTransform(n, onesMap(offsets), 8).rotationSteps());
      mixed.addAll(new LinearTransform(n, onesMap(offsets), offsets == dense ? 16 : 8).rotationSteps());
    }
    assertEquals(22, all8.size());
    assertEquals(29, mixed.size());
    assertEquals(8, ones(n, head).babySteps());
    assertEquals(8, ones(n, patch).babySteps());
    assertEquals(
        new TreeSet<>(List.of(1, 2, 3, 4, 5, 6, 7, -64, -56, -48, -40, -32, -24, -16, -8, 8, 16, 24, 32, 40, 48, 56)),
        new LinearTransform(n, onesMap(dense), 8)
            .rotationSteps());
    for (int n1 = 4; n1 <= 32; n1 *= 2) {
      System.out.printf(
          "rotations, n1 = %2d: offsets -63..63: %d, 0..63: %d, -63..48 (patch 49->64): %d%n",
          n1, LinearTransform.rotationCount(n, dense, n1), LinearTransform.rotationCount(n, head, n1),
          LinearTransform.rotationCount(n, patch, n1));
    }
  }

  @Test
  void lmHeadOnAPeriod64VectorGivesEveryOutput() {
    // 2048 outputs from a 64-vector replicated with period 64: out[i] = sum_{k<64} W[i][(i+k) mod 64] x[(i+k) mod 64]
    int n = 8192;
    int outputs = 2048;
    Random random = new Random(14);
    double[][] w = new double[outputs][64];
    for (double[] row : w) {
      for (int j = 0; j < 64; j++) {
        row[j] = random.nextGaussian();
      }
    }
    double[] h = randomVector(random, 64);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = h[i % 64];
    }
    Map<Integer, double[]> diagonals = new TreeMap<>();
    for (int k = 0; k < 64; k++) {
      double[] d = new double[outputs];
      for (int i = 0; i < outputs; i++) {
        d[i] = w[i][(i + k) % 64];
      }
      diagonals.put(k, d);
    }
    LinearTransform t = new LinearTransform(n, diagonals);
    SimulatedBackend be = new SimulatedBackend(n, 2, 1);
    double[] out = be.output(t.apply(be, be.input(x)));
    for (int i = 0; i < outputs; i++) {
      double e = 0;
      for (int j = 0; j < 64; j++) {
        e += w[i][j] * h[j];
      }
      assertEquals(e, out[i], TOL, "logit " + i);
    }
    assertEquals(14, be.stats().total(OpKind.ROTATE).count());
  }

  @Test
  void applyAllSharesBabyStepsAndEqualsSeparateApplies() {
    Random random = new Random(15);
    int n = 256;
    for (int trial = 0; trial < 10; trial++) {
      int n1 = 1 + random.nextInt(32);
      List<LinearTransform> ts = new ArrayList<>();
      List<Map<Integer, double[]>> maps = new ArrayList<>();
      for (int j = 0; j < 3; j++) {
        Map<Integer, double[]> d = randomDiagonals(random, n, anywhereOffsets(random, n));
        maps.add(d);
        ts.add(new LinearTransform(n, d, n1));
      }
      double[] x = randomVector(random, n);
      SimulatedBackend be = new SimulatedBackend(n, 2, 1);
      SimulatedBackend.Value in = be.input(x);
      List<SimulatedBackend.Value> outs = LinearTransform.applyAll(be, in, ts);
      SortedSet<Integer> babies = new TreeSet<>();
      long giants = 0;
      SortedSet<Integer> steps = new TreeSet<>();
      for (int j = 0; j < 3; j++) {
        assertClose(naive(n, maps.get(j), x), be.output(outs.get(j)), "trial " + trial + " transform " + j);
        assertEquals(1, be.level(outs.get(j)));
        babies.addAll(ts.get(j).babyRotationSteps());
        giants += ts.get(j).giantRotationSteps().size();
        steps.addAll(ts.get(j).rotationSteps());
      }
      assertEquals(babies.size() + giants, be.stats().total(OpKind.ROTATE).count(), "trial " + trial);
      assertEquals(steps, be.stats().rotationSteps());
      assertEquals(4, be.stats().liveValues(), "input and three outputs only");
    }
  }

  @Test
  void applySumSharesGiantStepsAndEqualsTheSumOfApplies() {
    Random random = new Random(16);
    int n = 256;
    for (int trial = 0; trial < 10; trial++) {
      int n1 = 1 + random.nextInt(32);
      List<LinearTransform> ts = new ArrayList<>();
      List<double[]> xs = new ArrayList<>();
      double[] expected = new double[n];
      for (int j = 0; j < 2; j++) {
        Map<Integer, double[]> d = randomDiagonals(random, n, anywhereOffsets(random, n));
        ts.add(new LinearTransform(n, d, n1));
        double[] x = randomVector(random, n);
        xs.add(x);
        double[] part = naive(n, d, x);
        for (int i = 0; i < n; i++) {
          expected[i] += part[i];
        }
      }
      SimulatedBackend be = new SimulatedBackend(n, 2, 1);
      List<SimulatedBackend.Value> ins = List.of(be.input(xs.get(0)), be.input(xs.get(1)));
      SimulatedBackend.Value out = LinearTransform.applySum(be, ins, ts);
      assertClose(expected, be.output(out), "trial " + trial);
      SortedSet<Integer> giants = new TreeSet<>();
      long babies = 0;
      for (LinearTransform t : ts) {
        giants.addAll(t.giantRotationSteps());
        babies += t.babyRotationSteps().size();
      }
      assertEquals(babies + giants.size(), be.stats().total(OpKind.ROTATE).count(), "trial " + trial);
      SortedSet<Integer> groups = new TreeSet<>(giants);
      if (ts.get(0).giantGroupCount() > ts.get(0).giantRotationSteps().size()
          || ts.get(1).giantGroupCount() > ts.get(1).giantRotationSteps().size()) {
        groups.add(0);
      }
      assertEquals(groups.size(), be.stats().total(OpKind.RESCALE).count(), "one rescaling per shared giant group");
      assertEquals(1, be.level(out));
      assertEquals(3, be.stats().liveValues(), "two inputs and the output only");

      // Inputs on different levels: the higher one is dropped once, before its baby rotations.
      SimulatedBackend.Value low = be.dropToLevel(ins.get(1), 1);
      long drops = be.stats().total(OpKind.DROP).count();
      SimulatedBackend.Value mixed = LinearTransform.applySum(be, List.of(ins.get(0), low), ts);
      assertClose(expected, be.output(mixed), "mixed levels, trial " + trial);
      assertEquals(0, be.level(mixed));
      assertEquals(drops + 1, be.stats().total(OpKind.DROP).count(), "one drop for the higher input");
      assertEquals(5, be.stats().liveValues(), "inputs, low, two outputs");
    }
  }

  @Test
  void fc2AsASumOfTwoBlockDiagonalTransforms() {
    // the MLP's second layer: 128 hidden units in two 64-wide values, out = W_a h_a + W_b h_b
    int n = 8192;
    int rows = 17;
    Random random = new Random(17);
    double[][] wa = randomMatrix(random);
    double[][] wb = randomMatrix(random);
    double[] ha = new double[n];
    double[] hb = new double[n];
    for (int i = 0; i < rows * 64; i++) {
      ha[i] = random.nextGaussian();
      hb[i] = random.nextGaussian();
    }
    List<LinearTransform> ts =
        List.of(new LinearTransform(n, blockDiagonals(wa, rows, n), 8),
            new LinearTransform(n, blockDiagonals(wb, rows, n), 8));
    SimulatedBackend be = new SimulatedBackend(n, 3, 1);
    double[] out = be.output(LinearTransform.applySum(be, List.of(be.input(ha), be.input(hb)), ts));
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < 64; f++) {
        double e = 0;
        for (int j = 0; j < 64; j++) {
          e += wa[f][j] * ha[r * 64 + j] + wb[f][j] * hb[r * 64 + j];
        }
        assertEquals(e, out[r * 64 + f], TOL);
      }
    }
    assertEquals(7 + 7 + 15, be.stats().total(OpKind.ROTATE).count());
  }

  @Test
  void giantStepsEqualModNShareOneRotation() {
    // n = 16, n1 = 8, offsets -4..10: giants -8 and 8 are the same rotation mod 16
    int n = 16;
    Random random = new Random(18);
    Map<Integer, double[]> diagonals = randomDiagonals(random, n, range(-4, 10));
    LinearTransform t = new LinearTransform(n, diagonals, 8);
    assertEquals(new TreeSet<>(List.of(1, 2, 3, 4, 5, 6, 7, 8)), t.rotationSteps());
    SimulatedBackend be = new SimulatedBackend(n, 1, 0);
    double[] x = randomVector(random, n);
    assertClose(naive(n, diagonals, x), be.output(t.apply(be, be.input(x))), "merged giants");
    assertEquals(8, be.stats().total(OpKind.ROTATE).count());
  }

  @Test
  void offsetsGivenModNAreReadAsTheShortestArc() {
    // 8189..8191 are -3..-1: the decomposition must be the one of -3..2, not of an arc spanning 8189 slots
    int n = 8192;
    Random random = new Random(20);
    Map<Integer, double[]> wrapped = randomDiagonals(random, n, List.of(8189, 8190, 8191, 0, 1, 2));
    LinearTransform t = new LinearTransform(n, wrapped, 4);
    assertEquals(new TreeSet<>(List.of(-4, 1, 2, 3)), t.rotationSteps());
    assertEquals(List.of(-4, 1, 2, 3).size(), t.rotationCount());
    assertEquals(4, LinearTransform.rotationCount(n, List.of(-3, -2, -1, 0, 1, 2), 4));
    SimulatedBackend be = new SimulatedBackend(n, 1, 0);
    double[] x = randomVector(random, n);
    assertClose(naive(n, wrapped, x), be.output(t.apply(be, be.input(x))), "wrapped offsets");
    // offsets around n/2 stay there: steps are reported in (-n/2, n/2]
    LinearTransform half = new LinearTransform(n, randomDiagonals(random, n, List.of(4095, 4096, 4097)), 2);
    assertEquals(new TreeSet<>(List.of(1, 4094, 4096)), half.rotationSteps());
  }

  @Test
  void zeroDiagonalsAreSkipped() {
    int n = 64;
    Map<Integer, double[]> d = new TreeMap<>();
    d.put(3, new double[] {1, 2, 3});
    d.put(-20, new double[n]);
    d.put(9, new double[0]);
    LinearTransform t = new LinearTransform(n, d, 4);
    assertEquals(1, t.diagonalCount());
    assertEquals(new TreeSet<>(List.of(3)), t.rotationSteps());

    LinearTransform zero = new LinearTransform(n, Map.of(5, new double[4]));
    SimulatedBackend be = new SimulatedBackend(n, 2, 1);
    SimulatedBackend.Value out = zero.apply(be, be.input(randomVector(new Random(19), n)));
    assertClose(new double[n], be.output(out), "zero map");
    assertEquals(1, be.level(out));
    assertEquals(0, be.stats().total(OpKind.ROTATE).count());
  }

  @Test
  void applyAtLevelZeroRunsOutOfLevels() {
    int n = 16;
    LinearTransform t = new LinearTransform(n, Map.of(1, new double[] {1}));
    SimulatedBackend be = new SimulatedBackend(n, 0, 0);
    assertThrows(OutOfLevelsException.class, () -> t.apply(be, be.input(new double[] {1, 2})));
  }

  @Test
  void badInputsAreRejectedWithTheOffendingValue() {
    int n = 16;
    assertMessage("offset 16", () -> new LinearTransform(n, Map.of(16, new double[] {1})));
    assertMessage("offset -16", () -> new LinearTransform(n, Map.of(-16, new double[] {1})));
    assertMessage("offsets -13 and 3", () -> new LinearTransform(n, new TreeMap<>(Map.of(3, new double[] {1},
        -13, new double[] {1}))));
    assertMessage("17 values", () -> new LinearTransform(n, Map.of(1, new double[17])));
    assertMessage("NaN", () -> new LinearTransform(n, Map.of(1, new double[] {0, Double.NaN})));
    assertMessage("Infinity", () -> new LinearTransform(n, Map.of(1, new double[] {Double.POSITIVE_INFINITY})));
    Map<Integer, double[]> nullDiagonal = new TreeMap<>();
    nullDiagonal.put(2, null);
    assertMessage("offset 2 is null", () -> new LinearTransform(n, nullDiagonal));
    assertMessage("got 0", () -> new LinearTransform(n, Map.of(1, new double[] {1}), 0));
    assertMessage("got 17", () -> new LinearTransform(n, Map.of(1, new double[] {1}), 17));
    assertMessage("got -3", () -> new LinearTransform(-3, Map.of()));

    LinearTransform t = new LinearTransform(n, Map.of(1, new double[] {1}), 4);
    LinearTransform t8 = new LinearTransform(n, Map.of(1, new double[] {1}), 8);
    SimulatedBackend wrong = new SimulatedBackend(32, 1, 0);
    assertMessage("16 slots, the backend has 32", () -> t.apply(wrong, wrong.input(new double[1])));
    SimulatedBackend be = new SimulatedBackend(n, 1, 0);
    SimulatedBackend.Value x = be.input(new double[] {1});
    assertMessage("transform 1 has 8", () -> LinearTransform.applyAll(be, x, List.of(t, t8)));
    assertMessage("transform 1 has 8", () -> LinearTransform.applySum(be, List.of(x, x), List.of(t, t8)));
    assertMessage("1 inputs for 2 transforms", () -> LinearTransform.applySum(be, List.of(x), List.of(t, t)));
    assertMessage("no transforms", () -> LinearTransform.applyAll(be, x, List.of()));
    assertMessage("17 values", () -> t.applyPlain(new double[17]));
    assertMessage("NaN in slot 1", () -> t.applyPlain(new double[] {0, Double.NaN}));
  }

  // ---- helpers

  /** Random offsets anywhere in (-n, n), distinct mod n, with the extremes and negatives likely. */
  static List<Integer> anywhereOffsets(Random random, int n) {
    TreeMap<Integer, Integer> byResidue = new TreeMap<>();
    int count = 1 + random.nextInt(Math.min(n, 24));
    int[] specials = {n - 1, -(n - 1), -1, 1, 0, n / 2, -n / 2};
    for (int j = 0; j < count; j++) {
      int k = random.nextInt(4) == 0 ? specials[random.nextInt(specials.length)] : random.nextInt(2 * n - 1) - (n - 1);
      byResidue.putIfAbsent(Math.floorMod(k, n), k);
    }
    return new ArrayList<>(byResidue.values());
  }

  /** Random diagonals, some shorter than n (missing slots are 0). */
  static Map<Integer, double[]> randomDiagonals(Random random, int n, List<Integer> offsets) {
    Map<Integer, double[]> d = new TreeMap<>();
    for (int k : offsets) {
      double[] v = new double[random.nextInt(3) == 0 ? 1 + random.nextInt(n) : n];
      for (int i = 0; i < v.length; i++) {
        v[i] = 2 * random.nextDouble() - 1;
      }
      d.put(k, v);
    }
    return d;
  }

  /** Diagonals of the block-diagonal matrix with {@code rows} copies of the 64x64 block w (then zeros). */
  static Map<Integer, double[]> blockDiagonals(double[][] w, int rows, int n) {
    Map<Integer, double[]> d = new TreeMap<>();
    for (int k = -63; k <= 63; k++) {
      double[] v = new double[n];
      for (int r = 0; r < rows; r++) {
        for (int f = 0; f < 64; f++) {
          if (f + k >= 0 && f + k < 64) {
            v[r * 64 + f] = w[f][f + k];
          }
        }
      }
      d.put(k, v);
    }
    return d;
  }

  static double[][] randomMatrix(Random random) {
    double[][] w = new double[64][64];
    for (double[] row : w) {
      for (int j = 0; j < 64; j++) {
        row[j] = random.nextGaussian() / 8;
      }
    }
    return w;
  }

  /** out[i] = sum_k d_k[i] x[(i + k) mod n], straight from the definition. */
  static double[] naive(int n, Map<Integer, double[]> diagonals, double[] x) {
    double[] out = new double[n];
    for (Map.Entry<Integer, double[]> e : diagonals.entrySet()) {
      double[] d = e.getValue();
      for (int i = 0; i < d.length; i++) {
        out[i] += d[i] * x[Math.floorMod(i + e.getKey(), n)];
      }
    }
    return out;
  }

  /** step mod n in (-n/2, n/2]. */
  static int canonical(int step, int n) {
    int m = Math.floorMod(step, n);
    return m > n / 2 ? m - n : m;
  }

  static double[] randomVector(Random random, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 2 * random.nextDouble() - 1;
    }
    return x;
  }

  static List<Integer> range(int lo, int hi) {
    List<Integer> r = new ArrayList<>();
    for (int k = lo; k <= hi; k++) {
      r.add(k);
    }
    return r;
  }

  private static Map<Integer, double[]> onesMap(List<Integer> offsets) {
    Map<Integer, double[]> d = new TreeMap<>();
    for (int k : offsets) {
      d.put(k, new double[] {1});
    }
    return d;
  }

  private static LinearTransform ones(int n, List<Integer> offsets) {
    return new LinearTransform(n, onesMap(offsets));
  }

  static void assertClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], TOL, what + ": slot " + i);
    }
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().contains(part), "message '" + ex.getMessage() + "' lacks '" + part + "'");
  }
}
