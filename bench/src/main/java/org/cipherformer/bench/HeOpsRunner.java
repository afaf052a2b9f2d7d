package org.cipherformer.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.CkksContext;
import org.cipherformer.he.CkksEncoder;
import org.cipherformer.he.CoeffModulus;
import org.cipherformer.he.Decryptor;
import org.cipherformer.he.EncryptionParameters;
import org.cipherformer.he.Encryptor;
import org.cipherformer.he.Evaluator;
import org.cipherformer.he.GaloisKeys;
import org.cipherformer.he.KeyGenerator;
import org.cipherformer.he.NativeThreads;
import org.cipherformer.he.Plaintext;
import org.cipherformer.he.PublicKey;
import org.cipherformer.he.RelinKeys;
import org.cipherformer.he.SecretKey;

/**
 * Times CKKS operations at one polynomial modulus degree with SEAL's default 128-bit moduli
 * ({@link CoeffModulus#bfvDefault}), all at the top data level as SEAL's own benchmarks do.
 *
 * <p>Each repetition gets fresh inputs: an in-place operation runs on a copy made before the clock starts, and
 * outputs are closed after it stops, so only the operation itself is timed. Warm-up repetitions run first and are
 * discarded. Keys are made once (with all cores) and shared by every thread count.
 */
public final class HeOpsRunner implements AutoCloseable {
  /** Scale of the encoded messages; below every default prime, so products rescale cleanly. */
  static final double SCALE = Math.pow(2, 40);

  /** Rotation steps of the hoisted-rotation row (and the Galois keys made for it). */
  static final int[] HOISTED_STEPS = {1, 2, 3, 4, 5, 6, 7, 8};

  private final int n;
  private final CkksContext context;
  private final KeyGenerator keyGenerator;
  private final PublicKey publicKey;
  private final RelinKeys relinKeys;
  private final GaloisKeys galoisKeys;
  private final CkksEncoder encoder;
  private final Encryptor encryptor;
  private final Decryptor decryptor;
  private final Evaluator evaluator;
  private final double[] values;
  private final Plaintext plain;
  private final Ciphertext ct1;
  private final Ciphertext ct2;
  private final Ciphertext product;

  /**
   * Builds the context and keys for degree {@code n}.
   *
   * @throws IllegalArgumentException (from he-kernels) if n is not a supported power of two
   */
  public HeOpsRunner(int n) {
    this.n = n;
    List<AutoCloseable> made = new ArrayList<>();
    try {
      context = keep(made, CkksContext.create(EncryptionParameters.ckks(n, CoeffModulus.bfvDefault(n))));
      keyGenerator = keep(made, new KeyGenerator(context));
      publicKey = keep(made, keyGenerator.createPublicKey());
      relinKeys = keep(made, keyGenerator.createRelinKeys());
      galoisKeys = keep(made, keyGenerator.createGaloisKeys(HOISTED_STEPS));
      encoder = keep(made, new CkksEncoder(context));
      encryptor = keep(made, new Encryptor(context, publicKey));
      try (SecretKey secretKey = keyGenerator.secretKey()) {
        decryptor = keep(made, new Decryptor(context, secretKey));
      }
      evaluator = keep(made, new Evaluator(context));
      values = randomValues(context.slotCount(), n);
      plain = keep(made, encoder.encode(values, SCALE));
      ct1 = keep(made, encryptor.encrypt(plain));
      ct2 = keep(made, encryptor.encrypt(plain));
      product = keep(made, evaluator.multiply(ct1, ct2));
    } catch (RuntimeException e) {
      for (int i = made.size() - 1; i >= 0; i--) {
        closeQuietly(made.get(i), e);
      }
      throw e;
    }
  }

  public int n() {
    return n;
  }

  /** The number of coefficient-modulus primes (data primes plus the special prime). */
  public int primeCount() {
    return context.parameters().coeffModulusSize();
  }

