package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.cipherformer.proto.v1.DescribeModelRequest;
import org.cipherformer.proto.v1.ModelDescription;
import org.cipherformer.proto.v1.ModelServiceGrpc;
import org.junit.jupiter.api.Test;

/** Health while running and during the stop sequence: NOT_SERVING first, then drain, then stop. */
class GracefulShutdownLoopbackTest {
  private static ServerConfig config(double graceSeconds, double drainSeconds) {
    return ServerConfig.parse("{\"port\": 0, \"shutdownDelaySeconds\": " + graceSeconds
        + ", \"drainTimeoutSeconds\": " + drainSeconds + "}", Path.of("."), "t");
  }

  private static ServingStatus check(ManagedChannel channel, String service) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private static CompletableFuture<ModelDescription> slowCall(ManagedChannel channel, long millis) {
    CompletableFuture<ModelDescription> f = new CompletableFuture<>();
    ModelServiceGrpc.newStub(channel).describeModel(
        DescribeModelRequest.newBuilder().setName("sleep:" + millis).build(), new StreamObserver<>() {
          @Override
          public void onNext(ModelDescription value) {
            f.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            f.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
          }
        });
    return f;
  }

  @Test
  void servingThenNotServingDuringGraceThenDrainsInFlightCalls() throws Exception {
    LoopbackServer s = LoopbackServer.start(config(1.5, 10));
    ManagedChannel channel = s.plaintextChannel();
    ManagedChannel watcherChannel = s.plaintextChannel();
    try {
      assertEquals(ServingStatus.SERVING, check(channel, ""));
      assertEquals(ServingStatus.SERVING, check(channel, "cipherformer.v1.ModelService"));

      LinkedBlockingQueue<ServingStatus> watched = new LinkedBlockingQueue<>();
      HealthGrpc.newStub(watcherChannel).watch(HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {
        @Override
        public void onNext(HealthCheckResponse r) {
          watched.add(r.getStatus());
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
      });
      assertEquals(ServingStatus.SERVING, watched.poll(5, TimeUnit.SECONDS));

      // A call that is still running when the stop begins, and must be allowed to finish.
      CompletableFuture<ModelDescription> inFlight = slowCall(channel, 2500);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (s.ops.inflightCalls() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(1, s.ops.inflightCalls());

      CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(s::stop);
      assertEquals(ServingStatus.NOT_SERVING, watched.poll(5, TimeUnit.SECONDS), "watchers hear it at once");
      // During the grace period the port still answers, and says NOT_SERVING.
      assertEquals(ServingStatus.NOT_SERVING, check(channel, ""));
      assertEquals(ServingStatus.NOT_SERVING, check(channel, "cipherformer.v1.ModelService"));

      assertEquals("sleep:2500", inFlight.get(15, TimeUnit.SECONDS).getSummary().getName());
      assertTrue(stopped.get(15, TimeUnit.SECONDS), "drained within the timeout");
      assertTrue(s.server.isTerminated());
      StatusRuntimeException after = assertThrows(StatusRuntimeException.class, () -> check(channel, ""));
      assertEquals(Status.Code.UNAVAILABLE, after.getStatus().getCode(), after.toString());
    } finally {
      LoopbackServer.closeQuietly(channel);
      LoopbackServer.closeQuietly(watcherChannel);
      s.close();
    }
  }

  @Test
  void callsStillRunningAfterTheDrainTimeoutAreCancelled() throws Exception {
    LoopbackServer s = LoopbackServer.start(config(0, 0.3));
    ManagedChannel channel = s.plaintextChannel();
    try {
      CompletableFuture<ModelDescription> inFlight = slowCall(channel, 60_000);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (s.ops.inflightCalls() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      long t0 = System.nanoTime();
      assertFalse(s.stop(), "the call could not drain in 0.3 s");
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertTrue(seconds < 5, "stop is bounded, took " + seconds + " s");
      ExecutionException e = assertThrows(ExecutionException.class, () -> inFlight.get(10, TimeUnit.SECONDS));
      Status.Code code = Status.fromThrowable(e.getCause()).getCode();
      assertTrue(code == Status.Code.CANCELLED || code == Status.Code.UNAVAILABLE, e.getCause().toString());
      assertTrue(s.server.isTerminated());
      // The service sees the cancellation and leaves its loop; gRPC then delivers onCancel (after the handler
      // returns, on the call's serialized executor), and the call is no longer counted.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (s.ops.inflightCalls() != 0 && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      assertEquals(0, s.ops.inflightCalls());
    } finally {
      LoopbackServer.closeQuietly(channel);
      s.close();
    }
  }
}
