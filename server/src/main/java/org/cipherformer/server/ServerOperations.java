package org.cipherformer.server;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The operational layer of the gRPC server, separate from what the services compute: TLS, health, reflection,
 * metrics and the graceful stop. {@link CipherformerServer} holds one and calls it at three points: {@link #configure}
 * while building the Netty server, {@link #started} once it listens, {@link #stop} on close.
 *
 * <p>Its interceptors are server-wide ({@code NettyServerBuilder.intercept}), and gRPC runs those before the
 * per-service ones, so the order is: metrics, drain counting, then the services' own authentication interceptor
 * ({@link ApiKeyAuthInterceptor} or the single-tenant one). A call refused as UNAUTHENTICATED is still counted.
 */
public final class ServerOperations {
  private final TlsConfig tls;
  private final boolean reflection;
  private final MetricsConfig metricsEndpoint;
  private final Duration shutdownDelay;
  private final Duration drainTimeout;

  private final HealthStatusManager health = new HealthStatusManager();
  private final CallDrain drain = new CallDrain();
  private final ServerMetrics metrics;
  private PrometheusEndpoint endpoint;

  /**
   * @param tls             TLS settings, or null for plaintext
   * @param reflection      whether to offer grpc.reflection.v1
   * @param metricsEndpoint where to serve /metrics, or null for no endpoint (metrics are still recorded)
   * @param shutdownDelay   how long health is NOT_SERVING before the port stops taking calls
   * @param drainTimeout    how long in-flight calls may run on after that
   */
  public ServerOperations(TlsConfig tls, boolean reflection, MetricsConfig metricsEndpoint, Duration shutdownDelay,
      Duration drainTimeout) {
    this.tls = tls;
    this.reflection = reflection;
    this.metricsEndpoint = metricsEndpoint;
    this.shutdownDelay = Objects.requireNonNull(shutdownDelay, "shutdownDelay");
    this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
    this.metrics = new ServerMetrics();
  }

  /**
   * Adds TLS, the health and (if enabled) reflection services, and the metrics and drain interceptors to a server
   * being built. The message-size limit, executor and authentication stay with the caller.
   *
   * @throws ServerConfigException if the TLS files cannot be loaded
   */
  public void configure(NettyServerBuilder builder) {
    if (tls != null) {
      builder.sslContext(ServerTls.serverContext(tls));
    }
    builder.addService(MalformedRequests.guard(health.getHealthService().bindService()));
    if (reflection) {
      builder.addService(ProtoReflectionServiceV1.newInstance());
    }
    // ServerBuilder.intercept: the interceptor added last runs first.
    builder.intercept(new StatusDescriptionLimit());
    builder.intercept(drain);
    builder.intercept(metrics.interceptor());
  }

  /**
   * Marks the listening server SERVING (overall and for each of its services) and starts the metrics endpoint.
   *
   * @param server the started server
   */
  public void started(Server server) {
    for (var service : server.getServices()) {
      String name = service.getServiceDescriptor().getName();
      if (!name.startsWith("grpc.")) {
        health.setStatus(name, ServingStatus.SERVING);
      }
    }
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    if (metricsEndpoint != null) {
      endpoint = PrometheusEndpoint.start(metricsEndpoint, metrics);
    }
  }

  /**
   * The graceful stop ({@link GracefulShutdown}), then the metrics endpoint and meters close.
   *
   * @param server the server, or null if it was never built (then only the metrics are freed)
   * @return true if in-flight calls finished within the drain timeout
   */
  public boolean stop(Server server) {
    try {
      return server == null || GracefulShutdown.stop(server, health, drain, shutdownDelay, drainTimeout);
    } finally {
      if (endpoint != null) {
        endpoint.close();
      }
      metrics.close();
    }
  }

  public ServerMetrics metrics() {
    return metrics;
  }

  /** The bound port of the metrics endpoint, or -1 when there is none or the server has not started. */
  public int metricsPort() {
    return endpoint == null ? -1 : endpoint.port();
  }

  /** Calls in flight (health and reflection excluded). */
  public int inflightCalls() {
    return drain.inflight();
  }

  List<String> describe() {
    return List.of("tls=" + (tls == null ? "off" : tls.requireClientCert() ? "mutual" : "server"),
        "reflection=" + reflection, "metrics=" + (metricsEndpoint == null ? "off"
            : metricsEndpoint.address() + ":" + metricsEndpoint.port()));
  }
}
