package org.cipherformer.threats.leakage;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.ArrayList;
import java.util.List;

/**
 * A server interceptor that keeps every message the server receives and sends on the cipherformer services, in
 * order, with the full method name. Installed on a real server by {@link DecryptedValueAudit}; the messages are the
 * parsed protobuf objects exactly as the service implementations see them.
 */
final class InboundRecorder implements ServerInterceptor {
    /** One recorded message. */
    record Recorded(String method, Object message) {
    }

    private final List<Recorded> inbound = new ArrayList<>();
    private final List<Recorded> outbound = new ArrayList<>();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        ServerCall<Q, R> sending = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendMessage(R message) {
                synchronized (InboundRecorder.this) {
                    outbound.add(new Recorded(method, message));
                }
                super.sendMessage(message);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(sending, headers)) {
            @Override
            public void onMessage(Q message) {
                synchronized (InboundRecorder.this) {
                    inbound.add(new Recorded(method, message));
                }
                super.onMessage(message);
            }
        };
    }

    /** Records a message as received (for tests of the inspection itself). */
    synchronized void addInbound(String method, Object message) {
        inbound.add(new Recorded(method, message));
    }

    /** Records a message as sent (for tests of the inspection itself). */
    synchronized void addOutbound(String method, Object message) {
        outbound.add(new Recorded(method, message));
    }

    /** A copy of the messages received so far. */
    synchronized List<Recorded> inbound() {
        return new ArrayList<>(inbound);
    }

    /** A copy of the messages sent so far. */
    synchronized List<Recorded> outbound() {
        return new ArrayList<>(outbound);
    }
}
