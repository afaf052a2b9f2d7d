package org.cipherformer.he;

import java.lang.ref.Cleaner;
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
 */
public abstract class NativeHandle implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();

  /** The pointer and its lock; deliberately holds no reference to the handle so the Cleaner can run. */
  private static final class Resource implements Runnable {
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final LongConsumer free;
    long pointer;

    Resource(long pointer, LongConsumer free) {
      this.pointer = pointer;
      this.free = free;
    }

    @Override
    public void run() {
      lock.writeLock().lock();
      try {
        if (pointer != 0) {
          free.accept(pointer);
          pointer = 0;
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
    this.resource = new Resource(pointer, free);
    this.cleanable = CLEANER.register(this, resource);
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
