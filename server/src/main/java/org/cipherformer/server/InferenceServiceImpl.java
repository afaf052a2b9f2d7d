package org.cipherformer.server;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.cipherformer.proto.v1.CkksClientMessage;
import org.cipherformer.proto.v1.CkksServerMessage;
import org.cipherformer.proto.v1.EeInferenceRequest;
import org.cipherformer.proto.v1.EeInferenceResponse;
import org.cipherformer.proto.v1.InferenceServiceGrpc;

/**
 * InferenceService: CKKS inference with refresh over one stream ({@link CkksInferenceCall}); EE inference of an
 * EE-transformed model in plaintext ({@link EeInference}).
 */
final class InferenceServiceImpl extends InferenceServiceGrpc.InferenceServiceImplBase {
  private final ServerCore core;
  private final boolean plaintextInference;

  /**
   * @param core               what the services share
   * @param plaintextInference also run RunEe on untransformed models (benchmarks only; see the builder option)
   */
  InferenceServiceImpl(ServerCore core, boolean plaintextInference) {
    this.core = core;
    this.plaintextInference = plaintextInference;
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
    EeInferenceResponse response;
    try {
      Tenant tenant = TenantContext.current();
      HostedModel model = core.models().get(request.getModel());
      response = EeInference.run(model, request, core.inferences(), tenant, plaintextInference);
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e, "EE inference").asRuntimeException());
      return;
    }
    out.onNext(response);
    out.onCompleted();
  }
}
