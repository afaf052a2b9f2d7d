package org.cipherformer.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The server's configuration file (JSON; format, defaults and an example in docs/server-config.md and
 * config/server.example.json). Every field is optional; a field that is present is checked, and an error names the
 * file and the field. Relative paths in the file resolve against the file's directory.
 *
 * @param address                interface the gRPC port binds, e.g. 127.0.0.1 or 0.0.0.0
 * @param port                   gRPC port; 0 picks a free one
 * @param modelsDirectory        directory of model folders to host, or null for the server's default (the
 *                               repository's models/, found from the working directory)
 * @param models                 names of the models (subdirectories) to host; empty = all of them
 * @param executorThreads        threads that run the services (the bounded executor)
 * @param maxInboundMessageBytes largest message a client may send; larger ones fail with RESOURCE_EXHAUSTED
 * @param maxChunkBytes          largest key-upload data chunk (announced to clients in Session.max_chunk_bytes)
 * @param maxConcurrentInferences inferences running at once over all tenants (each tenant also has its quota)
 * @param refreshReplyTimeout    longest wait for one refresh reply before the inference fails DEADLINE_EXCEEDED
 * @param idleSessionTimeout     a session closes after this long without a request
 * @param shutdownDelay          on shutdown, how long health reports NOT_SERVING while new calls are still accepted
 *                               (so load balancers and watchers move away before the port closes)
 * @param drainTimeout           on shutdown, how long in-flight calls may finish before they are cancelled
 * @param tls                    TLS settings, or null for plaintext
 * @param reflection             whether the gRPC reflection service (grpc.reflection.v1) is offered
 * @param metrics                Prometheus endpoint, or null for none
 * @param defaultQuotas          quotas of tenants that do not override them, and of the single tenant without keys
 * @param tenants                tenants with API keys; empty = no authentication (one default tenant)
 */
