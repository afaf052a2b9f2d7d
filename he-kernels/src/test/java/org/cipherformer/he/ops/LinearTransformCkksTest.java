package org.cipherformer.he.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import org.cipherformer.he.Ciphertext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link LinearTransform} and {@link SlotSums} on {@link CkksBackend}, decrypted and compared with the plain map.
 *
 * <p>Bound: absolute error at most {@value #BOUND} per slot, for diagonals and inputs in [-1, 1] (or Gaussian/8
 * weights), up to 127 diagonals and window sums of up to 64 slots; a misplaced diagonal or rotation gives errors of
 * order 0.1. The random maps, applyAll/applySum and window sums run on a small chain (N = 8192, primes 50, 40, 40,
 * 60: 4096 slots, top level 2), the transformer's 64x64 block-diagonal layer on the default preset n16384. Measured
 * (printed): 2e-8 .. 5e-8 on the small chain, 1.5e-7 for the 64x64 layer on n16384. The small chain's first prime
 * must stay below the 60-bit special prime: with primes 60, 40, 40, 60 the same tests measured 0.9e-6 .. 2.8e-6
 * (key-switching noise of the 60-bit digit is not divided down by P; see {@link CkksParameters}).
 */
class LinearTransformCkksTest {
  static final double BOUND = 1e-6;

  static CkksKeyHolder smallHolder;
  static CkksBackend small;
  static final List<LinearTransform> RANDOM_MAPS = new ArrayList<>();
  static final List<LinearTransform> SHARED = new ArrayList<>();
  static final int N_SMALL = 4096;

  @BeforeAll
  static void setUp() {
    Random random = new Random(41);
    for (int j = 0; j < 4; j++) {
      RANDOM_MAPS.add(new LinearTransform(N_SMALL, LinearTransformTest.randomDiagonals(random, N_SMALL,
          fewOffsets(random)), 1 + random.nextInt(12)));
    }
    for (int j = 0; j < 2; j++) {
      SHARED.add(new LinearTransform(N_SMALL, LinearTransformTest.randomDiagonals(random, N_SMALL,
          LinearTransformTest.range(-20 + 7 * j, 15 + 3 * j)), 8));
    }
    SortedSet<Integer> steps = new TreeSet<>();
    for (LinearTransform t : RANDOM_MAPS) {
      steps.addAll(t.rotationSteps());
    }
    for (LinearTransform t : SHARED) {
      steps.addAll(t.rotationSteps());
    }
    for (int s : SlotSums.sumWindowSteps(64)) {
      steps.add(s);
    }
    for (int s : SlotSums.replicateSteps(64)) {
      steps.add(s);
    }
    for (int s : SlotSums.sumWindowSteps(8, 64)) {
      steps.add(s);
    }
    smallHolder = new CkksKeyHolder(CkksParameters.custom(8192, new int[] {50, 40, 40, 60}, 40, 1));
    small = CkksBackend.inProcess(smallHolder, steps);
  }

  @AfterAll
  static void tearDown() {
    small.close();
    smallHolder.close();
  }

  @Test
  void randomMapsWithWrapAroundOffsets() {
    Random random = new Random(42);
    for (int j = 0; j < RANDOM_MAPS.size(); j++) {
      LinearTransform t = RANDOM_MAPS.get(j);
      double[] x = LinearTransformTest.randomVector(random, N_SMALL);
      long rotationsBefore = small.stats().total(OpKind.ROTATE).count();
      Ciphertext in = small.input(smallHolder.encrypt(x));
      Ciphertext out = t.apply(small, in);
      double err = maxError(t.applyPlain(x), smallHolder.decrypt(out));
      System.out.printf("CKKS random map %d: %d diagonals, n1 = %d, %d rotations, max abs error %.3e%n",
          j, t.diagonalCount(), t.babySteps(), t.rotationCount(), err);
      assertTrue(err <= BOUND, "map " + j + ": error " + err);
      assertEquals(small.topLevel() - 1, small.level(out));
      assertEquals(t.rotationCount(), small.stats().total(OpKind.ROTATE).count() - rotationsBefore);
      small.release(in);
      small.release(out);
    }
    assertEquals(0, small.stats().liveValues(), "leaked ciphertexts");
  }