  /**
   * Times {@code op} with {@code threads} native threads (0 = all cores): {@code warmup} discarded repetitions, then
   * {@code reps} timed ones.
   */
  public Timing time(HeOperation op, int threads, int warmup, int reps) {
    // The pool's workers are the threads that appear when it is rebuilt from one thread (no workers) to `threads`.
    NativeThreads.setThreadCount(1);
    Set<Long> before = CpuClock.threadIds();
    NativeThreads.setThreadCount(threads);
    int actualThreads = NativeThreads.threadCount();
    Set<Long> workers = new HashSet<>(CpuClock.threadIds());
    workers.removeAll(before);
    boolean cpuMeasurable = CpuClock.available() && workers.size() == actualThreads - 1;
    CpuClock clock = new CpuClock(cpuMeasurable ? workers : Set.of());
    Supplier<Trial> trials = trialsOf(op);
    for (int i = 0; i < warmup; i++) {
      try (Trial t = trials.get()) {
        t.run();
      }
    }
    double[] wall = new double[reps];
    double[] cpu = new double[reps];
    for (int i = 0; i < reps; i++) {
      try (Trial t = trials.get()) {
        CpuClock.Reading cpu0 = clock.start();
        long wall0 = System.nanoTime();
        t.run();
        long wall1 = System.nanoTime();
        CpuClock.Reading cpu1 = clock.stop();
        wall[i] = (wall1 - wall0) / 1e6;
        // Without per-thread schedstat the workers are invisible: the caller's CPU time is the cost with one thread.
        cpu[i] = cpuMeasurable || actualThreads == 1 ? CpuClock.criticalPathNanos(cpu0, cpu1) / 1e6 : Double.NaN;
      }
    }
    return new Timing(op, n, actualThreads, wall, cpu);
  }

  /** One repetition: inputs prepared untimed, {@link #run} timed, {@link #close} (untimed) frees inputs and outputs. */
  private interface Trial extends AutoCloseable {
    void run();

    @Override
    void close();
  }

  /** A trial whose timed part makes an output that is closed afterwards. */
  private static Trial producing(Supplier<? extends AutoCloseable> body) {
    return new Trial() {
      private AutoCloseable out;

      @Override
      public void run() {
        out = body.get();
      }

      @Override
      public void close() {
        closeQuietly(out, null);
      }
    };
  }

  /** A trial that runs an in-place operation on a fresh copy of {@code source} (copied before timing). */
  private static Trial onCopy(Ciphertext source, Consumer<Ciphertext> inplace) {
    Ciphertext copy = source.copy();
    return new Trial() {
      @Override
      public void run() {
        inplace.accept(copy);
      }

      @Override
      public void close() {
        copy.close();
      }
    };
  }

  private Supplier<Trial> trialsOf(HeOperation op) {
    return switch (op) {
      case ENCODE -> () -> producing(() -> encoder.encode(values, SCALE));
      case ENCRYPT -> () -> producing(() -> encryptor.encrypt(plain));
      case DECRYPT -> () -> producing(() -> decryptor.decrypt(ct1));
      case ADD -> () -> onCopy(ct1, c -> evaluator.addInplace(c, ct2));
      case MULTIPLY -> () -> onCopy(ct1, c -> evaluator.multiplyInplace(c, ct2));
      case RELINEARIZE -> () -> onCopy(product, c -> evaluator.relinearizeInplace(c, relinKeys));
      case MULTIPLY_RELINEARIZE -> () -> onCopy(ct1, c -> {
        evaluator.multiplyInplace(c, ct2);
        evaluator.relinearizeInplace(c, relinKeys);
      });
      case RESCALE -> () -> onCopy(ct1, evaluator::rescaleToNextInplace);
      case ROTATE -> () -> onCopy(ct1, c -> evaluator.rotateVectorInplace(c, 1, galoisKeys));
      case ROTATE_HOISTED -> () -> producing(() -> closeAllLater(evaluator.rotateHoisted(ct1, HOISTED_STEPS,
          galoisKeys)));
      case KEYGEN_RELIN -> () -> producing(keyGenerator::createRelinKeys);
      case KEYGEN_GALOIS -> () -> producing(() -> keyGenerator.createGaloisKeys(new int[] {1}));
    };
  }

  private static AutoCloseable closeAllLater(Ciphertext[] outputs) {
    return () -> {
      for (Ciphertext c : outputs) {
        c.close();
      }
    };
  }

  private static double[] randomValues(int count, long seed) {
    Random random = new Random(seed);
    double[] v = new double[count];
    for (int i = 0; i < count; i++) {
      v[i] = 2 * random.nextDouble() - 1;
    }
    return v;
  }

  private static <T extends AutoCloseable> T keep(List<AutoCloseable> made, T handle) {
    made.add(handle);
    return handle;
  }

  private static void closeQuietly(AutoCloseable c, RuntimeException primary) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      if (primary != null) {
        primary.addSuppressed(e);
      } else if (e instanceof RuntimeException re) {
        throw re;
      } else {
        throw new IllegalStateException("closing " + c + " failed", e);
      }
    }
  }

  @Override
  public void close() {
    AutoCloseable[] all = {product, ct2, ct1, plain, evaluator, decryptor, encryptor, encoder, galoisKeys, relinKeys,
        publicKey, keyGenerator, context};
    for (AutoCloseable c : all) {
      closeQuietly(c, null);
    }
  }
}
