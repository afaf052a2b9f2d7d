package org.cipherformer.he.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.NativeThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Times one 64x64 block-diagonal {@link LinearTransform} (17 rows x 7 inputs in 8192 slots, offsets -63..63) on CKKS
 * n16384 with 1 and 2 native threads, n1 = 8 and 16; prints the median and the split by operation kind. Not a
 * regression test (no timing assertions); runs only when asked:
 *
 * <pre>
 *   mvn -B -q -ntp -pl he-kernels test -Dtest=LinearTransformBenchmarkTest -Dcipherformer.bench=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "cipherformer.bench", matches = "true")
class LinearTransformBenchmarkTest {
  private static final int REPEATS = Integer.getInteger("cipherformer.bench.repeats", 5);

  @Test
  void blockDiagonal64x64OnN16384() {
    int n = 8192;
    Random random = new Random(51);
    Map<Integer, double[]> diagonals =
        LinearTransformTest.blockDiagonals(LinearTransformTest.randomMatrix(random), 17 * 7, n);
    List<LinearTransform> transforms =
        List.of(new LinearTransform(n, diagonals, 8), new LinearTransform(n, diagonals, 16));
    SortedSet<Integer> steps = new TreeSet<>();
    transforms.forEach(t -> steps.addAll(t.rotationSteps()));
    double[] x = new double[n];
    for (int i = 0; i < 17 * 7 * 64; i++) {
      x[i] = 2 * random.nextDouble() - 1;
    }
    int threadsBefore = NativeThreads.threadCount();
    try (CkksKeyHolder holder = new CkksKeyHolder(CkksParameters.n16384());
        CkksBackend ckks = CkksBackend.inProcess(holder, steps)) {
      Ciphertext in = ckks.input(holder.encrypt(x));
      for (int threads : new int[] {1, 2}) {
        NativeThreads.setThreadCount(threads);
        for (LinearTransform t : transforms) {
          ckks.release(t.apply(ckks, in)); // warm-up
          Map<OpKind, Long> before = nanosByKind(ckks.stats());
          long[] ms = new long[REPEATS];
          for (int r = 0; r < REPEATS; r++) {
            long start = System.nanoTime();
            Ciphertext out = t.apply(ckks, in);
            ms[r] = (System.nanoTime() - start) / 1_000_000;
            if (r == REPEATS - 1) {
              double err = LinearTransformCkksTest.maxError(t.applyPlain(x), holder.decrypt(out));
              assertTrue(err <= LinearTransformCkksTest.BOUND, "error " + err);
            }
            ckks.release(out);
          }
          Arrays.sort(ms);
          Map<OpKind, Long> after = nanosByKind(ckks.stats());
          StringBuilder split = new StringBuilder();
          for (OpKind k : OpKind.values()) {
            long ns = after.get(k) - before.get(k);
            if (ns > 0) {
              split.append(String.format(" %s %.0f", k, ns / 1e6 / REPEATS));
            }
          }
          System.out.printf(
              "64x64 block-diagonal on n16384, %d thread(s), n1 = %2d (%d rotations, 127 products): median %d ms"
                  + " (min %d, max %d, %d runs); per run, ms:%s%n",
              threads, t.babySteps(), t.rotationCount(), ms[REPEATS / 2], ms[0], ms[REPEATS - 1], REPEATS, split);
        }
      }
      ckks.release(in);
    } finally {
      NativeThreads.setThreadCount(threadsBefore);
    }
  }

  private static Map<OpKind, Long> nanosByKind(OpStats stats) {
    Map<OpKind, Long> m = new EnumMap<>(OpKind.class);
    for (OpKind k : OpKind.values()) {
      m.put(k, stats.total(k).nanos());
    }
    return m;
  }
}
