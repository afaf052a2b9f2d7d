package org.cipherformer.server;

import io.grpc.stub.StreamObserver;
import org.cipherformer.proto.v1.DescribeModelRequest;
import org.cipherformer.proto.v1.ListModelsRequest;
import org.cipherformer.proto.v1.ListModelsResponse;
import org.cipherformer.proto.v1.ModelDescription;
import org.cipherformer.proto.v1.ModelServiceGrpc;

/** ModelService: the hosted models and what a client needs to use one. */
final class ModelServiceImpl extends ModelServiceGrpc.ModelServiceImplBase {
  private final ModelRegistry registry;

  ModelServiceImpl(ModelRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> out) {
    try {
      TenantContext.current();
      ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
      registry.models().forEach(m -> b.addModels(ModelDescriptions.summary(m)));
      out.onNext(b.build());
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e, "ListModels").asRuntimeException());
    }
  }

  @Override
  public void describeModel(DescribeModelRequest request, StreamObserver<ModelDescription> out) {
    try {
      TenantContext.current();
      out.onNext(ModelDescriptions.describe(registry.get(request.getName())));
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e, "DescribeModel").asRuntimeException());
    }
  }
}
