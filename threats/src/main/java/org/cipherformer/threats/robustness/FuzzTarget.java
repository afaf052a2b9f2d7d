package org.cipherformer.threats.robustness;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.ee.EeModelTransform;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.proto.v1.CloseSessionRequest;
import org.cipherformer.proto.v1.CreateSessionRequest;
import org.cipherformer.proto.v1.InferenceServiceGrpc;
import org.cipherformer.proto.v1.ModelServiceGrpc;
import org.cipherformer.proto.v1.SessionServiceGrpc;
import org.cipherformer.server.ApiKeys;

/**
 * The server the fuzzer attacks: a models directory with the CKKS model (vit-fmnist), its softmax twin (no CKKS
 * plan), EE transforms of the ViT and the LM, a config with two tenants ("fuzz", the attacker's own account, and
 * "other", whose sessions the attacker must not reach), and the server itself in a child JVM
 * ({@link ServerProcess}). Restartable after a crash.
 */
final class FuzzTarget implements AutoCloseable {
  static final String CKKS_MODEL = "vit-fmnist";
  static final String PLAIN_TWIN = "vit-fmnist-original";
  static final String EE_VIT = "vit-fmnist-ee";
  static final String EE_LM = "tiny-lm-ee";

  final Path dir;
  final Path config;
  final String apiKey = ApiKeys.generate();
  final String otherApiKey = ApiKeys.generate();
  final int maxInboundBytes;
  final int maxChunkBytes = 1 << 20;
  final int refreshTimeoutSeconds;
  final String heap;
  ServerProcess server;
  ManagedChannel channel;

  /**
   * Writes the models and the config under {@code dir}.
   *
   * @param repo the repository (its models/ directory is read)
   */
  FuzzTarget(Path repo, Path dir, int maxInboundBytes, int refreshTimeoutSeconds, String heap) throws IOException {
    this.dir = dir;
    this.maxInboundBytes = maxInboundBytes;
    this.refreshTimeoutSeconds = refreshTimeoutSeconds;
    this.heap = heap;
    Path models = dir.resolve("models");
    Files.createDirectories(models);
    for (String m : List.of(CKKS_MODEL, PLAIN_TWIN)) {
      copy(repo.resolve("models").resolve(m), models.resolve(m));
    }
    EeKey key = EeKey.generate();
    EeModelTransform.transform(repo.resolve("models/vit-fmnist"), key, models.resolve(EE_VIT));
    EeModelTransform.transform(repo.resolve("models/tiny-lm"), key, models.resolve(EE_LM));
    config = dir.resolve("server.json");
    String json = """
        {
          "address": "127.0.0.1",
          "port": 0,
          "modelsDirectory": "models",
          "models": ["%s", "%s", "%s", "%s"],
          "executorThreads": 2,
          "maxInboundMessageBytes": %d,
          "maxChunkBytes": %d,
          "maxConcurrentInferences": 2,
          "refreshReplyTimeoutSeconds": %d,
          "idleSessionTimeoutSeconds": 3600,
          "shutdownDelaySeconds": 0,
          "drainTimeoutSeconds": 2,
          "defaultQuotas": {"maxSessions": 16, "maxKeyBytes": 1073741824, "maxConcurrentInferences": 2},
          "tenants": [
            {"id": "fuzz", "apiKeySha256": ["%s"]},
            {"id": "other", "apiKeySha256": ["%s"]}
          ]
        }
        """.formatted(CKKS_MODEL, PLAIN_TWIN, EE_VIT, EE_LM, maxInboundBytes, maxChunkBytes, refreshTimeoutSeconds,
        ApiKeys.sha256Hex(apiKey), ApiKeys.sha256Hex(otherApiKey));
    Files.writeString(config, json, StandardCharsets.UTF_8);
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    for (String f : List.of(ModelDirectory.CONFIG, ModelDirectory.WEIGHTS)) {
      Files.copy(from.resolve(f), to.resolve(f));
    }
  }

  /** Starts (or restarts) the server process and opens a channel to it. */
  void start() throws IOException {
    closeChannel();
    server = ServerProcess.start(config, dir, heap, Duration.ofSeconds(180));
    channel = server.channel(64 << 20);
  }

  /** The {@code authorization} header for an API key (or any raw header value). */
  static Metadata auth(String headerValue) {
    Metadata m = new Metadata();
    if (headerValue != null) {
      m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), headerValue);
    }
    return m;
  }

  Metadata mine() {
    return auth("Bearer " + apiKey);
  }

  Metadata others() {
    return auth("Bearer " + otherApiKey);
  }

  private <S extends AbstractStub<S>> S prepare(S stub, Metadata m) {
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m))
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  ModelServiceGrpc.ModelServiceBlockingStub models() {
    return prepare(ModelServiceGrpc.newBlockingStub(channel), mine());
  }

  SessionServiceGrpc.SessionServiceBlockingStub sessions(Metadata who) {
    return prepare(SessionServiceGrpc.newBlockingStub(channel), who);
  }

  InferenceServiceGrpc.InferenceServiceBlockingStub inference() {
    return prepare(InferenceServiceGrpc.newBlockingStub(channel), mine());
  }

  /** A new session of the fuzzing tenant (or another) for the CKKS model, made with a clean call. */
  String createSession(Metadata who) {
    return sessions(who).createSession(CreateSessionRequest.newBuilder().setModel(CKKS_MODEL).build())
        .getSessionId();
  }

  void closeSession(Metadata who, String id) {
    sessions(who).closeSession(CloseSessionRequest.newBuilder().setSessionId(id).build());
  }

  private void closeChannel() {
    if (channel != null) {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      channel = null;
    }
  }

  @Override
  public void close() {
    closeChannel();
    if (server != null) {
      server.stop(Duration.ofSeconds(15));
    }
  }
}
