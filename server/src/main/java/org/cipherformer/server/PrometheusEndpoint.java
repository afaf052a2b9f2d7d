package org.cipherformer.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A plain-HTTP Prometheus scrape endpoint: {@code GET /metrics} returns the registry in the Prometheus text format;
 * anything else is 404 (other paths) or 405 (other methods). One daemon thread serves it: scrapes are rare and small.
 */
public final class PrometheusEndpoint implements AutoCloseable {
  /** Content type of the Prometheus text exposition format 0.0.4. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private PrometheusEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts the endpoint.
   *
   * @throws UncheckedIOException if the address cannot be bound (the message names address and port)
   */
  public static PrometheusEndpoint start(MetricsConfig config, ServerMetrics metrics) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(config.address(), config.port()), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the metrics endpoint to " + config.address() + ":"
          + config.port() + ": " + e.getMessage(), e);
    }
    server.createContext("/", exchange -> handle(exchange, metrics));
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "cipherformer-metrics-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
    return new PrometheusEndpoint(server, executor);
  }

  /** The bound port (the real one when the config asked for 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void handle(HttpExchange exchange, ServerMetrics metrics) throws IOException {
    try (exchange) {
      if (!"/metrics".equals(exchange.getRequestURI().getPath())) {
        reply(exchange, 404, "not found: the metrics are at /metrics\n");
        return;
      }
      String method = exchange.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        reply(exchange, 405, "method not allowed: use GET\n");
        return;
      }
      byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      if ("HEAD".equals(method)) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void reply(HttpExchange exchange, int code, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops serving at once (a scrape in progress is cut off) and frees the port. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
