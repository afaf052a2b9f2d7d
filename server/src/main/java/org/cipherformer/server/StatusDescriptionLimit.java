package org.cipherformer.server;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Bounds the description of every status the server sends. Error messages name the offending value, and some values
 * come from the client (a model name, a health-checked service name): echoed whole, a 70 000-character name made the
 * grpc-status-message trailer larger than a client accepts (grpc-java's default limit on received metadata is
 * 8 KiB), so the client saw INTERNAL "http2 exception" instead of NOT_FOUND. Found by the fuzzing harness (threats/,
 * R1). Server-wide, so the health and reflection services are covered too.
 */
final class StatusDescriptionLimit implements ServerInterceptor {
  /**
   * Characters kept. The trailer percent-encodes non-ASCII characters (up to 12 bytes for one character), so 512
   * characters stay under 8 KiB with the other trailers.
   */
  static final int MAX_CHARS = 512;

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        super.close(bounded(status), trailers);
      }
    }, headers);
  }

  /** @return the status with its description cut to {@link #MAX_CHARS} characters */
  static Status bounded(Status status) {
    String d = status.getDescription();
    if (d == null || d.length() <= MAX_CHARS) {
      return status;
    }
    int cut = MAX_CHARS;
    if (Character.isHighSurrogate(d.charAt(cut - 1))) {
      cut--;
    }
    return status.withDescription(d.substring(0, cut) + "... (" + d.length() + " characters)");
  }
}
