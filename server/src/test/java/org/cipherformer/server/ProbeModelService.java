package org.cipherformer.server;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.cipherformer.proto.v1.DescribeModelRequest;
import org.cipherformer.proto.v1.ListModelsRequest;
import org.cipherformer.proto.v1.ListModelsResponse;
import org.cipherformer.proto.v1.ModelDescription;
import org.cipherformer.proto.v1.ModelServiceGrpc;
import org.cipherformer.proto.v1.ModelSummary;

/**
 * A ModelService for the operational tests that reports what the services see: ListModels answers one model named
 * after the tenant in {@link TenantContext} (so a test observes which tenant a key mapped to), and DescribeModel with
 * the name {@code sleep:<millis>} holds the call that long or until it is cancelled (an in-flight call for the
 * drain tests).
 */
final class ProbeModelService extends ModelServiceGrpc.ModelServiceImplBase {
  @Override
  public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> response) {
    Tenant tenant = TenantContext.current();
    response.onNext(ListModelsResponse.newBuilder()
        .addModels(ModelSummary.newBuilder().setName(tenant.id())).build());
    response.onCompleted();
  }

  @Override
  public void describeModel(DescribeModelRequest request, StreamObserver<ModelDescription> response) {
    String name = request.getName();
    if (name.startsWith("sleep:")) {
      // Sleeps in small steps and stops early when cancelled, like the inference loop between native steps.
      long until = System.nanoTime() + Long.parseLong(name.substring("sleep:".length())) * 1_000_000L;
      while (System.nanoTime() < until && !io.grpc.Context.current().isCancelled()) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (io.grpc.Context.current().isCancelled()) {
      response.onError(Status.CANCELLED.withDescription("cancelled while sleeping").asRuntimeException());
      return;
    }
    response.onNext(ModelDescription.newBuilder()
        .setSummary(ModelSummary.newBuilder().setName(name)).build());
    response.onCompleted();
  }
}
