package org.cipherformer.server;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts the calls in flight that a graceful shutdown should wait for, and lets shutdown wait until there are none.
 *
 * <p>Health and reflection calls are not counted: a health {@code Watch} stream stays open as long as its client
 * wants, so waiting for it would make every shutdown run into the drain timeout. Shutdown cancels those streams once
 * the real work has drained.
 */
public final class CallDrain implements ServerInterceptor {
  private final Object lock = new Object();
  private int inflight;

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    if (ApiKeyAuthInterceptor.UNAUTHENTICATED_SERVICES.contains(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    synchronized (lock) {
      inflight++;
    }
    AtomicBoolean done = new AtomicBoolean();
    Runnable finish = () -> {
      if (done.compareAndSet(false, true)) {
        synchronized (lock) {
          inflight--;
          lock.notifyAll();
        }
      }
    };
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(call, headers);
    } catch (RuntimeException | Error e) {
      finish.run();
      throw e;
    }
    // Every call ends with exactly one of onComplete (closed and sent) or onCancel (reset, deadline, shutdownNow).
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onComplete() {
        try {
          super.onComplete();
        } finally {
          finish.run();
        }
      }

      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          finish.run();
        }
      }
    };
  }

  /** Calls in flight now (health and reflection excluded). */
  public int inflight() {
    synchronized (lock) {
      return inflight;
    }
  }

  /**
   * Waits until no counted call is in flight, or {@code timeout} passes.
   *
   * @return true if the calls drained in time
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (inflight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        long ms = Math.max(1, left / 1_000_000);
        lock.wait(ms);
      }
      return true;
    }
  }
}
