package org.cipherformer.server;

import io.grpc.BindableService;
import io.grpc.Contexts;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** A real Netty server on 127.0.0.1 with an ephemeral port, the operational layer, and a service under test. */
final class LoopbackServer implements AutoCloseable {
  static final Tenant DEFAULT_TENANT = new Tenant("default", Quotas.DEFAULT);

  final ServerOperations ops;
  final Server server;
  private boolean stopped;

  private LoopbackServer(ServerOperations ops, Server server) {
    this.ops = ops;
    this.server = server;
  }

  /** Starts the server with the probe ModelService. */
  static LoopbackServer start(ServerConfig config) throws IOException {
    return start(config, new ProbeModelService());
  }

  static LoopbackServer start(ServerConfig config, BindableService... services) throws IOException {
    ServerOperations ops = operations(config);
    NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .maxInboundMessageSize(config.maxInboundMessageBytes());
    ServerInterceptor auth = authentication(config);
    for (BindableService s : services) {
      // Authentication per service, as CipherformerServer does it; ops adds its interceptors server-wide.
      b.addService(ServerInterceptors.intercept(s, auth));
    }
    ops.configure(b);
    Server server = b.build().start();
    ops.started(server);
    return new LoopbackServer(ops, server);
  }

  static ServerOperations operations(ServerConfig config) {
    return new ServerOperations(config.tls(), config.reflection(), config.metrics(), config.shutdownDelay(),
        config.drainTimeout());
  }

  /** API keys when the config has tenants, else one default tenant. */
  static ServerInterceptor authentication(ServerConfig config) {
    return config.authenticationEnabled() ? new ApiKeyAuthInterceptor(config.tenants()) : singleTenant();
  }

  /** Stands in for core's single-tenant interceptor: every call gets one default tenant. */
  static ServerInterceptor singleTenant() {
    return new ServerInterceptor() {
      @Override
      public <ReqT, RespT> io.grpc.ServerCall.Listener<ReqT> interceptCall(io.grpc.ServerCall<ReqT, RespT> call,
          Metadata headers, io.grpc.ServerCallHandler<ReqT, RespT> next) {
        return Contexts.interceptCall(Context.current().withValue(TenantContext.TENANT, DEFAULT_TENANT),
            call, headers, next);
      }
    };
  }

  int port() {
    return server.getPort();
  }

  ManagedChannel plaintextChannel() {
    return NettyChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build();
  }

  /** Metadata with {@code authorization: Bearer <key>} (or the raw header value when it has no "Bearer"). */
  static io.grpc.ClientInterceptor authorization(String headerValue) {
    Metadata m = new Metadata();
    m.put(ApiKeyAuthInterceptor.AUTHORIZATION, headerValue);
    return MetadataUtils.newAttachHeadersInterceptor(m);
  }

  /** The graceful stop; true if drained. */
  boolean stop() {
    stopped = true;
    return ops.stop(server);
  }

  static void closeQuietly(ManagedChannel channel) throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    if (!stopped) {
      stopped = true;
      server.shutdownNow();
      ops.stop(server);
    }
  }
}
