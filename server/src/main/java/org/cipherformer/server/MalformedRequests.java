package org.cipherformer.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Request bytes that are not a valid protobuf message are the client's error: INVALID_ARGUMENT naming the message
 * type and the parser's reason. Left to itself, grpc-java parses a request before any interceptor or service sees
 * it and answers a parse failure with UNKNOWN "Application error processing RPC", which docs/api.md reserves for
 * nothing and clients cannot tell from a server fault. Found by the fuzzing harness (threats/, R1).
 *
 * <p>How: every method's request marshaller is wrapped so that a parse failure yields, instead of an exception, the
 * message type's default instance carrying one marker field (number {@value #MARKER}, the largest protobuf allows)
 * with the reason. The method's handler is wrapped so that such a message closes the call with INVALID_ARGUMENT and
 * then tells the service the call is over exactly as a client cancellation would (a streaming service's request
 * observer gets {@code onError}), so it frees what the call held. Interceptors outside still see ordinary messages
 * of the method's type. A client that itself sends a message with field {@value #MARKER} gets the same
 * INVALID_ARGUMENT, which is fine: no message of the API has that field.
 */
final class MalformedRequests {
  /** Field number of the marker: 2^29 - 1, the largest valid one, never used by the API. */
  static final int MARKER = (1 << 29) - 1;

  private MalformedRequests() {
  }

  /** @return the service with every method's request parsing guarded as described above */
  static ServerServiceDefinition guard(ServerServiceDefinition service) {
    ServiceDescriptor old = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(old.getName())
        .setSchemaDescriptor(old.getSchemaDescriptor());
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      ServerMethodDefinition<?, ?> guarded = guard(m);
      descriptor.addMethod(guarded.getMethodDescriptor());
      methods.add(guarded);
    }
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
    for (ServerMethodDefinition<?, ?> m : methods) {
      b.addMethod(m);
    }
    return b.build();
  }

  private static <ReqT, RespT> ServerMethodDefinition<ReqT, RespT> guard(ServerMethodDefinition<ReqT, RespT> m) {
    MethodDescriptor<ReqT, RespT> md = m.getMethodDescriptor();
    if (!(md.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<ReqT> proto)
        || !(proto.getMessagePrototype() instanceof Message)) {
      return m;
    }
    MethodDescriptor<ReqT, RespT> guarded = md.toBuilder().setRequestMarshaller(new Lenient<>(proto)).build();
    return ServerMethodDefinition.create(guarded, new Handler<>(m.getServerCallHandler(),
        ((Message) proto.getMessagePrototype()).getDescriptorForType().getFullName()));
  }

  /** @return the parser's reason if {@code message} stands for bytes that did not parse, else null */
  static String malformed(Object message) {
    if (message instanceof Message msg && msg.getUnknownFields().hasField(MARKER)) {
      List<ByteString> reason = msg.getUnknownFields().getField(MARKER).getLengthDelimitedList();
      return reason.isEmpty() ? "" : reason.get(0).toStringUtf8();
    }
    return null;
  }

  /** Parses like the original marshaller; a parse failure becomes the marked default instance. */
  private static final class Lenient<T> implements MethodDescriptor.PrototypeMarshaller<T> {
    private final MethodDescriptor.PrototypeMarshaller<T> original;

    Lenient(MethodDescriptor.PrototypeMarshaller<T> original) {
      this.original = original;
    }

    @Override
    public InputStream stream(T value) {
      return original.stream(value);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T parse(InputStream stream) {
      try {
        return original.parse(stream);
      } catch (StatusRuntimeException e) {
        // ProtoLiteUtils reports InvalidProtocolBufferException (and read failures) as INTERNAL with the cause.
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String reason = String.valueOf(cause.getMessage());
        if (reason.length() > 300) {
          reason = reason.substring(0, 300) + "...";
        }
        Message prototype = (Message) original.getMessagePrototype();
        UnknownFieldSet marker = UnknownFieldSet.newBuilder().addField(MARKER, UnknownFieldSet.Field.newBuilder()
            .addLengthDelimited(ByteString.copyFrom(reason, StandardCharsets.UTF_8)).build()).build();
        return (T) prototype.toBuilder().setUnknownFields(marker).build();
      }
    }

    @Override
    public T getMessagePrototype() {
      return original.getMessagePrototype();
    }

    @Override
    public Class<T> getMessageClass() {
      return original.getMessageClass();
    }
  }

  /** Closes the call on a marked message and ends the service's side as a cancellation. */
  private static final class Handler<ReqT, RespT> implements ServerCallHandler<ReqT, RespT> {
    private final ServerCallHandler<ReqT, RespT> next;
    private final String typeName;

    Handler(ServerCallHandler<ReqT, RespT> next, String typeName) {
      this.next = next;
      this.typeName = typeName;
    }

    @Override
    public ServerCall.Listener<ReqT> startCall(ServerCall<ReqT, RespT> call, Metadata headers) {
      ServerCall.Listener<ReqT> delegate = next.startCall(call, headers);
      return new ServerCall.Listener<>() {
        private boolean over;

        @Override
        public void onMessage(ReqT message) {
          if (over) {
            return;
          }
          String reason = malformed(message);
          if (reason == null) {
            delegate.onMessage(message);
            return;
          }
          over = true;
          try {
            call.close(Status.INVALID_ARGUMENT.withDescription("request is not a valid " + typeName
                + " message: " + reason), new Metadata());
          } catch (IllegalStateException alreadyClosed) {
            // The service had already answered (an earlier error): nothing more to tell the client.
          }
          delegate.onCancel();
        }

        @Override
        public void onHalfClose() {
          if (!over) {
            delegate.onHalfClose();
          }
        }

        @Override
        public void onCancel() {
          if (!over) {
            delegate.onCancel();
          }
        }

        @Override
        public void onComplete() {
          if (!over) {
            delegate.onComplete();
          }
        }

        @Override
        public void onReady() {
          if (!over) {
            delegate.onReady();
          }
        }
      };
    }
  }
}
