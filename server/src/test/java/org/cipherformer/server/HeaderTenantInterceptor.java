package org.cipherformer.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Test-only authentication: the tenant named in the {@link TestClient#TENANT} header, all with the same quotas, so
 * the tests can act as two tenants. (The real one, by API key, is the ops module's.)
 */
final class HeaderTenantInterceptor implements ServerInterceptor {
  private final Quotas quotas;

  HeaderTenantInterceptor(Quotas quotas) {
    this.quotas = quotas;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String id = headers.get(TestClient.TENANT);
    if (id == null || id.isBlank()) {
      call.close(Status.UNAUTHENTICATED.withDescription("no x-test-tenant header"), new Metadata());
      return new ServerCall.Listener<>() { };
    }
    return Contexts.interceptCall(Context.current().withValue(TenantContext.TENANT, new Tenant(id, quotas)), call,
        headers, next);
  }
}
