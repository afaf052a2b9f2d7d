package org.cipherformer.server;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.cipherformer.he.ops.RefreshClient;
import org.cipherformer.proto.v1.CkksServerMessage;
import org.cipherformer.proto.v1.RefreshReply;
import org.cipherformer.proto.v1.RefreshRequest;

/**
 * The client's side of a refresh round, seen from the server, over one RunCkks stream: sends a RefreshRequest and
 * blocks the inference's worker thread until the matching RefreshReply arrives on the stream, the wait bound
 * passes (DEADLINE_EXCEEDED), or the guard says the call is over (cancelled, deadline, protocol error). The wait
 * wakes every {@link #POLL} to run the guard, so a cancelled call frees its worker within that time.
 */
final class StreamRefreshClient implements RefreshClient {
  /** How often a waiting worker looks at the guard. */
  static final Duration POLL = Duration.ofMillis(200);

  private final Consumer<CkksServerMessage> send;
  private final Runnable guard;
  private final Duration timeout;
  private final BlockingQueue<RefreshReply> inbox = new LinkedBlockingQueue<>();
  private volatile boolean awaiting;
  private volatile boolean halfClosed;
  private int nextRound;
  private long waitNanos;

  /**
   * @param send    sends a message on the stream
   * @param guard   throws when the call is over
   * @param timeout longest wait for one reply
   */
  StreamRefreshClient(Consumer<CkksServerMessage> send, Runnable guard, Duration timeout) {
    this.send = send;
    this.guard = guard;
    this.timeout = timeout;
  }

  /** @return true while a request waits for its reply */
  boolean awaiting() {
    return awaiting;
  }

  /** A reply arrived (gRPC thread). */
  void deliver(RefreshReply reply) {
    inbox.add(reply);
  }

  /** The client half-closed the stream: it cannot answer any further request. */
  void halfClosed() {
    halfClosed = true;
  }

  /** @return rounds sent so far */
  synchronized int rounds() {
    return nextRound;
  }

  /** @return time spent waiting for replies so far */
  synchronized long waitNanos() {
    return waitNanos;
  }

  @Override
  public synchronized List<byte[]> refresh(List<byte[]> maskedCiphertexts) {
    int round = nextRound++;
    if (halfClosed) {
      throw Status.INVALID_ARGUMENT.withDescription("the client half-closed the stream before refresh round "
          + round).asRuntimeException();
    }
    RefreshRequest.Builder req = RefreshRequest.newBuilder().setRound(round);
    for (byte[] b : maskedCiphertexts) {
      req.addCiphertexts(ByteString.copyFrom(b));
    }
    long t0 = System.nanoTime();
    awaiting = true;
    try {
      send.accept(CkksServerMessage.newBuilder().setRefreshRequest(req).build());
      long deadline = t0 + timeout.toNanos();
      RefreshReply reply = null;
      while (reply == null) {
        guard.run();
        if (halfClosed) {
          throw Status.INVALID_ARGUMENT.withDescription("the client half-closed the stream while refresh round "
              + round + " was pending").asRuntimeException();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw Status.DEADLINE_EXCEEDED.withDescription("no RefreshReply for round " + round + " within "
              + timeout.toSeconds() + " s").asRuntimeException();
        }
        try {
          reply = inbox.poll(Math.min(left, POLL.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw Status.CANCELLED.withDescription("interrupted while waiting for refresh round " + round)
              .asRuntimeException();
        }
      }
      if (reply.getRound() != round) {
        throw Status.INVALID_ARGUMENT.withDescription("RefreshReply answers round " + reply.getRound()
            + ", the pending request is round " + round).asRuntimeException();
      }
      if (reply.getCiphertextsCount() != maskedCiphertexts.size()) {
        throw Status.INVALID_ARGUMENT.withDescription("RefreshReply of round " + round + " has "
            + reply.getCiphertextsCount() + " ciphertexts, the request had " + maskedCiphertexts.size())
            .asRuntimeException();
      }
      List<byte[]> out = new ArrayList<>(reply.getCiphertextsCount());
      for (ByteString b : reply.getCiphertextsList()) {
        out.add(b.toByteArray());
      }
      return out;
    } finally {
      awaiting = false;
      waitNanos += System.nanoTime() - t0;
    }
  }
}
