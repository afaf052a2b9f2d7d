package org.cipherformer.he.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.cipherformer.he.Ciphertext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The encode cache of {@link CkksBackend} ({@link PlaintextCache}) at n16384: a second run of the same program
 * encodes nothing, results stay right; an array changed in place is re-encoded (the fingerprint), the byte bound
 * holds with LRU eviction, entries of arrays the program dropped are freed.
 */
class CkksEncodeCacheTest {
  /**
   * Absolute error bound of the program's result. One rescaled product at scale 2^40 is within about 5e-8 (see
   * CkksBackendTest); the program squares {@code s} with {@code |s| <= |x| (w1^2 + |w2|) <= 2}, which multiplies the
   * error of {@code s} by {@code 2|s| <= 4} (measured up to 1.1e-7, so 1e-7 failed once in CI).
   */
  static final double BOUND = 5e-7;
  /** Native bytes of one plaintext per prime at N = 16384. */
  static final long PER_PRIME = 8L * 16384;

  static CkksKeyHolder holder;

  @BeforeAll
  static void setUp() {
    holder = new CkksKeyHolder(CkksParameters.n16384());
  }

  @AfterAll
  static void tearDown() {
    holder.close();
  }

  static CkksBackend backend(long cacheBytes) {
    return new CkksBackend(holder.parameters(), holder.context(), holder.generateEvaluationKeys(new TreeSet<>()),
        holder, CkksBackend.DEFAULT_MASK_BOUND, cacheBytes);
  }

  static double[] random(long seed) {
    Random r = new Random(seed);
    double[] v = new double[8192];
    for (int i = 0; i < v.length; i++) {
      v[i] = 2 * r.nextDouble() - 1;
    }
    return v;
  }

  /** A program with four plain operands: w1 at level 8 (mulPlain), w1 and w2 at 7 (fused sum), bias at 5. */
  static <V> V program(HeBackend<V> b, V x, double[] w1, double[] w2, double[] bias) {
    V h = b.mulPlain(x, w1);
    V s = b.mulPlainSum(List.of(h, x), List.of(w1, w2));
    V t = b.square(s);
    V r = b.addPlain(t, bias);
    b.release(h);
    b.release(s);
    b.release(t);
    return r;
  }

  static double maxError(double[] expected, double[] actual) {
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    return worst;
  }

  static double[] simulate(double[] x, double[] w1, double[] w2, double[] bias) {
    SimulatedBackend sim = new SimulatedBackend(8192, 8, 1);
    return sim.output(program(sim, sim.input(x), w1, w2, bias));
  }

  /** Runs the program on the backend and returns the decrypted result. */
  static double[] run(CkksBackend be, double[] x, double[] w1, double[] w2, double[] bias) {
    Ciphertext cx = be.input(holder.encrypt(x));
    Ciphertext r = program(be, cx, w1, w2, bias);
    double[] out = holder.decrypt(r);
    be.release(cx);
    be.release(r);
    return out;
  }

  @Test
  void secondRunEncodesNothingAndMutationIsReencoded() {
    double[] x = random(1);
    double[] w1 = random(2);
    double[] w2 = random(3);
    double[] bias = random(4);
    try (CkksBackend be = backend(CkksBackend.DEFAULT_ENCODE_CACHE_BYTES)) {
      double err1 = maxError(simulate(x, w1, w2, bias), run(be, x, w1, w2, bias));
      // (w1, 8), (w1, 7), (w2, 7), (bias, 5): four encodings, 9 + 8 + 8 + 6 primes.
      assertEquals(0, be.encodeCacheHits());
      assertEquals(4, be.encodeCacheMisses());
      assertEquals(31 * PER_PRIME, be.encodeCacheBytes());
      long encodes = be.stats().total(OpKind.ENCODE).count();
      assertEquals(4, encodes, "ENCODE counts every plain operand, like SimulatedBackend");

      double err2 = maxError(simulate(x, w1, w2, bias), run(be, x, w1, w2, bias));
      assertEquals(4, be.encodeCacheHits(), "second run: every operand from the cache");
      assertEquals(4, be.encodeCacheMisses(), "second run: nothing encoded");
      assertEquals(2 * encodes, be.stats().total(OpKind.ENCODE).count());
      System.out.printf("CkksEncodeCacheTest run 1 error %.3e, run 2 (cached) %.3e%n", err1, err2);
      assertTrue(err1 <= BOUND && err2 <= BOUND, err1 + " " + err2);

      // Changing an operand in place: the fingerprint differs, so it is re-encoded and the result follows it.
      w2[17] = 0.5;
      w2[4000] = -w2[4000];
      double err3 = maxError(simulate(x, w1, w2, bias), run(be, x, w1, w2, bias));
      assertEquals(1, be.encodeCacheStaleHits());
      assertEquals(5, be.encodeCacheMisses());
      assertEquals(7, be.encodeCacheHits());
      assertTrue(err3 <= BOUND, "after mutation: " + err3);

      // Equal content, other array: not shared (identity key).
      double[] w1Copy = w1.clone();
      run(be, x, w1Copy, w2, bias);
      assertEquals(7, be.encodeCacheMisses());
      assertEquals(31 * PER_PRIME + 17 * PER_PRIME, be.encodeCacheBytes());
    }
  }

