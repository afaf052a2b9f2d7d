package org.cipherformer.server;

import java.util.Objects;

/**
 * A party that uses the server: sessions belong to a tenant, and only that tenant can see or use them.
 *
 * @param id     stable identifier (not secret; appears in logs)
 * @param quotas what the tenant may hold at once
 */
public record Tenant(String id, Quotas quotas) {
  /** @throws IllegalArgumentException if the id is blank */
  public Tenant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(quotas, "quotas");
    if (id.isBlank()) {
      throw new IllegalArgumentException("tenant id must not be blank");
    }
  }
}
