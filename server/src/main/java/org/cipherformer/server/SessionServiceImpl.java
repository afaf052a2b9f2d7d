package org.cipherformer.server;

import io.grpc.stub.StreamObserver;
import org.cipherformer.proto.v1.CloseSessionRequest;
import org.cipherformer.proto.v1.CloseSessionResponse;
import org.cipherformer.proto.v1.CreateSessionRequest;
import org.cipherformer.proto.v1.KeyUploadChunk;
import org.cipherformer.proto.v1.KeyUploadResponse;
import org.cipherformer.proto.v1.SessionServiceGrpc;

/** SessionService: create, upload keys ({@link KeyUploadCall}), close. */
final class SessionServiceImpl extends SessionServiceGrpc.SessionServiceImplBase {
  private final ServerCore core;

  SessionServiceImpl(ServerCore core) {
    this.core = core;
  }

  @Override
  public void createSession(CreateSessionRequest request, StreamObserver<org.cipherformer.proto.v1.Session> out) {
    try {
      Tenant tenant = TenantContext.current();
      HostedModel model = core.models().get(request.getModel());
      if (!model.ckksAvailable()) {
        throw Errors.failedPrecondition("model " + model.name() + " has no CKKS plan (it is not a polynomial "
            + "model); use its polynomial twin");
      }
      Session s = core.sessions().create(tenant, model);
      out.onNext(org.cipherformer.proto.v1.Session.newBuilder()
          .setSessionId(s.id())
          .setModel(model.name())
          .setIdleTimeoutSeconds((int) Math.min(Integer.MAX_VALUE, core.sessions().idleTimeout().toSeconds()))
          .setMaxKeyBytes(tenant.quotas().maxKeyBytes())
          .setMaxChunkBytes(core.maxChunkBytes())
          .build());
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e, "CreateSession").asRuntimeException());
    }
  }

  @Override
  public StreamObserver<KeyUploadChunk> uploadKeys(StreamObserver<KeyUploadResponse> out) {
    Tenant tenant;
    try {
      tenant = TenantContext.current();
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e, "UploadKeys").asRuntimeException());
      return new DiscardingObserver<>();
    }
    return new KeyUploadCall(core, tenant, out);
  }

  @Override
  public void closeSession(CloseSessionRequest request, StreamObserver<CloseSessionResponse> out) {
    try {
      core.sessions().close(TenantContext.current(), request.getSessionId());
      out.onNext(CloseSessionResponse.getDefaultInstance());
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e, "CloseSession").asRuntimeException());
    }
  }

  /** Swallows the messages of a call that has already been answered with an error. */
  static final class DiscardingObserver<T> implements StreamObserver<T> {
    @Override
    public void onNext(T value) {
    }

    @Override
    public void onError(Throwable t) {
    }

    @Override
    public void onCompleted() {
    }
  }
}
