package org.cipherformer.he;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;

/**
 * Owner of one native object (a pointer into the C++ heap).
 *
 * <p>Life cycle: {@link #close()} frees the native object; a {@link Cleaner} frees it as a backstop when the Java
 * object becomes unreachable without being closed. Every use of the pointer goes through {@link #use}, which holds a
 * read lock for the duration of the native call; freeing takes the write lock. So a {@code close()} racing a native
 * call on another thread waits for that call to finish instead of freeing memory under it, and a use after close
 * fails with {@link IllegalStateException} instead of crashing the JVM.
 *
 * <p><b>Live count.</b> {@link #liveHandles()} counts the native objects made and not yet freed, of every kind
 * (contexts, keys, ciphertexts, plaintexts, encoders, evaluators, ...), whether they are freed by {@code close()} or
 * by the Cleaner: tests and servers use it to check that native memory is back to its baseline after work ends. An
 * unreachable handle that the Cleaner has not run for yet still counts; {@link #awaitLiveHandles} runs the garbage
 * collector until the count falls to a target.
 */
public abstract class NativeHandle implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();

  /** Native objects made and not yet freed, all kinds. */
  private static final AtomicLong LIVE = new AtomicLong();

  /** The same by handle class (for diagnostics: which kind leaked). */
  private static final ConcurrentHashMap<Class<?>, AtomicLong> LIVE_BY_KIND = new ConcurrentHashMap<>();

  /** The pointer and its lock; deliberately holds no reference to the handle so the Cleaner can run. */
  private static final class Resource implements Runnable {
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final LongConsumer free;
    final AtomicLong liveOfKind;
    long pointer;

    Resource(long pointer, LongConsumer free, AtomicLong liveOfKind) {
      this.pointer = pointer;
      this.free = free;
      this.liveOfKind = liveOfKind;
    }

    @Override
    public void run() {
      lock.writeLock().lock();
      try {
        if (pointer != 0) {
          free.accept(pointer);
          pointer = 0;
          LIVE.decrementAndGet();
          liveOfKind.decrementAndGet();
        }
      } finally {
        lock.writeLock().unlock();
      }
    }
  }

  /** A native call that receives the pointer. */
  @FunctionalInterface
  protected interface PointerFunction<T> {
    T apply(long pointer);
  }

  private final Resource resource;
  private final Cleaner.Cleanable cleanable;

  /**
   * @param pointer the native object, owned from now on by this handle
   * @param free a static native function that deletes it (must not capture this handle)
   * @throws IllegalArgumentException if pointer is 0
   */
  protected NativeHandle(long pointer, LongConsumer free) {
    if (pointer == 0) {
      throw new IllegalArgumentException("native pointer is null");
    }
    AtomicLong liveOfKind = LIVE_BY_KIND.computeIfAbsent(getClass(), k -> new AtomicLong());
    this.resource = new Resource(pointer, free, liveOfKind);
    // Counted before registering: the Cleaner may run (and decrement) as soon as it is registered.
    LIVE.incrementAndGet();
    liveOfKind.incrementAndGet();
    this.cleanable = CLEANER.register(this, resource);
  }

  /**
   * Native objects made and not yet freed, of every kind (closed ones and ones freed by the Cleaner do not count).
   *
   * <p>To check that work frees what it makes: take {@link #settledLiveHandles()} before, do the work and close what
   * it returned, then {@code awaitLiveHandles(before, timeout) <= before} (other threads making or freeing handles at
   * the same time make any such check approximate).
   */
  public static long liveHandles() {
    return LIVE.get();
  }

  /**
   * {@link #liveHandles()} by kind: simple class name -> count, only kinds with a nonzero count (names a leak in a
   * failure message).
   */
  public static Map<String, Long> liveHandlesByKind() {
    Map<String, Long> out = new TreeMap<>();
    LIVE_BY_KIND.forEach(
        (kind, count) -> {
          long n = count.get();
          if (n != 0) {
            out.merge(kind.getSimpleName(), n, Long::sum);
          }
        });
    return out;
  }

  /**
   * {@link #liveHandles()} once garbage already unreachable has been freed: runs the garbage collector until the count
   * stays the same over three rounds (at most about two seconds). A baseline taken this way does not include handles
   * that earlier work dropped without closing, which the Cleaner would free later.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public static long settledLiveHandles() throws InterruptedException {
    long last = liveHandles();
    int same = 0;
    for (int round = 0; round < 100 && same < 3; round++) {
      System.gc();
      Thread.sleep(20);
      long now = liveHandles();
      same = now == last ? same + 1 : 0;
      last = now;
    }
    return last;
  }

  /**
   * Waits until {@link #liveHandles()} is at most {@code target}, asking the garbage collector to run between checks
   * so that unreachable handles are freed by the Cleaner (for tests: "back to baseline" after work that may have
   * dropped handles without closing them).
   *
   * @param target  the count to reach
   * @param timeout how long to try
   * @return the last count seen ({@code <= target} unless the time ran out)
   * @throws InterruptedException if interrupted while waiting
   */
  public static long awaitLiveHandles(long target, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long live = liveHandles();
    while (live > target && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(10);
      live = liveHandles();
    }
    return live;
  }

  /**
   * Runs a native call with this object's pointer while holding it alive.
   *
   * @throws IllegalStateException if the handle is closed
   */
  protected final <T> T use(PointerFunction<T> call) {
    ReentrantReadWriteLock.ReadLock readLock = resource.lock.readLock();
    readLock.lock();
    try {
      long pointer = resource.pointer;
      if (pointer == 0) {
        throw new IllegalStateException(getClass().getSimpleName() + " is closed");
      }
      return call.apply(pointer);
    } finally {
      readLock.unlock();
    }
  }

  /** Whether {@link #close()} has run. */
  public final boolean isClosed() {
    resource.lock.readLock().lock();
    try {
      return resource.pointer == 0;
    } finally {
      resource.lock.readLock().unlock();
    }
  }

  /**
   * Frees the native object; waits for native calls in progress on other threads. Idempotent.
   *
   * @throws IllegalStateException if called from inside a native call on this same handle (it would deadlock)
   */
  @Override
  public final void close() {
    if (resource.lock.getReadHoldCount() > 0) {
      throw new IllegalStateException(getClass().getSimpleName() + " cannot be closed from inside its own use");
    }
    cleanable.clean();
  }
}
