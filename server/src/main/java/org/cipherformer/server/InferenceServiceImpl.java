package org.cipherformer.server;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.cipherformer.proto.v1.CkksClientMessage;
import org.cipherformer.proto.v1.CkksServerMessage;
import org.cipherformer.proto.v1.EeInferenceRequest;
import org.cipherformer.proto.v1.EeInferenceResponse;
import org.cipherformer.proto.v1.InferenceServiceGrpc;

/** InferenceService: CKKS inference with refresh over one stream ({@link CkksInferenceCall}); EE not yet. */
final class InferenceServiceImpl extends InferenceServiceGrpc.InferenceServiceImplBase {
  private final ServerCore core;

  InferenceServiceImpl(ServerCore core) {
    this.core = core;
  }

  @Override
  public StreamObserver<CkksClientMessage> runCkks(StreamObserver<CkksServerMessage> out) {
    Tenant tenant;
    try {
      tenant = TenantContext.current();
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e, "RunCkks").asRuntimeException());
      return new SessionServiceImpl.DiscardingObserver<>();
    }
    return new CkksInferenceCall(core, tenant, (ServerCallStreamObserver<CkksServerMessage>) out);
  }

  @Override
  public void runEe(EeInferenceRequest request, StreamObserver<EeInferenceResponse> out) {
    out.onError(Status.UNIMPLEMENTED.withDescription("equivariant-encryption inference is not available on this "
        + "server yet; use RunCkks").asRuntimeException());
  }
}
