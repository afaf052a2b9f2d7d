package org.cipherformer.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cipherformer.he.ops.CkksBackend;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.model.data.RepoPaths;

/**
 * The Cipherformer gRPC server (cipherformer.v1: ModelService, SessionService, InferenceService) on Netty. Owns its
 * model registry, sessions, executors and the native context; {@link #start()}, {@link #close()} (graceful: stop
 * taking calls, let running ones finish for the grace period, then cancel what is left, whose inferences stop at
 * their next operation) and {@link #blockUntilShutdown()}, in the style of grpc-java's RouteGuideServer.
 *
 * <pre>{@code
 * try (CipherformerServer server = CipherformerServer.builder().port(0).start()) {
 *   int port = server.port();
 *   ...
 * }
 * }</pre>
 *
 * <p>Operations ({@link ServerOperations}): the gRPC health service (SERVING once started, NOT_SERVING from the start
 * of {@link #close()}), optional TLS/mTLS, reflection and a Prometheus endpoint, request metrics. A config file
 * ({@link ServerConfig}, docs/server-config.md) sets all options at once: {@code builder().config(cfg)}.
 *
 * <p>Threads: gRPC callbacks run on a fixed pool of {@link Builder#executorThreads} threads (cores by default);
 * key loading and inferences run on a separate bounded worker pool, because an inference blocks its thread while it
 * waits for refresh replies, which arrive through gRPC callbacks.
 */
public final class CipherformerServer implements AutoCloseable {
  /** Port when none is given. */
  public static final int DEFAULT_PORT = 50051;
  /**
   * Default largest inbound message: 64 MiB. A refresh reply carries fresh top-level ciphertexts of about 1.1 MB
   * (seeded) to 2.4 MB (not seeded) each at n16384, one per value of the round; key chunks are 1 MiB.
   */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 64 << 20;
  /** Default largest key-upload data chunk. */
  public static final int DEFAULT_MAX_CHUNK_BYTES = 1 << 20;

  private static final Logger LOG = Logger.getLogger(CipherformerServer.class.getName());

  private final Builder config;
  private Server server;
  private ModelRegistry models;
  private SessionRegistry sessions;
  private InferenceLimiter inferences;
  private ExecutorService grpcExecutor;
  private ThreadPoolExecutor workers;
  private ScheduledExecutorService timers;
  private SharedEncodeCaches encodeCaches;
  private ServerOperations ops;
  private Thread jvmShutdownHook;
  private volatile boolean closed;

  private CipherformerServer(Builder config) {
    this.config = config;
  }

