package org.cipherformer.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Objects;

/**
 * Runs every call as one fixed tenant: the server's mode when no API keys are configured (a local or single-user
 * deployment). Session isolation still holds between tenants; there is just one.
 */
public final class SingleTenantInterceptor implements ServerInterceptor {
  /** Id of the tenant used when none is configured. */
  public static final String DEFAULT_TENANT_ID = "default";

  private final Tenant tenant;

  /** @param tenant the tenant every call runs as */
  public SingleTenantInterceptor(Tenant tenant) {
    this.tenant = Objects.requireNonNull(tenant, "tenant");
  }

  /** The tenant {@value #DEFAULT_TENANT_ID} with {@link Quotas#DEFAULT}. */
  public static SingleTenantInterceptor withDefaultTenant() {
    return new SingleTenantInterceptor(new Tenant(DEFAULT_TENANT_ID, Quotas.DEFAULT));
  }

  /** @return the tenant every call runs as */
  public Tenant tenant() {
    return tenant;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return Contexts.interceptCall(Context.current().withValue(TenantContext.TENANT, tenant), call, headers, next);
  }
}
