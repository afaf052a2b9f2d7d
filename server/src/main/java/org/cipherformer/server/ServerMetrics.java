package org.cipherformer.server;

import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.IntSupplier;

/**
 * The server's metrics: a Prometheus registry with the per-call {@link MetricsInterceptor}, gauges the server binds
 * (active sessions), and the JVM's own meters (memory, GC, threads, CPU). Scrape it through {@link
 * PrometheusEndpoint}.
 */
public final class ServerMetrics implements AutoCloseable {
  static final String ACTIVE_SESSIONS = "cipherformer.sessions.active";
  static final String RUNNING_INFERENCES = "cipherformer.inferences.running";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MetricsInterceptor interceptor = new MetricsInterceptor(registry);
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

  public ServerMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The interceptor that records calls; install it outermost (added last to the server builder). */
  public ServerInterceptor interceptor() {
    return interceptor;
  }

  /** Inference calls in flight, as counted by the interceptor. */
  public int inflightInferences() {
    return interceptor.inflightInferences();
  }

  /**
   * Publishes the number of open sessions, read from {@code activeSessions} at each scrape.
   *
   * @param activeSessions e.g. the session registry's {@code activeSessions()}
   */
  public void bindActiveSessions(IntSupplier activeSessions) {
    Gauge.builder(ACTIVE_SESSIONS, activeSessions, s -> s.getAsInt())
        .description("Sessions open, over all tenants")
        .strongReference(true) // the supplier is often a lambda nothing else holds
        .register(registry);
  }

  /**
   * Publishes the number of inferences computing now (holding a compute slot), read at each scrape. Unlike the
   * interceptor's in-flight count of open InferenceService calls, this leaves out calls refused or not yet started.
   *
   * @param runningInferences e.g. the server's {@code runningInferences()}
   */
  public void bindRunningInferences(IntSupplier runningInferences) {
    Gauge.builder(RUNNING_INFERENCES, runningInferences, s -> s.getAsInt())
        .description("Inferences computing now, over all tenants")
        .strongReference(true)
        .register(registry);
  }

  /** The registry in the Prometheus text format (what {@code GET /metrics} returns). */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gcMetrics.close();
    registry.close();
  }
}