public record ServerConfig(String address, int port, Path modelsDirectory, List<String> models, int executorThreads,
    int maxInboundMessageBytes, int maxChunkBytes, int maxConcurrentInferences, Duration refreshReplyTimeout,
    Duration idleSessionTimeout, Duration shutdownDelay,
    Duration drainTimeout, TlsConfig tls, boolean reflection, MetricsConfig metrics,
    Quotas defaultQuotas, List<TenantConfig> tenants) {

  public static final String DEFAULT_ADDRESS = "127.0.0.1";
  public static final int DEFAULT_PORT = 50051;
  /** 64 MiB: a refresh reply of many N=16384 ciphertexts (about 2 MiB each) fits; key uploads are chunked. */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 64 << 20;
  /** 1 MiB: small enough to interleave with other calls, large enough that framing costs nothing. */
  public static final int DEFAULT_MAX_CHUNK_BYTES = 1 << 20;
  public static final int DEFAULT_MAX_CONCURRENT_INFERENCES = 8;
  public static final Duration DEFAULT_REFRESH_REPLY_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_IDLE_SESSION_TIMEOUT = Duration.ofMinutes(30);
  public static final Duration DEFAULT_SHUTDOWN_DELAY = Duration.ofSeconds(2);
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  public ServerConfig {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(refreshReplyTimeout, "refreshReplyTimeout");
    Objects.requireNonNull(idleSessionTimeout, "idleSessionTimeout");
    Objects.requireNonNull(shutdownDelay, "shutdownDelay");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    Objects.requireNonNull(defaultQuotas, "defaultQuotas");
    models = List.copyOf(models);
    tenants = List.copyOf(tenants);
  }

  /** Every field at its default: plaintext on 127.0.0.1:50051, no tenants, no metrics, no reflection. */
  public static ServerConfig defaults() {
    return new ServerConfig(DEFAULT_ADDRESS, DEFAULT_PORT, null, List.of(),
        defaultExecutorThreads(),
        DEFAULT_MAX_INBOUND_MESSAGE_BYTES, DEFAULT_MAX_CHUNK_BYTES, DEFAULT_MAX_CONCURRENT_INFERENCES,
        DEFAULT_REFRESH_REPLY_TIMEOUT, DEFAULT_IDLE_SESSION_TIMEOUT, DEFAULT_SHUTDOWN_DELAY,
        DEFAULT_DRAIN_TIMEOUT, null, false, null, Quotas.DEFAULT, List.of());
  }

  /** One thread per core (at least 2): the work is CPU-bound native code, more threads only contend. */
  public static int defaultExecutorThreads() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  /** True if API keys are configured (then every cipherformer.v1 call needs one). */
  public boolean authenticationEnabled() {
    return !tenants.isEmpty();
  }

  /**
   * Reads and checks a config file.
   *
   * @throws ServerConfigException naming the file and field when the file cannot be read or a value is bad
   */
  public static ServerConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ServerConfigException(file + ": cannot read the server config: " + e, e);
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(text, base, file.toString());
  }

  /**
   * Parses config JSON.
   *
   * @param json          the document
   * @param baseDirectory directory that relative paths resolve against
   * @param source        name used in error messages (usually the file name)
   * @throws ServerConfigException naming the source and field
   */
  public static ServerConfig parse(String json, Path baseDirectory, String source) {
    JsonNode root;
    try {
      ObjectMapper mapper = new ObjectMapper();
      mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      root = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ServerConfigException(source + ": not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")"), e);
    }
    JsonObjectReader r = JsonObjectReader.root(source, root);
    r.rejectUnknownFields(Set.of("address", "port", "modelsDirectory", "models", "executorThreads",
        "maxInboundMessageBytes", "maxChunkBytes", "maxConcurrentInferences", "refreshReplyTimeoutSeconds",
        "idleSessionTimeoutSeconds", "shutdownDelaySeconds", "drainTimeoutSeconds",
        "tls", "reflection", "metrics", "defaultQuotas", "tenants"));

    String address = nonBlank(r, "address", r.string("address", DEFAULT_ADDRESS));
    int port = r.integer("port", DEFAULT_PORT, 0, 65535);
    Path models = r.has("modelsDirectory")
        ? resolve(baseDirectory, nonBlank(r, "modelsDirectory", r.string("modelsDirectory", null)))
        : null;
    List<String> modelNames = r.strings("models");
    for (int i = 0; i < modelNames.size(); i++) {
      String name = modelNames.get(i);
      if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
        throw r.error("models", i, "'" + shorten(name) + "' is not a model directory name");
      }
      if (modelNames.indexOf(name) != i) {
        throw r.error("models", i, "model '" + name + "' is listed twice");
      }
    }
    int threads = r.integer("executorThreads", defaultExecutorThreads(), 1, 1024);
    int maxInbound = r.integer("maxInboundMessageBytes", DEFAULT_MAX_INBOUND_MESSAGE_BYTES, 1024, 1 << 30);
    int maxChunk = r.integer("maxChunkBytes", Math.min(DEFAULT_MAX_CHUNK_BYTES, maxInbound - 1024), 1, 1 << 30);
    if (maxChunk > maxInbound - 1024) {
      throw r.error("maxChunkBytes", maxChunk + " must leave 1 KiB of maxInboundMessageBytes (" + maxInbound
          + ") for the rest of the message, so at most " + (maxInbound - 1024));
    }
    int maxInferences = r.integer("maxConcurrentInferences", DEFAULT_MAX_CONCURRENT_INFERENCES, 1, 10_000);
    Duration refreshWait = r.seconds("refreshReplyTimeoutSeconds", DEFAULT_REFRESH_REPLY_TIMEOUT, 1, 24 * 3600);
    Duration idle = r.seconds("idleSessionTimeoutSeconds", DEFAULT_IDLE_SESSION_TIMEOUT, 1, 7 * 24 * 3600);
    Duration grace = r.seconds("shutdownDelaySeconds", DEFAULT_SHUTDOWN_DELAY, 0, 600);
    Duration drain = r.seconds("drainTimeoutSeconds", DEFAULT_DRAIN_TIMEOUT, 0, 3600);
    boolean reflection = r.bool("reflection", false);
    TlsConfig tls = readTls(r.object("tls"), baseDirectory);
    MetricsConfig metrics = readMetrics(r.object("metrics"));
    Quotas defaults = readQuotas(r.object("defaultQuotas"), Quotas.DEFAULT);
    List<TenantConfig> tenants = readTenants(r, defaults);
    return new ServerConfig(address, port, models, modelNames, threads, maxInbound, maxChunk, maxInferences, refreshWait, idle,
        grace, drain, tls, reflection, metrics, defaults, tenants);
  }

  private static TlsConfig readTls(JsonObjectReader t, Path base) {
    if (t == null) {
      return null;
    }
    t.rejectUnknownFields(Set.of("certChain", "privateKey", "clientCa", "requireClientCert"));
    Path chain = requiredFile(t, "certChain", base);
    Path key = requiredFile(t, "privateKey", base);
    Path ca = t.has("clientCa") ? existingFile(t, "clientCa", base) : null;
    boolean require = t.bool("requireClientCert", ca != null);
    if (require && ca == null) {
      throw t.error("requireClientCert", "is true but clientCa is not set: name the CA file that client"
          + " certificates must chain to");
    }
    return new TlsConfig(chain, key, ca, require);
  }

  private static MetricsConfig readMetrics(JsonObjectReader m) {
    if (m == null) {
      return null;
    }
    m.rejectUnknownFields(Set.of("address", "port"));
    String address = nonBlank(m, "address", m.string("address", MetricsConfig.DEFAULT_ADDRESS));
    int port = m.integer("port", MetricsConfig.DEFAULT_PORT, 0, 65535);
    return new MetricsConfig(address, port);
  }

  private static Quotas readQuotas(JsonObjectReader q, Quotas base) {
    if (q == null) {
      return base;
    }
    q.rejectUnknownFields(Set.of("maxSessions", "maxKeyBytes", "maxConcurrentInferences"));
    return new Quotas(
        q.integer("maxSessions", base.maxSessions(), 1, 1_000_000),
        q.longInteger("maxKeyBytes", base.maxKeyBytes(), 1, 1L << 40),
        q.integer("maxConcurrentInferences", base.maxConcurrentInferences(), 1, 10_000));
  }

  private static List<TenantConfig> readTenants(JsonObjectReader r, Quotas defaults) {
    List<TenantConfig> out = new ArrayList<>();
    Map<String, String> idOwner = new HashMap<>();
    Map<String, String> hashOwner = new HashMap<>();
    List<JsonObjectReader> entries = r.objects("tenants");
    for (JsonObjectReader t : entries) {
      t.rejectUnknownFields(Set.of("id", "apiKeySha256", "quotas"));
      String id = t.string("id", null);
      if (id == null) {
        throw t.error("id", "missing: every tenant needs an id");
      }
      if (!TENANT_ID.matcher(id).matches()) {
        throw t.error("id", "'" + shorten(id) + "' is not 1 to 64 characters of [A-Za-z0-9._-]");
      }
      String previous = idOwner.putIfAbsent(id, t.field("id"));
      if (previous != null) {
        throw t.error("id", "duplicate tenant id '" + id + "' (also at " + previous + ")");
      }
      List<String> hashes = t.strings("apiKeySha256");
      if (hashes.isEmpty()) {
        throw t.error("apiKeySha256", "missing or empty: tenant '" + id + "' needs at least one API key"
            + " hash (SHA-256 of the key, 64 hex digits; see docs/server-config.md)");
      }
      List<String> normalized = new ArrayList<>();
      for (int i = 0; i < hashes.size(); i++) {
        String h = hashes.get(i).toLowerCase(Locale.ROOT);
        if (!SHA256_HEX.matcher(h).matches()) {
          throw t.error("apiKeySha256", i, "'" + shorten(hashes.get(i)) + "' is not a SHA-256 hash"
              + " (64 hex digits); store the hash of the key, never the key itself");
        }
        String owner = hashOwner.putIfAbsent(h, id);
        if (owner != null) {
          throw t.error("apiKeySha256", i, "the same key hash is already listed for tenant '" + owner
              + "': one key must identify one tenant");
        }
        normalized.add(h);
      }
      Quotas quotas = readQuotas(t.object("quotas"), defaults);
      out.add(new TenantConfig(id, normalized, quotas));
    }
    return out;
  }

  /** Decodes the stored hex hashes (already checked to be 64 hex digits). */
  static byte[] decodeHash(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  private static String nonBlank(JsonObjectReader r, String field, String value) {
    if (value == null || value.isBlank()) {
      throw r.error(field, "must not be empty");
    }
    return value;
  }

  private static Path requiredFile(JsonObjectReader r, String field, Path base) {
    if (!r.has(field)) {
      throw r.error(field, "missing: TLS needs the server's certificate chain (certChain) and private key"
          + " (privateKey) as PEM files");
    }
    return existingFile(r, field, base);
  }

  private static Path existingFile(JsonObjectReader r, String field, Path base) {
    Path p = resolve(base, nonBlank(r, field, r.string(field, null)));
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw r.error(field, "no readable file at " + p);
    }
    return p;
  }

  private static Path resolve(Path base, String value) {
    Path p = Path.of(value);
    return p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
  }

  private static String shorten(String s) {
    return s.length() > 70 ? s.substring(0, 70) + "..." : s;
  }
}
