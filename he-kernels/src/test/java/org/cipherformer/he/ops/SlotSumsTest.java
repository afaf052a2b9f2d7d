package org.cipherformer.he.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link SlotSums} on the simulated backend against naive window sums. */
class SlotSumsTest {
  private static final double TOL = 1e-12;
  private static final int N = 256;

  @Test
  void sumWindowEqualsTheNaiveSum() {
    Random random = new Random(21);
    for (int stride : new int[] {1, 3, 64, -5}) {
      for (int width = 1; (long) width * Math.abs(stride) <= N; width *= 2) {
        double[] x = LinearTransformTest.randomVector(random, N);
        SimulatedBackend be = new SimulatedBackend(N, 1, 0);
        SimulatedBackend.Value in = be.input(x);
        SimulatedBackend.Value out =
            stride == 1 ? SlotSums.sumWindow(be, in, width) : SlotSums.sumWindow(be, in, width, stride);
        double[] r = be.output(out);
        for (int i = 0; i < N; i++) {
          double e = 0;
          for (int j = 0; j < width; j++) {
            e += x[Math.floorMod(i + j * stride, N)];
          }
          assertEquals(e, r[i], TOL, "width " + width + " stride " + stride + " slot " + i);
        }
        int[] steps = SlotSums.sumWindowSteps(width, stride);
        assertEquals(Integer.numberOfTrailingZeros(width), steps.length);
        assertEquals(steps.length, be.stats().total(OpKind.ROTATE).count());
        assertEquals(asSet(steps), be.stats().rotationSteps());
        assertEquals(1, be.level(out), "no level used");
        be.release(in);
        be.release(out);
        assertEquals(0, be.stats().liveValues(), "leaked intermediates");
      }
    }
    assertArrayEquals(new int[] {1, 2, 4, 8, 16, 32}, SlotSums.sumWindowSteps(64));
    assertArrayEquals(new int[] {64, 128}, SlotSums.sumWindowSteps(4, 64));
  }

  @Test
  void replicateEqualsTheNaiveBackwardSumAndCopiesIsolatedSlots() {
    Random random = new Random(22);
    for (int stride : new int[] {1, 7, 16, -2}) {
      for (int width = 1; (long) width * Math.abs(stride) <= N; width *= 2) {
        double[] x = LinearTransformTest.randomVector(random, N);
        SimulatedBackend be = new SimulatedBackend(N, 1, 0);
        SimulatedBackend.Value in = be.input(x);
        SimulatedBackend.Value out =
            stride == 1 ? SlotSums.replicate(be, in, width) : SlotSums.replicate(be, in, width, stride);
        double[] r = be.output(out);
        for (int i = 0; i < N; i++) {
          double e = 0;
          for (int j = 0; j < width; j++) {
            e += x[Math.floorMod(i - j * stride, N)];
          }
          assertEquals(e, r[i], TOL, "width " + width + " stride " + stride + " slot " + i);
        }
        assertEquals(asSet(SlotSums.replicateSteps(width, stride)), be.stats().rotationSteps());
        be.release(in);
        be.release(out);
        assertEquals(0, be.stats().liveValues());
      }
    }
    assertArrayEquals(new int[] {-1, -2, -4, -8}, SlotSums.replicateSteps(16));

    // LayerNorm's use: a value at column 0 of each 64-wide row copied to the whole row
    double[] x = new double[N];
    for (int row = 0; row < N / 64; row++) {
      x[row * 64] = row + 0.5;
    }
    SimulatedBackend be = new SimulatedBackend(N, 1, 0);
    double[] r = be.output(SlotSums.replicate(be, be.input(x), 64));
    for (int i = 0; i < N; i++) {
      assertEquals(i / 64 + 0.5, r[i], TOL, "slot " + i);
    }
  }

  @Test
  void rowSumThenReplicateGivesTheRowMeanEverywhere() {
    Random random = new Random(23);
    double[] x = LinearTransformTest.randomVector(random, N);
    SimulatedBackend be = new SimulatedBackend(N, 2, 1);
    SimulatedBackend.Value sums = SlotSums.sumWindow(be, be.input(x), 64);
    double[] mask = new double[N];
    for (int row = 0; row < N / 64; row++) {
      mask[row * 64] = 1.0 / 64;
    }
    double[] r = be.output(SlotSums.replicate(be, be.mulPlain(sums, mask), 64));
    for (int row = 0; row < N / 64; row++) {
      double mean = Arrays.stream(x, row * 64, row * 64 + 64).sum() / 64;
      for (int f = 0; f < 64; f++) {
        assertEquals(mean, r[row * 64 + f], TOL);
      }
    }
  }

  @Test
  void badWidthsAndStridesAreRejected() {
    SimulatedBackend be = new SimulatedBackend(N, 1, 0);
    SimulatedBackend.Value x = be.input(new double[] {1});
    for (int width : new int[] {0, 3, -4, 96}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SlotSums.sumWindow(be, x, width));
      assertTrue(e.getMessage().contains("got " + width), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> SlotSums.replicate(be, x, width));
      assertThrows(IllegalArgumentException.class, () -> SlotSums.sumWindowSteps(width));
      assertThrows(IllegalArgumentException.class, () -> SlotSums.replicateSteps(width));
    }
    IllegalArgumentException zero =
        assertThrows(IllegalArgumentException.class, () -> SlotSums.sumWindow(be, x, 4, 0));
    assertTrue(zero.getMessage().contains("got 0"), zero.getMessage());
    IllegalArgumentException wide =
        assertThrows(IllegalArgumentException.class, () -> SlotSums.replicate(be, x, 8, 64));
    assertTrue(wide.getMessage().contains("8 slots at stride 64"), wide.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SlotSums.sumWindow(be, x, 512));
  }

  private static SortedSet<Integer> asSet(int[] steps) {
    SortedSet<Integer> s = new TreeSet<>();
    for (int v : steps) {
      s.add(v);
    }
    return s;
  }
}
