package org.cipherformer.server;

import java.util.List;
import java.util.Objects;

/**
 * One tenant of the config file: its id, the SHA-256 hashes of its API keys (several, so keys can be rotated without
 * downtime), and its quotas.
 *
 * @param id           tenant id, 1 to 64 characters of [A-Za-z0-9._-]
 * @param apiKeySha256 hashes as 64 lowercase hex digits (see {@link ApiKeys#sha256Hex(String)})
 * @param quotas       the tenant's quotas (the config's defaultQuotas with this tenant's overrides)
 */
public record TenantConfig(String id, List<String> apiKeySha256, Quotas quotas) {
  public TenantConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(quotas, "quotas");
    apiKeySha256 = List.copyOf(apiKeySha256);
  }

  /** The tenant the services see in {@link TenantContext#TENANT}. */
  public Tenant tenant() {
    return new Tenant(id, quotas);
  }
}
