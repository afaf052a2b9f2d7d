package org.cipherformer.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.cipherformer.proto.v1.CkksClientMessage;
import org.cipherformer.proto.v1.CkksServerMessage;
import org.cipherformer.proto.v1.InferenceServiceGrpc;
import org.cipherformer.proto.v1.KeyUploadChunk;

/**
 * Records every call: its latency and final status per method, the protobuf bytes of its messages in and out, the
 * evaluation-key bytes uploaded and the ciphertext bytes carried, and the number of inference calls in flight.
 * Install it as the outermost interceptor so that calls rejected by authentication are counted too.
 *
 * <p>Meters (Prometheus names in docs/server-config.md): {@code cipherformer.rpc.server} (timer; tags method,
 * status), {@code cipherformer.rpc.server.message} (bytes; tags method, direction), {@code cipherformer.key.upload}
 * (bytes), {@code cipherformer.ciphertext} (bytes; tag direction), {@code cipherformer.inferences.inflight} (gauge).
 * Method tags come from the registered method descriptors (unknown methods are answered UNIMPLEMENTED by gRPC before
 * any interceptor), so the tag values are bounded.
 */
public final class MetricsInterceptor implements ServerInterceptor {
  static final String CALLS = "cipherformer.rpc.server";
  static final String MESSAGE_BYTES = "cipherformer.rpc.server.message";
  static final String KEY_UPLOAD_BYTES = "cipherformer.key.upload";
  static final String CIPHERTEXT_BYTES = "cipherformer.ciphertext";
  static final String INFLIGHT_INFERENCES = "cipherformer.inferences.inflight";

  private final MeterRegistry registry;
  private final AtomicInteger inflightInferences = new AtomicInteger();
  private final Counter keyUploadBytes;
  private final Counter ciphertextBytesIn;
  private final Counter ciphertextBytesOut;

  public MetricsInterceptor(MeterRegistry registry) {
    this.registry = registry;
    this.keyUploadBytes = Counter.builder(KEY_UPLOAD_BYTES).baseUnit("bytes")
        .description("Evaluation-key bytes received in UploadKeys data chunks").register(registry);
    this.ciphertextBytesIn = ciphertextCounter("in", "Ciphertext bytes received (inputs and refresh replies)");
    this.ciphertextBytesOut = ciphertextCounter("out", "Ciphertext bytes sent (refresh requests and results)");
    registry.gauge(INFLIGHT_INFERENCES, inflightInferences);
  }

  /** Inference calls started and not yet finished. */
  public int inflightInferences() {
    return inflightInferences.get();
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    CallRecord record = new CallRecord(call.getMethodDescriptor().getFullMethodName(),
        InferenceServiceGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName()));
    ServerCall<ReqT, RespT> counted = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(RespT message) {
        record.sent(message);
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        record.finish(status);
        super.close(status, trailers);
      }
    };
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(counted, headers);
    } catch (RuntimeException | Error e) {
      record.finish(Status.fromThrowable(e));
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(ReqT message) {
        record.received(message);
        super.onMessage(message);
      }

      @Override
      public void onCancel() {
        // The client went away (or its deadline passed) before the service closed the call.
        record.finish(Status.CANCELLED);
        super.onCancel();
      }

      @Override
      public void onComplete() {
        record.finish(Status.OK);
        super.onComplete();
      }
    };
  }

  private Counter ciphertextCounter(String direction, String description) {
    return Counter.builder(CIPHERTEXT_BYTES).baseUnit("bytes").tag("direction", direction)
        .description(description).register(registry);
  }

  /** One call's bookkeeping; {@link #finish} counts once whichever of close, cancel or complete comes first. */
  private final class CallRecord {
    private final String method;
    private final boolean inference;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Counter bytesIn;
    private final Counter bytesOut;

    CallRecord(String method, boolean inference) {
      this.method = method;
      this.inference = inference;
      this.bytesIn = messageCounter(method, "in");
      this.bytesOut = messageCounter(method, "out");
      if (inference) {
        inflightInferences.incrementAndGet();
      }
    }

    void received(Object message) {
      bytesIn.increment(serializedSize(message));
      if (message instanceof KeyUploadChunk chunk && chunk.hasData()) {
        keyUploadBytes.increment(chunk.getData().size());
      } else if (message instanceof CkksClientMessage m) {
        if (m.hasStart()) {
          ciphertextBytesIn.increment(m.getStart().getInputCiphertext().size());
        } else if (m.hasRefreshReply()) {
          ciphertextBytesIn.increment(totalSize(m.getRefreshReply().getCiphertextsList()));
        }
      }
    }

    void sent(Object message) {
      bytesOut.increment(serializedSize(message));
      if (message instanceof CkksServerMessage m) {
        if (m.hasRefreshRequest()) {
          ciphertextBytesOut.increment(totalSize(m.getRefreshRequest().getCiphertextsList()));
        } else if (m.hasResult()) {
          ciphertextBytesOut.increment(totalSize(m.getResult().getOutputCiphertextsList()));
        }
      }
    }

    void finish(Status status) {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      Timer.builder(CALLS)
          .description("Server calls by method and final status")
          .tag("method", method)
          .tag("status", status.getCode().name())
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1))
          .maximumExpectedValue(Duration.ofMinutes(10))
          .register(registry)
          .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
      if (inference) {
        inflightInferences.decrementAndGet();
      }
    }
  }

  private Counter messageCounter(String method, String direction) {
    return Counter.builder(MESSAGE_BYTES).baseUnit("bytes")
        .description("Protobuf bytes of call messages (before gRPC framing and compression)")
        .tag("method", method).tag("direction", direction).register(registry);
  }

  private static long serializedSize(Object message) {
    return message instanceof MessageLite m ? m.getSerializedSize() : 0;
  }

  private static long totalSize(List<ByteString> parts) {
    long sum = 0;
    for (ByteString b : parts) {
      sum += b.size();
    }
    return sum;
  }
}