  @Test
  void applyAllAndApplySum() {
    Random random = new Random(43);
    double[] x = LinearTransformTest.randomVector(random, N_SMALL);
    double[] y = LinearTransformTest.randomVector(random, N_SMALL);
    Ciphertext cx = small.input(smallHolder.encrypt(x));
    Ciphertext cy = small.input(smallHolder.encrypt(y));
    List<Ciphertext> all = LinearTransform.applyAll(small, cx, SHARED);
    double worst = 0;
    for (int j = 0; j < SHARED.size(); j++) {
      worst = Math.max(worst, maxError(SHARED.get(j).applyPlain(x), smallHolder.decrypt(all.get(j))));
      small.release(all.get(j));
    }
    System.out.printf("CKKS applyAll (2 transforms, 35 and 32 diagonals): max abs error %.3e%n", worst);
    assertTrue(worst <= BOUND, "applyAll error " + worst);

    Ciphertext sum = LinearTransform.applySum(small, List.of(cx, cy), SHARED);
    double[] expected = SHARED.get(0).applyPlain(x);
    double[] second = SHARED.get(1).applyPlain(y);
    for (int i = 0; i < expected.length; i++) {
      expected[i] += second[i];
    }
    double err = maxError(expected, smallHolder.decrypt(sum));
    System.out.printf("CKKS applySum (2 inputs): max abs error %.3e%n", err);
    assertTrue(err <= BOUND, "applySum error " + err);
    small.release(sum);
    small.release(cx);
    small.release(cy);
  }

  @Test
  void windowSumsAndReplication() {
    Random random = new Random(44);
    double[] x = LinearTransformTest.randomVector(random, N_SMALL);
    Ciphertext cx = small.input(smallHolder.encrypt(x));
    SimulatedBackend sim = new SimulatedBackend(N_SMALL, small.topLevel(), small.refreshFloor());
    SimulatedBackend.Value sx = sim.input(x);
    double worst = 0;
    Ciphertext r = SlotSums.sumWindow(small, cx, 64);
    worst = Math.max(worst, maxError(sim.output(SlotSums.sumWindow(sim, sx, 64)), smallHolder.decrypt(r)));
    small.release(r);
    r = SlotSums.replicate(small, cx, 64);
    worst = Math.max(worst, maxError(sim.output(SlotSums.replicate(sim, sx, 64)), smallHolder.decrypt(r)));
    small.release(r);
    r = SlotSums.sumWindow(small, cx, 8, 64);
    worst = Math.max(worst, maxError(sim.output(SlotSums.sumWindow(sim, sx, 8, 64)), smallHolder.decrypt(r)));
    assertEquals(small.topLevel(), small.level(r), "no level used");
    small.release(r);
    small.release(cx);
    System.out.printf("CKKS SlotSums (width 64, replicate 64, width 8 stride 64): max abs error %.3e%n", worst);
    assertTrue(worst <= BOUND, "SlotSums error " + worst);
  }

  @Test
  void blockDiagonal64x64OnTheDefaultPreset() {
    int n = 8192;
    Random random = new Random(45);
    double[][] w = LinearTransformTest.randomMatrix(random);
    Map<Integer, double[]> diagonals = LinearTransformTest.blockDiagonals(w, 17 * 7, n);
    LinearTransform t = new LinearTransform(n, diagonals);
    double[] x = new double[n];
    for (int i = 0; i < 17 * 7 * 64; i++) {
      x[i] = 2 * random.nextDouble() - 1;
    }
    try (CkksKeyHolder holder = new CkksKeyHolder(CkksParameters.n16384());
        CkksBackend ckks = CkksBackend.inProcess(holder, t.rotationSteps())) {
      Ciphertext in = ckks.input(holder.encrypt(x));
      Ciphertext out = t.apply(ckks, in);
      double err = maxError(t.applyPlain(x), holder.decrypt(out));
      System.out.printf("CKKS n16384 64x64 block-diagonal, 119 rows, n1 = %d (%d rotations): max abs error %.3e%n",
          t.babySteps(), t.rotationCount(), err);
      assertTrue(err <= BOUND, "error " + err);
      assertEquals(ckks.topLevel() - 1, ckks.level(out));
      assertEquals(t.rotationSteps(), ckks.stats().rotationSteps());
      assertEquals(127, ckks.stats().total(OpKind.MUL_PLAIN).count());
      assertEquals(t.giantGroupCount(), ckks.stats().total(OpKind.RESCALE).count(), "one rescaling per giant group");
      System.out.printf("  %d rescalings (one per giant group; one per diagonal before mulPlainSum: 127)%n",
          ckks.stats().total(OpKind.RESCALE).count());
      ckks.release(in);
      ckks.release(out);
      assertEquals(0, ckks.stats().liveValues());
    }
  }

  /** 1..20 random offsets in (-64, 64) plus one wrap-around offset near +-n. */
  private static List<Integer> fewOffsets(Random random) {
    TreeSet<Integer> residues = new TreeSet<>();
    List<Integer> offsets = new ArrayList<>();
    int count = 1 + random.nextInt(20);
    for (int j = 0; j < count; j++) {
      int k = random.nextInt(127) - 63;
      if (residues.add(Math.floorMod(k, N_SMALL))) {
        offsets.add(k);
      }
    }
    int wrap = random.nextBoolean() ? N_SMALL - 1 - random.nextInt(3) : -(N_SMALL - 70 - random.nextInt(3));
    if (residues.add(Math.floorMod(wrap, N_SMALL))) {
      offsets.add(wrap);
    }
    return offsets;
  }

  static double maxError(double[] expected, double[] actual) {
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    return worst;
  }
}
