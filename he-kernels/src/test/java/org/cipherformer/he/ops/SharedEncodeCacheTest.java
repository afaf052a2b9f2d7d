package org.cipherformer.he.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.CkksContext;
import org.cipherformer.he.NativeHandle;
import org.cipherformer.he.Plaintext;
import org.junit.jupiter.api.Test;

/**
 * One {@link PlaintextCache} shared by several {@link CkksBackend}s (each with its own keys and context, as sessions
 * of one model in a server) on several threads: results within the CKKS bound of {@link SimulatedBackend}'s, every
 * operand encoded once when the bound covers the program, the bound kept and nothing freed under a user when it does
 * not, and every native object freed once the backends and the cache are closed ({@link NativeHandle#liveHandles()}).
 *
 * <p>Parameters: N = 8192, primes 50, 40, 40, 60 bits, scale 2^40 (top level 2), to keep four key holders cheap.
 */
class SharedEncodeCacheTest {
  static final CkksParameters PARAMETERS = CkksParameters.custom(8192, new int[] {50, 40, 40, 60}, 40, 1);
  static final int SLOTS = 4096;
  /** Native bytes of one plaintext per prime at N = 8192. */
  static final long PER_PRIME = 8L * 8192;
  /** Distinct (array, level) operands of {@link #program}: w0..w3 at level 2, b and w4 at 1, b2 at 0. */
  static final int OPERANDS = 7;
  /** Their native size: 4 x 3 + 2 + 2 + 1 primes. */
  static final long PROGRAM_BYTES = 17 * PER_PRIME;
  /**
   * Absolute error bound of the program's result (|result| <= 6): two rescalings at scale 2^40, N = 8192, add errors
   * around 1e-8 scaled by the operands' magnitudes; a wrong or freed plaintext errs by O(1).
   */
  static final double BOUND = 1e-6;
  static final int THREADS = 4;

  /** The plain operands every backend passes (shared by identity, like a model's weights). */
  static final class Weights {
    final double[][] w = {random(1), random(2), random(3), random(4)};
    final double[] b = random(5);
    final double[] w4 = random(6);
    final double[] b2 = random(7);
  }

  static double[] random(long seed) {
    Random r = new Random(seed);
    double[] v = new double[SLOTS];
    for (int i = 0; i < v.length; i++) {
      v[i] = 2 * r.nextDouble() - 1;
    }
    return v;
  }

  /** {@code ((sum_j x * w_j) + b) * w4 + b2}: seven plain operands over three levels. */
  static <V> V program(HeBackend<V> be, V x, Weights p) {
    V h = be.mulPlainSum(List.of(x, x, x, x), List.of(p.w));
    V hb = be.addPlain(h, p.b);
    V m = be.mulPlain(hb, p.w4);
    V r = be.addPlain(m, p.b2);
    be.release(h);
    be.release(hb);
    be.release(m);
    return r;
  }

  static double[] simulate(double[] x, Weights p) {
    SimulatedBackend sim = new SimulatedBackend(SLOTS, PARAMETERS.topLevel(), PARAMETERS.refreshFloor());
    return sim.output(program(sim, sim.input(x), p));
  }

  static double maxError(double[] expected, double[] actual) {
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    return worst;
  }

