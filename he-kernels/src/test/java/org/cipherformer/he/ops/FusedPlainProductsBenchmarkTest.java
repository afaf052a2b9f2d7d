package org.cipherformer.he.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cipherformer.he.Ciphertext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Side by side in one JVM on CKKS n16384: the ViT's 64x64 linear layer (offsets -63..63, 119 rows, n1 = 16) and a
 * degree-15 Chebyshev series, evaluated (a) as before the fused plain products (a proxy turns every
 * {@code mulPlainSum}/{@code mulConstSum} into {@code mulPlain}/{@code mulConst} + {@code add}, one rescaling per term,
 * on a backend with the encode cache off), (b) fused with a cold encode cache, (c) fused with a warm cache. Rounds
 * alternate (a) and (b)/(c) to spread the machine's load. Prints wall time and time by operation kind; not a
 * regression test (no timing assertions). Runs only when asked:
 *
 * <pre>
 *   mvn -B -q -ntp -pl he-kernels test -Dtest=FusedPlainProductsBenchmarkTest -Dcipherformer.bench=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "cipherformer.bench", matches = "true")
class FusedPlainProductsBenchmarkTest {
  private static final int ROUNDS = Integer.getInteger("cipherformer.bench.repeats", 3);

  /** {@code be} with every fused sum replaced by separate products and additions (the behaviour before fusing). */
  @SuppressWarnings("unchecked")
  static HeBackend<Ciphertext> separateProducts(CkksBackend be) {
    return (HeBackend<Ciphertext>) Proxy.newProxyInstance(FusedPlainProductsBenchmarkTest.class.getClassLoader(),
        new Class<?>[] {HeBackend.class}, (proxy, m, a) -> {
          boolean plain = m.getName().equals("mulPlainSum");
          if (plain || m.getName().equals("mulConstSum")) {
            List<Ciphertext> xs = (List<Ciphertext>) a[0];
            Ciphertext acc = null;
            for (int j = 0; j < xs.size(); j++) {
              Ciphertext t = plain
                  ? be.mulPlain(xs.get(j), ((List<double[]>) a[1]).get(j))
                  : be.mulConst(xs.get(j), ((double[]) a[1])[j]);
              if (acc == null) {
                acc = t;
              } else {
                Ciphertext s = be.add(acc, t);
                be.release(acc);
                be.release(t);
                acc = s;
              }
            }
            return acc;
          }
          try {
            return m.invoke(be, a);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static long[] snapshot(OpStats s) {
    long[] r = new long[2 * OpKind.values().length];
    for (OpKind k : OpKind.values()) {
      r[2 * k.ordinal()] = s.total(k).count();
      r[2 * k.ordinal() + 1] = s.total(k).nanos();
    }
    return r;
  }

  private static String since(OpStats s, long[] before) {
    StringBuilder sb = new StringBuilder();
    for (OpKind k : OpKind.values()) {
      long count = s.total(k).count() - before[2 * k.ordinal()];
      if (count > 0) {
        sb.append(String.format(" %s %d/%.0f ms", k, count, (s.total(k).nanos() - before[2 * k.ordinal() + 1]) / 1e6));
      }
    }
    return sb.toString();
  }

  @Test
  void layerAndSeriesBeforeAndAfter() {
    int n = 8192;
    Random random = new Random(45);
    Map<Integer, double[]> diagonals =
        LinearTransformTest.blockDiagonals(LinearTransformTest.randomMatrix(random), 17 * 7, n);
    LinearTransform layer = new LinearTransform(n, diagonals, 16);
    double[] coefficients = new double[16];
    for (int k = 0; k < 16; k++) {
      coefficients[k] = random.nextGaussian() / (k + 1);
    }
    ChebyshevSeries series = new ChebyshevSeries(coefficients, -1, 1);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 2 * random.nextDouble() - 1;
    }
    double[] layerRef = layer.applyPlain(x);
    try (CkksKeyHolder holder = new CkksKeyHolder(CkksParameters.n16384());
        CkksBackend uncached = new CkksBackend(holder.parameters(), holder.context(),
            holder.generateEvaluationKeys(layer.rotationSteps()), holder, CkksBackend.DEFAULT_MASK_BOUND, 0);
        CkksBackend fused = CkksBackend.inProcess(holder, layer.rotationSteps())) {
      HeBackend<Ciphertext> before = separateProducts(uncached);
      for (int round = 0; round < ROUNDS; round++) {
        for (int variant = 0; variant < 2; variant++) {
          CkksBackend be = variant == 0 ? uncached : fused;
          HeBackend<Ciphertext> h = variant == 0 ? before : fused;
          String name = variant == 0 ? "before (rescale per product, no cache)"
              : round == 0 ? "fused, cold encode cache" : "fused, warm encode cache";
          Ciphertext in = be.input(holder.encrypt(x));
          long[] s0 = snapshot(be.stats());
          long t0 = System.nanoTime();
          Ciphertext out = layer.apply(h, in);
          long t1 = System.nanoTime();
          double err = CkksBackendTest.maxError(layerRef, holder.decrypt(out));
          System.out.printf("64x64 layer  %-40s %6.0f ms  err %.1e |%s%n", name, (t1 - t0) / 1e6, err,
              since(be.stats(), s0));
          assertTrue(err < 1e-6, name + ": layer error " + err);
          long[] s1 = snapshot(be.stats());
          t0 = System.nanoTime();
          Ciphertext p = series.evaluateUnit(h, in);
          t1 = System.nanoTime();
          double[] got = holder.decrypt(p);
          double perr = 0;
          for (int i = 0; i < n; i++) {
            perr = Math.max(perr, Math.abs(got[i] - series.value(x[i])));
          }
          System.out.printf("degree 15    %-40s %6.0f ms  err %.1e |%s%n", name, (t1 - t0) / 1e6, perr,
              since(be.stats(), s1));
          assertTrue(perr < 1e-6, name + ": series error " + perr);
          be.release(in);
          be.release(out);
          be.release(p);
        }
      }
      System.out.printf("encode cache: %d hits, %d misses, %.1f MB%n", fused.encodeCacheHits(),
          fused.encodeCacheMisses(), fused.encodeCacheBytes() / 1e6);
    }
  }
}
