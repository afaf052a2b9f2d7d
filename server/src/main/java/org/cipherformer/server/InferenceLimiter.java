package org.cipherformer.server;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts running inferences per tenant (against {@link Quotas#maxConcurrentInferences()}) and over the server
 * (against its worker bound). Thread-safe.
 */
final class InferenceLimiter {
  private final int serverLimit;
  private final Map<String, Integer> byTenant = new HashMap<>();
  private int total;

  InferenceLimiter(int serverLimit) {
    if (serverLimit < 1) {
      throw new IllegalArgumentException("server inference limit must be >= 1, got " + serverLimit);
    }
    this.serverLimit = serverLimit;
  }

  /**
   * Counts one more inference of the tenant.
   *
   * @throws io.grpc.StatusRuntimeException RESOURCE_EXHAUSTED if the tenant or the server is at its limit
   */
  synchronized void acquire(Tenant tenant) {
    int running = byTenant.getOrDefault(tenant.id(), 0);
    int max = tenant.quotas().maxConcurrentInferences();
    if (running >= max) {
      throw Errors.resourceExhausted("tenant " + tenant.id() + " has " + running + " inferences running, the "
          + "maximum is " + max);
    }
    if (total >= serverLimit) {
      throw Errors.resourceExhausted("the server is running its maximum of " + serverLimit + " inferences; retry "
          + "later");
    }
    byTenant.put(tenant.id(), running + 1);
    total++;
  }

  /** Counts one inference of the tenant as ended. */
  synchronized void release(Tenant tenant) {
    int running = byTenant.getOrDefault(tenant.id(), 0);
    if (running <= 1) {
      byTenant.remove(tenant.id());
    } else {
      byTenant.put(tenant.id(), running - 1);
    }
    if (total > 0) {
      total--;
    }
  }

  /** @return inferences running now, over all tenants */
  synchronized int running() {
    return total;
  }
}
