package org.cipherformer.he;

import static org.cipherformer.he.CkksTestFixture.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One Evaluator from many threads, thread-count independence, and close() racing native calls. */
class ConcurrencyTest {
  private static CkksTestFixture f;

  @BeforeAll
  static void setUp() {
    f = CkksTestFixture.standard();
  }

  @AfterAll
  static void tearDown() {
    NativeThreads.setThreadCount(0);
    f.close();
  }

  /** multiply, relinearize, rescale, rotate, add: a deterministic chain of every key-switching kernel. */
  private static long[] pipeline(Ciphertext a, Ciphertext b) {
    try (Ciphertext p = f.evaluator.multiply(a, b)) {
      f.evaluator.relinearizeInplace(p, f.relinKeys);
      f.evaluator.rescaleToNextInplace(p);
      try (Ciphertext r = f.evaluator.rotateVector(p, 3, f.galoisKeys)) {
        f.evaluator.addInplace(r, p);
        return r.data();
      }
    }
  }

  @Test
  void oneEvaluatorManyThreadsMatchesSequential() throws Exception {
    int tasks = 6;
    List<Ciphertext> inputs = new ArrayList<>();
    for (int i = 0; i < tasks + 1; i++) {
      inputs.add(f.encrypt(f.randomValues(100 + i)));
    }
    List<long[]> sequential = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      sequential.add(pipeline(inputs.get(i), inputs.get(i + 1)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<long[]>> futures = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        int k = i;
        futures.add(pool.submit(() -> pipeline(inputs.get(k), inputs.get(k + 1))));
      }
      for (int i = 0; i < tasks; i++) {
        assertArrayEquals(sequential.get(i), futures.get(i).get(120, TimeUnit.SECONDS), "task " + i);
      }
    } finally {
      pool.shutdown();
      inputs.forEach(Ciphertext::close);
    }
  }

  @Test
  void threadCountDoesNotChangeResults() {
    try (Ciphertext a = f.encrypt(f.randomValues(200)); Ciphertext b = f.encrypt(f.randomValues(201))) {
      NativeThreads.setThreadCount(1);
      assertEquals(1, NativeThreads.threadCount());
      long[] one = pipeline(a, b);
      NativeThreads.setThreadCount(2);
      assertEquals(2, NativeThreads.threadCount());
      long[] two = pipeline(a, b);
      assertArrayEquals(one, two, "1 thread vs 2 threads");
      Ciphertext[] hoisted1;
      NativeThreads.setThreadCount(1);
      hoisted1 = f.evaluator.rotateHoisted(a, new int[] {1, 4}, f.galoisKeys);
      NativeThreads.setThreadCount(2);
      Ciphertext[] hoisted2 = f.evaluator.rotateHoisted(a, new int[] {1, 4}, f.galoisKeys);
      for (int i = 0; i < 2; i++) {
        assertArrayEquals(hoisted1[i].data(), hoisted2[i].data(), "hoisted rotation " + i);
        hoisted1[i].close();
        hoisted2[i].close();
      }
    } finally {
      NativeThreads.setThreadCount(0);
    }
    assertEquals(Runtime.getRuntime().availableProcessors(), NativeThreads.threadCount());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeThreads.setThreadCount(-1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }

  @Test
  void setThreadCountWhileKernelsRun() throws Exception {
    try (Ciphertext a = f.encrypt(f.randomValues(300)); Ciphertext b = f.encrypt(f.randomValues(301))) {
      long[] expected = pipeline(a, b);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<long[]>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          futures.add(pool.submit(() -> pipeline(a, b)));
        }
        for (int t : new int[] {1, 2, 1, 0}) {
          NativeThreads.setThreadCount(t);
        }
        for (Future<long[]> future : futures) {
          assertArrayEquals(expected, future.get(120, TimeUnit.SECONDS));
        }
      } finally {
        pool.shutdown();
        NativeThreads.setThreadCount(0);
      }
    }
  }

  /**
   * close() on an operand while a long multiply (N = 32768, 14 primes) runs on another thread: the close waits for
   * the call, which completes correctly; later uses throw IllegalStateException. No crash either way.
   */
  @Test
  void closeRacingALongNativeCall() throws Exception {
    int n = 32768;
    int[] bits = new int[14];
    java.util.Arrays.fill(bits, 50);
    bits[0] = 60;
    bits[13] = 60;
    try (CkksContext context = CkksContext.create(EncryptionParameters.ckks(n, CoeffModulus.create(n, bits)));
        KeyGenerator keys = new KeyGenerator(context);
        SecretKey sk = keys.secretKey();
        CkksEncoder encoder = new CkksEncoder(context);
        Encryptor encryptor = new Encryptor(context, sk);
        Decryptor decryptor = new Decryptor(context, sk);
        Evaluator evaluator = new Evaluator(context)) {
      double[] v = new double[context.slotCount()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (i % 17) / 17.0;
      }
      double scale = Math.pow(2, 50);
      Ciphertext a;
      Ciphertext b;
      try (Plaintext p = encoder.encode(v, scale)) {
        a = encryptor.encryptSymmetric(p);
        b = encryptor.encryptSymmetric(p);
      }
      CountDownLatch started = new CountDownLatch(1);
      AtomicReference<Object> outcome = new AtomicReference<>();
      Thread worker = new Thread(() -> {
        started.countDown();
        try {
          Ciphertext product = null;
          for (int i = 0; i < 3; i++) {
            if (product != null) {
              product.close();
            }
            product = evaluator.multiply(a, b);
          }
          outcome.set(product);
        } catch (RuntimeException e) {
          outcome.set(e);
        }
      });
      worker.start();
      started.await();
      Thread.sleep(30);
      a.close();
      evaluator.close();
      worker.join(120_000);
      assertTrue(!worker.isAlive(), "worker finished");
      Object result = outcome.get();
      if (result instanceof Ciphertext product) {
        // Every multiply ran to completion: the one in flight when close() was called held the handle, so close
        // waited for it instead of freeing the operand under it (which would have crashed or corrupted the result).
        assertEquals(3, product.size());
        try (product; Plaintext d = decryptor.decrypt(product)) {
          double[] out = encoder.decode(d);
          double[] expected = new double[v.length];
          for (int i = 0; i < v.length; i++) {
            expected[i] = v[i] * v[i];
          }
          assertClose(expected, out, 1e-3, "product computed while close() waited");
        }
      } else {
        // close() won the race between two multiplies: the next call saw a closed handle.
        IllegalStateException e = (IllegalStateException) result;
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
      }
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> evaluator.multiply(b, b));
      assertTrue(e.getMessage().contains("Evaluator is closed"), e.getMessage());
      e = assertThrows(IllegalStateException.class, a::size);
      assertTrue(e.getMessage().contains("Ciphertext is closed"), e.getMessage());
      b.close();
    }
  }
}