  @Test
  void boundIsKeptByLeastRecentlyUsedEviction() {
    double[] x = random(5);
    double[] w1 = random(6);
    double[] w2 = random(7);
    double[] bias = random(8);
    // Room for 17 primes: (w1, 8) + (w1, 7) fit; (w2, 7) evicts (w1, 8); (bias, 5) evicts (w1, 7).
    try (CkksBackend be = backend(17 * PER_PRIME)) {
      double[] expected = simulate(x, w1, w2, bias);
      double err = maxError(expected, run(be, x, w1, w2, bias));
      assertTrue(err <= BOUND, "with evictions: " + err);
      assertEquals(2, be.encodeCacheEvictions());
      assertEquals(14 * PER_PRIME, be.encodeCacheBytes());
      assertTrue(be.encodeCacheBytes() <= be.encodeCacheByteBound());
      // A cyclic program larger than the cache gets no hits from LRU (why the default bound covers the ViT).
      err = maxError(expected, run(be, x, w1, w2, bias));
      assertTrue(err <= BOUND, "second run with evictions: " + err);
      assertEquals(0, be.encodeCacheHits());
    }
    // Bound 0: no caching at all, same results.
    try (CkksBackend be = backend(0)) {
      double err = maxError(simulate(x, w1, w2, bias), run(be, x, w1, w2, bias));
      assertTrue(err <= BOUND, "uncached: " + err);
      assertEquals(0, be.encodeCacheBytes());
      assertEquals(4, be.encodeCacheMisses());
    }
    assertThrows(IllegalArgumentException.class, () -> backend(-1));
  }

  @Test
  void entriesOfDroppedArraysAreFreed() throws InterruptedException {
    try (CkksBackend be = backend(CkksBackend.DEFAULT_ENCODE_CACHE_BYTES)) {
      Ciphertext x = be.input(holder.encrypt(random(9)));
      double[] kept = random(10);
      double[] dropped = random(11);
      be.release(be.mulPlain(x, kept));
      be.release(be.mulPlain(x, dropped));
      assertEquals(18 * PER_PRIME, be.encodeCacheBytes());
      WeakReference<double[]> ref = new WeakReference<>(dropped);
      dropped = null;
      for (int i = 0; i < 50 && ref.get() != null; i++) {
        System.gc();
        Thread.sleep(20);
      }
      assertNull(ref.get(), "the dropped array was not collected");
      // The next lookup frees the entry of the collected array.
      be.release(be.mulPlain(x, kept));
      assertEquals(9 * PER_PRIME, be.encodeCacheBytes());
      assertEquals(1, be.encodeCacheHits());
      be.release(x);
    }
  }

  @Test
  void fingerprintSeesEverySingleChange() {
    double[] v = random(12);
    long f = PlaintextCache.fingerprint(v);
    for (int i : new int[] {0, 1, 4095, 8191}) {
      double[] w = v.clone();
      w[i] = Math.nextUp(w[i]);
      assertNotEquals(f, PlaintextCache.fingerprint(w), "changed slot " + i);
    }
    assertNotEquals(PlaintextCache.fingerprint(new double[3]), PlaintextCache.fingerprint(new double[4]));
    assertNotEquals(PlaintextCache.fingerprint(new double[] {0.0}), PlaintextCache.fingerprint(new double[] {-0.0}));
  }

  @Test
  void cacheBoundPropertyIsParsed() {
    String old = System.getProperty(CkksBackend.ENCODE_CACHE_BYTES_PROPERTY);
    try {
      System.setProperty(CkksBackend.ENCODE_CACHE_BYTES_PROPERTY, "12345");
      assertEquals(12345, CkksBackend.defaultEncodeCacheBytes());
      System.setProperty(CkksBackend.ENCODE_CACHE_BYTES_PROPERTY, "lots");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, CkksBackend::defaultEncodeCacheBytes);
      assertTrue(e.getMessage().contains("lots"), e.getMessage());
      System.clearProperty(CkksBackend.ENCODE_CACHE_BYTES_PROPERTY);
      assertEquals(CkksBackend.DEFAULT_ENCODE_CACHE_BYTES, CkksBackend.defaultEncodeCacheBytes());
    } finally {
      if (old == null) {
        System.clearProperty(CkksBackend.ENCODE_CACHE_BYTES_PROPERTY);
      } else {
        System.setProperty(CkksBackend.ENCODE_CACHE_BYTES_PROPERTY, old);
      }
    }
  }
}