  /**
   * THREADS sessions, each with its own key holder (own context and keys) and a backend on the shared cache, run the
   * program {@code runs} times on their own input, all starting together; returns the worst error over all runs.
   */
  static double runSessions(PlaintextCache shared, Weights weights, int runs) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<Double>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        double[] x = random(100 + t);
        double[] expected = simulate(x, weights);
        Callable<Double> session =
            () -> {
              try (CkksKeyHolder holder = new CkksKeyHolder(PARAMETERS);
                  CkksBackend be = new CkksBackend(PARAMETERS, holder.context(),
                      holder.generateEvaluationKeys(new TreeSet<>()), holder, CkksBackend.DEFAULT_MASK_BOUND,
                      shared)) {
                start.await(60, TimeUnit.SECONDS);
                double worst = 0;
                for (int run = 0; run < runs; run++) {
                  Ciphertext cx = be.input(holder.encrypt(x));
                  Ciphertext r = program(be, cx, weights);
                  worst = Math.max(worst, maxError(expected, holder.decrypt(r)));
                  be.release(cx);
                  be.release(r);
                }
                return worst;
              }
            };
        results.add(pool.submit(session));
      }
      double worst = 0;
      for (Future<Double> f : results) {
        worst = Math.max(worst, f.get(300, TimeUnit.SECONDS));
      }
      return worst;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentBackendsEncodeEachOperandOnce() throws Exception {
    long before = NativeHandle.settledLiveHandles();
    Weights weights = new Weights();
    int runs = 3;
    try (CkksContext serverContext = PARAMETERS.createContext();
        PlaintextCache shared = new PlaintextCache(serverContext, CkksBackend.DEFAULT_ENCODE_CACHE_BYTES)) {
      double worst = runSessions(shared, weights, runs);
      System.out.printf("SharedEncodeCacheTest: %d sessions x %d runs, worst error %.3e; %d hits, %d misses%n",
          THREADS, runs, worst, shared.hits(), shared.misses());
      assertTrue(worst <= BOUND, "error " + worst);
      assertEquals(OPERANDS, shared.misses(), "concurrent misses of one operand must encode it once");
      assertEquals((long) THREADS * runs * OPERANDS - OPERANDS, shared.hits());
      assertEquals(0, shared.evictions());
      assertEquals(OPERANDS, shared.size());
      assertEquals(PROGRAM_BYTES, shared.bytes());
      assertEquals(0, shared.pinnedBytes(), "no lookup is in use once the sessions ended");
    }
    long after = NativeHandle.awaitLiveHandles(before, Duration.ofSeconds(30));
    assertEquals(before, after, "native objects left: " + NativeHandle.liveHandlesByKind());
  }

  @Test
  void concurrentBackendsWithEvictionsKeepTheBoundAndFreeNothingInUse() throws Exception {
    long before = NativeHandle.settledLiveHandles();
    Weights weights = new Weights();
    // Room for 5 primes: one level-2 operand (3 primes) plus a little; nearly every lookup evicts, often an entry
    // another thread is multiplying with right now.
    long bound = 5 * PER_PRIME;
    int runs = 3;
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong worstBytes = new AtomicLong();
    try (CkksContext serverContext = PARAMETERS.createContext();
        PlaintextCache shared = new PlaintextCache(serverContext, bound)) {
      Thread watcher =
          new Thread(
              () -> {
                while (!done.get()) {
                  worstBytes.accumulateAndGet(shared.bytes(), Math::max);
                  try {
                    Thread.sleep(1);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      watcher.start();
      double worst;
      try {
        worst = runSessions(shared, weights, runs);
      } finally {
        done.set(true);
        watcher.join();
      }
      System.out.printf("SharedEncodeCacheTest (bound %d primes): worst error %.3e; %d hits, %d misses, %d evictions,"
          + " largest size seen %d bytes%n", bound / PER_PRIME, worst, shared.hits(), shared.misses(),
          shared.evictions(), worstBytes.get());
      assertTrue(worst <= BOUND, "error " + worst + " (a plaintext freed or replaced while in use?)");
      assertEquals((long) THREADS * runs * OPERANDS, shared.hits() + shared.misses(), "every lookup counted once");
      assertTrue(shared.misses() > OPERANDS, "the bound forced re-encodings: " + shared.misses());
      assertTrue(shared.evictions() > 0);
      assertTrue(worstBytes.get() <= bound, "bound exceeded: " + worstBytes.get());
      assertTrue(shared.bytes() <= bound);
      assertEquals(0, shared.pinnedBytes(), "evicted entries still in use must be freed by their last user");
    }
    long after = NativeHandle.awaitLiveHandles(before, Duration.ofSeconds(30));
    assertEquals(before, after, "native objects left: " + NativeHandle.liveHandlesByKind());
  }

  @Test
  void anEntryEvictedWhileInUseIsFreedByItsLastUser() throws InterruptedException {
    long before = NativeHandle.settledLiveHandles();
    double[] a = random(11);
    double[] b = random(12);
    try (CkksContext context = PARAMETERS.createContext()) {
      PlaintextCache cache = new PlaintextCache(context, 3 * PER_PRIME);
      PlaintextCache.Encoded first = cache.get(a, 2, 1e6);
      PlaintextCache.Encoded second = cache.get(a, 2, 1e6);
      assertSame(first.plain(), second.plain());
      assertEquals(1, cache.hits());
      // b at level 2 does not fit beside a: a is evicted from the cache, but both users still hold it.
      PlaintextCache.Encoded other = cache.get(b, 2, 1e6);
      Plaintext held = first.plain();
      assertEquals(1, cache.evictions());
      assertEquals(3 * PER_PRIME, cache.bytes());
      assertEquals(3 * PER_PRIME, cache.pinnedBytes());
      assertFalse(held.isClosed(), "evicted while in use");
      first.close();
      first.close(); // a second close must not release the other user's reference
      assertFalse(held.isClosed(), "freed while the second user holds it");
      second.close();
      assertTrue(held.isClosed(), "the last user frees an evicted entry");
      assertEquals(0, cache.pinnedBytes());
      // Closing the cache while an entry is in use: the entry lives until released, new lookups fail.
      Plaintext bPlain = other.plain();
      cache.close();
      assertFalse(bPlain.isClosed());
      assertEquals(0, cache.bytes());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> cache.get(a, 2, 1e6));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
      other.close();
      assertTrue(bPlain.isClosed());
      assertEquals(0, cache.pinnedBytes());
    }
    assertEquals(before, NativeHandle.awaitLiveHandles(before, Duration.ofSeconds(30)),
        "native objects left: " + NativeHandle.liveHandlesByKind());
  }

  @Test
  void simultaneousMissesOfOneKeyEncodeOnce() throws Exception {
    double[] a = random(13);
    int threads = 8;
    try (CkksContext context = PARAMETERS.createContext();
        PlaintextCache cache = new PlaintextCache(context, CkksBackend.DEFAULT_ENCODE_CACHE_BYTES)) {
      CyclicBarrier start = new CyclicBarrier(threads);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<PlaintextCache.Encoded>> got = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          got.add(pool.submit(() -> {
            start.await(60, TimeUnit.SECONDS);
            return cache.get(a, 2, 1e6);
          }));
        }
        Plaintext shared = got.get(0).get(60, TimeUnit.SECONDS).plain();
        for (Future<PlaintextCache.Encoded> f : got) {
          assertSame(shared, f.get(60, TimeUnit.SECONDS).plain());
        }
        assertEquals(1, cache.misses());
        assertEquals(threads - 1, cache.hits());
        for (Future<PlaintextCache.Encoded> f : got) {
          f.get().close();
        }
        assertFalse(shared.isClosed(), "kept by the cache after its users released it");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aFailedEncodingIsNotKept() {
    try (CkksContext context = PARAMETERS.createContext();
        PlaintextCache cache = new PlaintextCache(context, CkksBackend.DEFAULT_ENCODE_CACHE_BYTES)) {
      double[] tooLong = new double[SLOTS + 1];
      assertThrows(IllegalArgumentException.class, () -> cache.get(tooLong, 2, 1e6));
      assertEquals(0, cache.size());
      assertEquals(0, cache.bytes());
      assertEquals(0, cache.pinnedBytes());
      // The cache still works afterwards.
      try (PlaintextCache.Encoded e = cache.get(random(14), 1, 1e6)) {
        assertFalse(e.plain().isClosed());
      }
      assertEquals(1, cache.size());
    }
  }

  @Test
  void backendLeavesASharedCacheOpenAndRefusesOneOfOtherParameters() {
    Weights weights = new Weights();
    CkksParameters other = CkksParameters.custom(8192, new int[] {50, 40, 60}, 40, 1);
    try (CkksKeyHolder holder = new CkksKeyHolder(PARAMETERS);
        CkksContext otherContext = other.createContext();
        PlaintextCache wrong = new PlaintextCache(otherContext, PROGRAM_BYTES);
        PlaintextCache shared = new PlaintextCache(holder.context(), PROGRAM_BYTES)) {
      EvaluationKeys keys = holder.generateEvaluationKeys(new TreeSet<>());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new CkksBackend(PARAMETERS, holder.context(), keys, holder, CkksBackend.DEFAULT_MASK_BOUND, wrong));
      assertTrue(e.getMessage().contains("shared encode cache"), e.getMessage());
      keys.close();
      double[] x = random(15);
      for (int session = 0; session < 2; session++) {
        try (CkksBackend be = new CkksBackend(PARAMETERS, holder.context(),
            holder.generateEvaluationKeys(new TreeSet<>()), holder, CkksBackend.DEFAULT_MASK_BOUND, shared)) {
          Ciphertext cx = be.input(holder.encrypt(x));
          Ciphertext r = program(be, cx, weights);
          assertTrue(maxError(simulate(x, weights), holder.decrypt(r)) <= BOUND);
          be.release(cx);
          be.release(r);
          assertEquals(shared.hits(), be.encodeCacheHits(), "the backend reports the shared cache's counts");
        }
      }
      // The second session found every operand the first one encoded; closing a backend left the cache intact.
      assertEquals(OPERANDS, shared.misses());
      assertEquals(OPERANDS, shared.hits());
      assertEquals(PROGRAM_BYTES, shared.bytes());
    }
  }
}
