package org.cipherformer.he;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The locking and life-cycle rules of NativeHandle (the free function here records calls instead of freeing). */
class NativeHandleTest {
  private static final class Recorder {
    final AtomicInteger frees = new AtomicInteger();
    final AtomicLong lastFreed = new AtomicLong();

    void free(long pointer) {
      frees.incrementAndGet();
      lastFreed.set(pointer);
    }
  }

  private static final class Handle extends NativeHandle {
    Handle(long pointer, Recorder recorder) {
      super(pointer, recorder::free);
    }

    long pointer() {
      return use(p -> p);
    }
  }

  @Test
  void closeFreesOnceAndLaterUseFails() {
    Recorder recorder = new Recorder();
    Handle handle = new Handle(42, recorder);
    assertEquals(42, handle.pointer());
    handle.close();
    handle.close();
    assertEquals(1, recorder.frees.get());
    assertEquals(42, recorder.lastFreed.get());
    assertTrue(handle.isClosed());
    IllegalStateException e = assertThrows(IllegalStateException.class, handle::pointer);
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void nullPointerIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Handle(0, new Recorder()));
  }

  @Test
  void closeWaitsForACallInProgress() throws Exception {
    Recorder recorder = new Recorder();
    Handle handle = new Handle(7, recorder);
    CountDownLatch inCall = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger freesSeenInsideCall = new AtomicInteger(-1);
    Thread caller =
        new Thread(
            () ->
                handle.use(
                    p -> {
                      inCall.countDown();
                      try {
                        release.await(10, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      freesSeenInsideCall.set(recorder.frees.get());
                      return p;
                    }));
    caller.start();
    assertTrue(inCall.await(10, TimeUnit.SECONDS));
    Thread closer = new Thread(handle::close);
    closer.start();
    closer.join(200);
    assertTrue(closer.isAlive(), "close() must wait while a native call holds the handle");
    assertEquals(0, recorder.frees.get());
    release.countDown();
    caller.join(10_000);
    closer.join(10_000);
    assertFalse(closer.isAlive());
    assertEquals(0, freesSeenInsideCall.get(), "the object was freed during the call");
    assertEquals(1, recorder.frees.get());
  }

  @Test
  void closeInsideOwnUseIsRefusedInsteadOfDeadlocking() {
    Recorder recorder = new Recorder();
    Handle handle = new Handle(9, recorder);
    assertThrows(
        IllegalStateException.class,
        () ->
            handle.use(
                p -> {
                  handle.close();
                  return p;
                }));
    assertEquals(0, recorder.frees.get());
    handle.close();
    assertEquals(1, recorder.frees.get());
  }

  @Test
  void cleanerFreesAnUnreachableHandle() throws InterruptedException {
    Recorder recorder = new Recorder();
    createAndDrop(recorder);
    for (int i = 0; i < 100 && recorder.frees.get() == 0; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertEquals(1, recorder.frees.get());
    assertEquals(1234, recorder.lastFreed.get());
  }

  private static void createAndDrop(Recorder recorder) {
    new Handle(1234, recorder).pointer();
  }

  @Test
  void liveCountFollowsCloseAndCountsEachHandleOnce() throws InterruptedException {
    Recorder recorder = new Recorder();
    long before = NativeHandle.settledLiveHandles();
    Handle a = new Handle(11, recorder);
    Handle b = new Handle(12, recorder);
    assertEquals(before + 2, NativeHandle.liveHandles());
    assertEquals(2L, NativeHandle.liveHandlesByKind().get("Handle"));
    a.close();
    a.close();
    assertEquals(before + 1, NativeHandle.liveHandles(), "a second close must not count twice");
    b.close();
    assertEquals(before, NativeHandle.liveHandles());
    assertEquals(null, NativeHandle.liveHandlesByKind().get("Handle"), "no Handle left");
  }

  @Test
  void liveCountFallsWhenTheCleanerFreesAnUnreachableHandle() throws InterruptedException {
    Recorder recorder = new Recorder();
    long before = NativeHandle.settledLiveHandles();
    createAndDrop(recorder);
    assertEquals(before + 1, NativeHandle.liveHandles(), "an unreachable handle counts until the Cleaner runs");
    long after = NativeHandle.awaitLiveHandles(before, Duration.ofSeconds(10));
    assertEquals(1, recorder.frees.get());
    assertEquals(before, after);
  }

  @Test
  void aRejectedNullPointerIsNotCounted() throws InterruptedException {
    long before = NativeHandle.settledLiveHandles();
    assertThrows(IllegalArgumentException.class, () -> new Handle(0, new Recorder()));
    assertEquals(before, NativeHandle.liveHandles());
  }
}