  /** @return a builder with the defaults documented on each option */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads the models, binds the port and starts serving; plans compile in the background (first use waits).
   *
   * @return this server
   * @throws IOException if the port cannot be bound or a model directory cannot be read
   * @throws IllegalStateException if already started
   */
  public synchronized CipherformerServer start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("server already started");
    }
    Path modelsDir = config.modelsDirectory != null ? config.modelsDirectory : RepoPaths.root().resolve("models");
    Path sampleRoot = config.sampleRoot != null ? config.sampleRoot : sampleRootFor(modelsDir);
    models = ModelRegistry.load(modelsDir, config.models, config.parameters, sampleRoot);
    try {
      sessions = new SessionRegistry(config.idleSessionTimeout);
      inferences = new InferenceLimiter(config.maxConcurrentInferences);
      grpcExecutor = new ThreadPoolExecutor(config.executorThreads, config.executorThreads, 0, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), daemonThreads("cipherformer-grpc"));
      // Inferences plus key loads; a full pool refuses (RESOURCE_EXHAUSTED) instead of queueing without bound.
      workers = new ThreadPoolExecutor(0, config.maxConcurrentInferences + config.executorThreads, 60,
          TimeUnit.SECONDS, new SynchronousQueue<>(), daemonThreads("cipherformer-worker"));
      BackendFactory backends = config.backendFactory;
      if (backends == null) {
        encodeCaches = new SharedEncodeCaches(config.encodeCacheBytes);
        backends = encodeCaches;
      }
      ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("cipherformer-timers"));
      // Start-message timers are cancelled as soon as the start arrives: drop them from the queue at once.
      scheduler.setRemoveOnCancelPolicy(true);
      timers = scheduler;
      ServerCore core = new ServerCore(models, sessions, backends, workers, inferences, config.maxChunkBytes,
          config.refreshReplyTimeout, timers);

      ServerInterceptor auth = config.authInterceptor != null ? config.authInterceptor
          : new SingleTenantInterceptor(config.tenant);
      NettyServerBuilder nb = NettyServerBuilder.forAddress(new InetSocketAddress(config.host, config.port))
          .executor(grpcExecutor)
          .maxInboundMessageSize(config.maxInboundMessageBytes);
      List<ServerServiceDefinition> services = new ArrayList<>();
      services.add(new ModelServiceImpl(models).bindService());
      services.add(new SessionServiceImpl(core).bindService());
      services.add(new InferenceServiceImpl(core, config.plaintextInference).bindService());
      for (ServerServiceDefinition s : services) {
        // Garbage request bytes: INVALID_ARGUMENT, and the service is told the call is over (MalformedRequests).
        ServerServiceDefinition d = ServerInterceptors.intercept(MalformedRequests.guard(s), auth);
        nb.addService(ServerInterceptors.intercept(d, config.interceptors));
      }
      for (ServerServiceDefinition s : config.extraServices) {
        nb.addService(s);
      }
      ops = new ServerOperations(config.tls, config.reflection, config.metricsEndpoint, config.shutdownDelay,
          config.shutdownGrace);
      ops.configure(nb);
      for (Consumer<NettyServerBuilder> c : config.nettyCustomizers) {
        c.accept(nb);
      }
      server = nb.build().start();
      ops.metrics().bindActiveSessions(this::activeSessions);
      ops.metrics().bindRunningInferences(this::runningInferences);
      ops.started(server);

      long period = Math.max(1000, Math.min(60_000, config.idleSessionTimeout.toMillis() / 4));
      timers.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
      if (config.precompilePlans) {
        Thread t = new Thread(this::compilePlans, "cipherformer-plans");
        t.setDaemon(true);
        t.start();
      }
      LOG.info("Cipherformer server listening on " + config.host + ":" + port() + " with " + models.models().size()
          + " models, parameters " + config.parameters.description() + ", " + String.join(", ", ops.describe())
          + (ops.metricsPort() >= 0 ? ", metrics on port " + ops.metricsPort() : ""));
      return this;
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private static Path sampleRootFor(Path modelsDir) {
    Path parent = modelsDir.toAbsolutePath().normalize().getParent();
    return parent != null && parent.resolve("data").toFile().isDirectory() ? parent : null;
  }

  private void sweep() {
    try {
      sessions.expireIdle();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "session sweep failed", e);
    }
  }

  private void compilePlans() {
    for (HostedModel m : models.models()) {
      if (closed) {
        return;
      }
      if (m.ckksAvailable()) {
        try {
          m.ckks();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "model " + m.name() + ": CKKS plan failed to compile", e);
        }
      }
    }
  }

  /** @return the bound port (the ephemeral one when started with port 0) */
  public int port() {
    if (server == null) {
      throw new IllegalStateException("server not started");
    }
    return server.getPort();
  }

  /** @return the hosted models */
  public ModelRegistry models() {
    return models;
  }

  /** @return the open sessions */
  public SessionRegistry sessions() {
    return sessions;
  }

  /**
   * @return the encode caches shared by the sessions of each model (null when a custom {@link Builder#backendFactory}
   *     is used, or before start)
   */
  public SharedEncodeCaches encodeCaches() {
    return encodeCaches;
  }

  /** @return sessions open now (all tenants) */
  public int activeSessions() {
    return sessions == null ? 0 : sessions.activeSessions();
  }

  /** @return inferences running now (all tenants) */
  public int runningInferences() {
    return inferences == null ? 0 : inferences.running();
  }

  /** @return the server's meters (request counts and latencies, bytes, sessions, inferences) */
  public ServerMetrics metrics() {
    if (ops == null) {
      throw new IllegalStateException("server not started");
    }
    return ops.metrics();
  }

  /** @return the bound port of the Prometheus endpoint, or -1 if none is configured */
  public int metricsPort() {
    return ops == null ? -1 : ops.metricsPort();
  }

  /**
   * Makes the JVM's shutdown (SIGTERM, Ctrl-C, System.exit) run {@link #close()}, so a server run as a daemon stops
   * gracefully. {@link #close()} called earlier removes the hook again.
   *
   * @return this server
   */
  public synchronized CipherformerServer closeOnJvmShutdown() {
    if (jvmShutdownHook == null && !closed) {
      jvmShutdownHook = new Thread(() -> {
        // Straight to stderr: java.util.logging resets its handlers in its own shutdown hook, which runs
        // concurrently with this one, so a log record here may be lost.
        System.err.println("JVM shutting down: stopping the Cipherformer server gracefully");
        close();
      }, "cipherformer-shutdown");
      Runtime.getRuntime().addShutdownHook(jvmShutdownHook);
    }
    return this;
  }

  /** Waits until the server has shut down (by {@link #close()} from another thread or a shutdown hook). */
  public void blockUntilShutdown() throws InterruptedException {
    Server s;
    synchronized (this) {
      s = server;
    }
    if (s != null) {
      s.awaitTermination();
    }
  }

  /**
   * Graceful stop: runs the shutdown hooks, turns health NOT_SERVING, keeps taking calls for the shutdown delay (so
   * load balancers move away), stops taking calls, waits up to the grace period for running calls (health watches
   * excluded), cancels the rest (their inferences stop at the next operation), then frees sessions, keys and the
   * native context. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (jvmShutdownHook != null && Thread.currentThread() != jvmShutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(jvmShutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The JVM is exiting and will run the hook, which finds the server closed.
      }
    }
    for (Runnable hook : config.shutdownHooks) {
      try {
        hook.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "shutdown hook failed", e);
      }
    }
    try {
      if (ops != null) {
        ops.stop(server); // also frees the metrics when start() failed before the server was built
      } else if (server != null) {
        server.shutdownNow();
        server.awaitTermination(10, TimeUnit.SECONDS);
      }
      if (timers != null) {
        timers.shutdownNow();
      }
      if (workers != null) {
        workers.shutdown();
        if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
          LOG.warning("workers still running 30 s after shutdown; freeing sessions anyway");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (server != null) {
        server.shutdownNow();
      }
    } finally {
      if (sessions != null) {
        sessions.closeAll();
      }
      if (encodeCaches != null) {
        encodeCaches.close();
      }
      if (grpcExecutor != null) {
        grpcExecutor.shutdownNow();
      }
      if (models != null) {
        models.close();
      }
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Options of a server; every one has a default. Not thread-safe. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private Path modelsDirectory;
    private Path sampleRoot;
    private final List<String> models = new ArrayList<>();
    private CkksParameters parameters;
    private int executorThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private int maxInboundMessageBytes = DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
    private int maxChunkBytes = DEFAULT_MAX_CHUNK_BYTES;
    private Duration idleSessionTimeout = Duration.ofMinutes(30);
    private Duration refreshReplyTimeout = Duration.ofMinutes(5);
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private Duration shutdownDelay = Duration.ZERO;
    private TlsConfig tls;
    private boolean reflection;
    private MetricsConfig metricsEndpoint;
    private int maxConcurrentInferences = 8;
    private Tenant tenant = new Tenant(SingleTenantInterceptor.DEFAULT_TENANT_ID, Quotas.DEFAULT);
    private ServerInterceptor authInterceptor;
    private final List<ServerInterceptor> interceptors = new ArrayList<>();
    private final List<ServerServiceDefinition> extraServices = new ArrayList<>();
    private final List<Consumer<NettyServerBuilder>> nettyCustomizers = new ArrayList<>();
    private final List<Runnable> shutdownHooks = new ArrayList<>();
    private long encodeCacheBytes = defaultEncodeCacheBytes();
    private BackendFactory backendFactory;
    private boolean precompilePlans = true;
    private boolean plaintextInference;

    private Builder() {
    }

    /**
     * Every option a server config file holds (docs/server-config.md): address, port, models, executor, limits,
     * timeouts, TLS, reflection, metrics endpoint, and the tenants (API-key authentication) or, without tenants, the
     * single default tenant with the file's default quotas. Options set after this call override the file's.
     */
    public Builder config(ServerConfig cfg) {
      Objects.requireNonNull(cfg, "cfg");
      host(cfg.address());
      port(cfg.port());
      if (cfg.modelsDirectory() != null) {
        modelsDirectory(cfg.modelsDirectory());
      }
      models(cfg.models());
      executorThreads(cfg.executorThreads());
      maxInboundMessageBytes(cfg.maxInboundMessageBytes());
      maxChunkBytes(cfg.maxChunkBytes());
      maxConcurrentInferences(cfg.maxConcurrentInferences());
      refreshReplyTimeout(cfg.refreshReplyTimeout());
      idleSessionTimeout(cfg.idleSessionTimeout());
      shutdownDelay(cfg.shutdownDelay());
      shutdownGrace(cfg.drainTimeout());
      tls(cfg.tls());
      reflection(cfg.reflection());
      metrics(cfg.metrics());
      if (cfg.authenticationEnabled()) {
        interceptor(new ApiKeyAuthInterceptor(cfg.tenants()));
      } else {
        authInterceptor = null;
        tenant(new Tenant(SingleTenantInterceptor.DEFAULT_TENANT_ID, cfg.defaultQuotas()));
      }
      return this;
    }

    /** TLS (or mutual TLS) on the gRPC port; null (the default) serves plaintext. */
    public Builder tls(TlsConfig tls) {
      this.tls = tls;
      return this;
    }

    /** Offer the gRPC reflection service (grpc.reflection.v1, needs no API key); default false. */
    public Builder reflection(boolean enabled) {
      this.reflection = enabled;
      return this;
    }

    /** Serve Prometheus metrics at GET /metrics on this address and port; null (the default) serves none. */
    public Builder metrics(MetricsConfig endpoint) {
      this.metricsEndpoint = endpoint;
      return this;
    }

    /**
     * How long {@link CipherformerServer#close()} reports NOT_SERVING while still taking calls, before the port
     * stops taking them (lets load balancers that poll health move clients away); default 0.
     */
    public Builder shutdownDelay(Duration delay) {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("shutdown delay must be >= 0, got " + delay);
      }
      this.shutdownDelay = delay;
      return this;
    }

    /** Address to bind; default 127.0.0.1 (loopback only: pass 0.0.0.0 to serve other hosts). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Port to bind; 0 picks a free one ({@link CipherformerServer#port()} says which). Default 50051. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      this.port = port;
      return this;
    }

    /** Directory of model directories; default the repository's models/. */
    public Builder modelsDirectory(Path dir) {
      this.modelsDirectory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** Names (subdirectories of the models directory) to host; default all of them. */
    public Builder models(List<String> names) {
      Objects.requireNonNull(names, "names");
      models.clear();
      models.addAll(names);
      return this;
    }

    /**
     * Repository root whose data/ holds the shipped sample inputs the plans are compiled on (only the plan's
     * magnitude figure depends on them); default the parent of the models directory if it has data/.
     */
    public Builder sampleRoot(Path root) {
      this.sampleRoot = root;
      return this;
    }

    /** CKKS parameters of every plan; default {@link CkksParameters#n16384()}. */
    public Builder parameters(CkksParameters parameters) {
      this.parameters = Objects.requireNonNull(parameters, "parameters");
      return this;
    }

    /** Threads of the gRPC callback executor; default the number of cores (at least 2). */
    public Builder executorThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("executor threads must be >= 1, got " + threads);
      }
      this.executorThreads = threads;
      return this;
    }

    /** Largest inbound message in bytes (larger ones fail with RESOURCE_EXHAUSTED); default 64 MiB. */
    public Builder maxInboundMessageBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("max inbound message must be >= 1024 bytes, got " + bytes);
      }
      this.maxInboundMessageBytes = bytes;
      return this;
    }

    /** Largest key-upload data chunk (announced in Session.max_chunk_bytes); default 1 MiB. */
    public Builder maxChunkBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("max chunk bytes must be >= 1, got " + bytes);
      }
      this.maxChunkBytes = bytes;
      return this;
    }

    /** Sessions unused this long are closed; default 30 minutes. */
    public Builder idleSessionTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("idle session timeout must be positive, got " + timeout);
      }
      this.idleSessionTimeout = timeout;
      return this;
    }

    /** Longest wait for one refresh reply before the inference fails with DEADLINE_EXCEEDED; default 5 minutes. */
    public Builder refreshReplyTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("refresh reply timeout must be positive, got " + timeout);
      }
      this.refreshReplyTimeout = timeout;
      return this;
    }

    /** How long {@link CipherformerServer#close()} lets running calls finish; default 10 s. */
    public Builder shutdownGrace(Duration grace) {
      if (grace.isNegative()) {
        throw new IllegalArgumentException("shutdown grace must be >= 0, got " + grace);
      }
      this.shutdownGrace = grace;
      return this;
    }

    /** Inferences running at once over all tenants (beyond: RESOURCE_EXHAUSTED); default 8. */
    public Builder maxConcurrentInferences(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("max concurrent inferences must be >= 1, got " + n);
      }
      this.maxConcurrentInferences = n;
      return this;
    }

    /** The tenant every call runs as when no authentication interceptor is set; default "default", default quotas. */
    public Builder tenant(Tenant tenant) {
      this.tenant = Objects.requireNonNull(tenant, "tenant");
      return this;
    }

    /**
     * The authentication interceptor: it must put the caller's {@link Tenant} into {@link TenantContext#TENANT} (or
     * fail the call with UNAUTHENTICATED). Replaces the default {@link SingleTenantInterceptor}.
     */
    public Builder interceptor(ServerInterceptor auth) {
      this.authInterceptor = Objects.requireNonNull(auth, "auth");
      return this;
    }

    /** Another interceptor on the cipherformer services, run before authentication (e.g. metrics). */
    public Builder addInterceptor(ServerInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Another service on the same port, without the interceptors (e.g. health, reflection). */
    public Builder addService(BindableService service) {
      extraServices.add(service.bindService());
      return this;
    }

    /** Another service on the same port, without the interceptors. */
    public Builder addService(ServerServiceDefinition service) {
      extraServices.add(Objects.requireNonNull(service, "service"));
      return this;
    }

    /** Changes the Netty builder just before the server is built (TLS, keep-alive, ...). */
    public Builder configureNetty(Consumer<NettyServerBuilder> customizer) {
      nettyCustomizers.add(Objects.requireNonNull(customizer, "customizer"));
      return this;
    }

    /** Runs at the start of {@link CipherformerServer#close()}, before the server stops taking calls. */
    public Builder onShutdown(Runnable hook) {
      shutdownHooks.add(Objects.requireNonNull(hook, "hook"));
      return this;
    }

    /**
     * Bound in bytes of the encode cache that all sessions of one model share ({@link SharedEncodeCaches}: one cache
     * per model, not per session); default the system property {@value CkksBackend#ENCODE_CACHE_BYTES_PROPERTY} if
     * set, else {@link CkksBackend#DEFAULT_ENCODE_CACHE_BYTES} (2.5 GiB: the shipped ViT's working set is 1.98 GiB at
     * n16384, and a cache below a program's working set gets no hits from LRU). 0: no cache, every inference encodes
     * its operands (about 4-5 s more per ViT inference). Ignored when a {@link #backendFactory} is set.
     */
    public Builder encodeCacheBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("encode cache bytes must be >= 0, got " + bytes);
      }
      this.encodeCacheBytes = bytes;
      return this;
    }

    /** How session backends are made (the seam for a cache shared by all sessions); overrides encodeCacheBytes. */
    public Builder backendFactory(BackendFactory factory) {
      this.backendFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** Compile every CKKS plan in the background right after start (default true); else on first use. */
    public Builder precompilePlans(boolean precompile) {
      this.precompilePlans = precompile;
      return this;
    }

    /**
     * Also serve RunEe on untransformed models, i.e. plaintext inference on unprotected inputs (default false). Only
     * for benchmarks that compare EE with plaintext on the same server, or fully trusted deployments: with it on, a
     * client that sends an unpermuted input to an untransformed model gets an answer instead of FAILED_PRECONDITION.
     */
    public Builder plaintextInference(boolean enable) {
      this.plaintextInference = enable;
      return this;
    }

    /** @return the server, not started */
    public CipherformerServer build() {
      if (parameters == null) {
        parameters = CkksParameters.n16384();
      }
      if (maxChunkBytes > maxInboundMessageBytes - 1024) {
        throw new IllegalArgumentException("max chunk bytes " + maxChunkBytes + " must leave 1 KiB of the max "
            + "inbound message of " + maxInboundMessageBytes + " bytes for framing");
      }
      return new CipherformerServer(this);
    }

    /** @return the server, started */
    public CipherformerServer start() throws IOException {
      return build().start();
    }

    private static long defaultEncodeCacheBytes() {
      String v = System.getProperty(CkksBackend.ENCODE_CACHE_BYTES_PROPERTY);
      if (v == null || v.isBlank()) {
        return CkksBackend.DEFAULT_ENCODE_CACHE_BYTES;
      }
      try {
        return Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(CkksBackend.ENCODE_CACHE_BYTES_PROPERTY + " must be a number of bytes, "
            + "got '" + v + "'", e);
      }
    }
  }
}
