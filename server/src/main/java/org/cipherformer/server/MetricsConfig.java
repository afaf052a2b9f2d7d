package org.cipherformer.server;

import java.util.Objects;

/**
 * Where the Prometheus scrape endpoint ({@code GET /metrics}, plain HTTP) listens.
 *
 * @param address interface to bind, e.g. 127.0.0.1 (the default: keep metrics off the network unless asked)
 * @param port    TCP port; 0 picks a free one (tests)
 */
public record MetricsConfig(String address, int port) {
  public static final String DEFAULT_ADDRESS = "127.0.0.1";
  public static final int DEFAULT_PORT = 9464;

  public MetricsConfig {
    Objects.requireNonNull(address, "address");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("metrics port must be in [0, 65535], got " + port);
    }
  }
}
