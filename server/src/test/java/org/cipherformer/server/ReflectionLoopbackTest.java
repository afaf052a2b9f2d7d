package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The reflection service exists only when the config enables it, and needs no API key. */
class ReflectionLoopbackTest {
  private static ServerConfig config(boolean reflection) {
    return ServerConfig.parse("{\"port\": 0, \"shutdownDelaySeconds\": 0, \"reflection\": " + reflection
        + ", \"tenants\": [{\"id\": \"t\", \"apiKeySha256\": [\"" + ApiKeys.sha256Hex(ApiKeys.generate())
        + "\"]}]}", Path.of("."), "t");
  }

  /** The services reflection lists, or the failure status. */
  private static CompletableFuture<List<String>> listServices(ManagedChannel channel) {
    CompletableFuture<List<String>> result = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse r) {
            result.complete(r.getListServicesResponse().getServiceList().stream()
                .map(ServiceResponse::getName).toList());
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            result.completeExceptionally(new AssertionError("no reply"));
          }
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
    requests.onCompleted();
    return result;
  }

  @Test
  void enabledReflectionListsTheApiWithoutAKey() throws Exception {
    try (LoopbackServer s = LoopbackServer.start(config(true))) {
      ManagedChannel channel = s.plaintextChannel();
      try {
        List<String> services = listServices(channel).get(10, TimeUnit.SECONDS);
        assertTrue(services.contains("cipherformer.v1.ModelService"), services.toString());
        assertTrue(services.contains("grpc.health.v1.Health"), services.toString());
      } finally {
        LoopbackServer.closeQuietly(channel);
      }
    }
  }

  @Test
  void disabledReflectionIsUnimplemented() throws Exception {
    try (LoopbackServer s = LoopbackServer.start(config(false))) {
      ManagedChannel channel = s.plaintextChannel();
      try {
        Throwable t = listServices(channel).handle((ok, err) -> err).get(10, TimeUnit.SECONDS);
        assertEquals(Status.Code.UNIMPLEMENTED, Status.fromThrowable(t).getCode(), String.valueOf(t));
      } finally {
        LoopbackServer.closeQuietly(channel);
      }
    }
  }
}
