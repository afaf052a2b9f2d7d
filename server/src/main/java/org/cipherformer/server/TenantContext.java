package org.cipherformer.server;

import io.grpc.Context;
import io.grpc.Status;

/**
 * Where the services read the calling tenant from: an interceptor ({@link SingleTenantInterceptor}, or an API-key
 * authenticator) puts it into the gRPC {@link Context} of each call; the services never look at metadata themselves.
 */
public final class TenantContext {
  /** The authenticated tenant of the current call. */
  public static final Context.Key<Tenant> TENANT = Context.key("cipherformer-tenant");

  private TenantContext() {
  }

  /**
   * @return the tenant of the current call
   * @throws io.grpc.StatusRuntimeException UNAUTHENTICATED if no interceptor set one (a server wired without
   *     authentication must install {@link SingleTenantInterceptor})
   */
  public static Tenant current() {
    Tenant t = TENANT.get();
    if (t == null) {
      throw Status.UNAUTHENTICATED.withDescription("no authenticated tenant for this call").asRuntimeException();
    }
    return t;
  }
}
