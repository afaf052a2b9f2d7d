package org.cipherformer.threats.robustness;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * gRPC calls with raw bytes as messages: a {@link MethodDescriptor} with the real method name and type but a
 * pass-through {@code byte[]} marshaller, so whatever bytes the fuzzer makes reach the server's own protobuf parser
 * unchanged (garbage included). A {@link Driver} sends the messages (and may half-close, cancel, or react to what
 * the server streams back); {@link #run} waits for the final status, bounded by the call's deadline plus a grace
 * period, and reports a call that gets no status by then as hung.
 */
final class RawCall {
  /** Leaves bytes as they are, both ways. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  /** How long after its deadline a call may take to report DEADLINE_EXCEEDED before it counts as hung. */
  static final Duration GRACE = Duration.ofSeconds(10);

  private RawCall() {
  }

  /** @return a descriptor for {@code fullName} (e.g. "cipherformer.v1.ModelService/ListModels") carrying bytes */
  static MethodDescriptor<byte[], byte[]> method(String fullName, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setFullMethodName(fullName)
        .setType(type)
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  /** What the client does on an open call. */
  interface Driver {
    /** Sends messages (and half-closes or cancels) right after the call started. */
    void drive(Handle call) throws Exception;

    /** Called for every message the server sends (on a gRPC thread). */
    default void onMessage(Handle call, byte[] message) {
    }
  }

  /** The open call as a driver sees it. */
  static final class Handle {
    private final ClientCall<byte[], byte[]> call;
    private final CountDownLatch closed = new CountDownLatch(1);
    volatile boolean cancelledByClient;
    volatile boolean halfClosed;
    final List<byte[]> received = new CopyOnWriteArrayList<>();

    private Handle(ClientCall<byte[], byte[]> call) {
      this.call = call;
    }

    /**
     * Waits (up to {@code millis}) until the transport takes more without buffering, so that a large stream does
     * not pile up in memory; gives up quietly when the call is over or the time passes (then sends buffer).
     */
    void awaitReady(long millis) throws InterruptedException {
      long until = System.nanoTime() + millis * 1_000_000;
      while (!call.isReady() && closed.getCount() > 0 && System.nanoTime() < until) {
        Thread.sleep(1);
      }
    }

    /** Sends one message unless the call is already over. */
    synchronized void send(byte[] message) {
      if (!halfClosed && !cancelledByClient && closed.getCount() > 0) {
        call.sendMessage(message);
      }
    }

    /** Ends the client's side of the stream. */
    synchronized void halfClose() {
      if (!halfClosed && !cancelledByClient && closed.getCount() > 0) {
        halfClosed = true;
        call.halfClose();
      }
    }

    /** Cancels the call (the status is then CANCELLED from the client side, which is allowed). */
    synchronized void cancel(String why) {
      if (closed.getCount() > 0) {
        cancelledByClient = true;
        call.cancel(why, null);
      }
    }

    /** @return true once the call has its final status */
    boolean isClosed() {
      return closed.getCount() == 0;
    }

    /** Waits until the call is over or the time passes. */
    boolean awaitClosed(long millis) throws InterruptedException {
      return closed.await(millis, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * The end of one call.
   *
   * @param code            the final status code (null if none came: hung)
   * @param description     the status description
   * @param messages        messages the server sent
   * @param millis          time to the final status
   * @param cancelledByClient the driver cancelled the call
   * @param deadlineMillis  the call's deadline
   */
  record Outcome(Status.Code code, String description, int messages, long millis, boolean cancelledByClient,
                 long deadlineMillis) {
    /** @return true if no status came within deadline + grace */
    boolean noStatus() {
      return code == null;
    }
  }

  /**
   * Runs one call.
   *
   * @param headers  metadata (API key), may be empty
   * @param deadline the call's gRPC deadline
   */
  static Outcome run(Channel channel, MethodDescriptor<byte[], byte[]> method, Metadata headers, Duration deadline,
      Driver driver) throws InterruptedException {
    ClientCall<byte[], byte[]> call = channel.newCall(method,
        CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
    Handle h = new Handle(call);
    Status[] status = new Status[1];
    long t0 = System.nanoTime();
    long[] t1 = new long[1];
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(byte[] message) {
        h.received.add(message);
        try {
          driver.onMessage(h, message);
        } catch (RuntimeException e) {
          h.cancel("driver failed: " + e);
        }
      }

      @Override
      public void onClose(Status s, Metadata trailers) {
        status[0] = s;
        t1[0] = System.nanoTime();
        h.closed.countDown();
      }
    }, headers);
    call.request(Integer.MAX_VALUE);
    try {
      driver.drive(h);
    } catch (InterruptedException e) {
      h.cancel("interrupted");
      throw e;
    } catch (Exception e) {
      h.cancel("driver failed: " + e);
    }
    boolean done = h.awaitClosed(deadline.plus(GRACE).toMillis());
    if (!done) {
      h.cancel("no status within the deadline plus grace");
      h.awaitClosed(5000);
      return new Outcome(null, "no status within " + deadline.plus(GRACE).toMillis() + " ms", h.received.size(),
          (System.nanoTime() - t0) / 1_000_000, h.cancelledByClient, deadline.toMillis());
    }
    Status s = status[0];
    return new Outcome(s.getCode(), s.getDescription() == null ? "" : s.getDescription(), h.received.size(),
        (t1[0] - t0) / 1_000_000, h.cancelledByClient, deadline.toMillis());
  }
}
