package org.cipherformer.server;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.cipherformer.he.CkksContext;
import org.cipherformer.he.ops.CkksBackend;
import org.cipherformer.he.ops.EvaluationKeys;
import org.cipherformer.he.ops.PlaintextCache;
import org.cipherformer.he.ops.RefreshClient;

/**
 * The server's default {@link BackendFactory}: every session backend of one model takes its plain-operand encodings
 * from one {@link PlaintextCache} shared by all sessions of that model, made on the model's first backend.
 *
 * <p>Why: an encoding depends on the parameters, the operand array (owned by the model's program, which all sessions
 * share), the level and the scale, never on a session's keys. The shipped ViT's working set is about 2 GiB of native
 * plaintexts at n16384 (docs/encrypted-inference.md); private caches would cost that per open session (8 sessions:
 * 16 GiB), a shared one costs it once per model, and a session's first inference already finds the operands other
 * sessions encoded. The cache is thread-safe and reference-counted: one session's lookups never free a plaintext
 * another session's inference is using.
 *
 * <p>Backends made here do not close the cache; {@link #close()} does (the server calls it after its sessions are
 * closed, before the native context). Thread-safe.
 */
public final class SharedEncodeCaches implements BackendFactory, AutoCloseable {
  private final long bytesPerModel;
  /** By model identity: one registry's models are distinct objects, and each owns its program's operand arrays. */
  private final Map<HostedModel, PlaintextCache> caches = new IdentityHashMap<>();
  private boolean closed;

  /**
   * @param bytesPerModel bound of each model's cache in native bytes (0: no caching, every operand is encoded)
   * @throws IllegalArgumentException if the bound is negative
   */
  public SharedEncodeCaches(long bytesPerModel) {
    if (bytesPerModel < 0) {
      throw new IllegalArgumentException("encode cache bytes must be >= 0, got " + bytesPerModel);
    }
    this.bytesPerModel = bytesPerModel;
  }

  /**
   * A backend on the model's shared cache (made now if this is the model's first backend, for {@code context}).
   *
   * @throws IllegalStateException if closed
   * @throws IllegalArgumentException if the context or keys do not match the program's parameters
   */
  @Override
  public CkksBackend create(HostedModel model, CkksProgram program, CkksContext context, EvaluationKeys keys,
      RefreshClient refresh) {
    Objects.requireNonNull(program, "program");
    return new CkksBackend(program.parameters(), context, keys, refresh, CkksBackend.DEFAULT_MASK_BOUND,
        cacheFor(model, context));
  }

  /** The model's cache, made on first use. */
  private synchronized PlaintextCache cacheFor(HostedModel model, CkksContext context) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(context, "context");
    if (closed) {
      throw new IllegalStateException("the server's encode caches are closed");
    }
    return caches.computeIfAbsent(model, m -> new PlaintextCache(context, bytesPerModel));
  }

  /** @return the bound of each model's cache in bytes */
  public long bytesPerModel() {
    return bytesPerModel;
  }

  /** @return the model's cache, or null if no backend of it has been made yet (for metrics and tests) */
  public synchronized PlaintextCache cache(HostedModel model) {
    return caches.get(model);
  }

  /** @return native bytes held by all models' caches now */
  public synchronized long bytes() {
    long sum = 0;
    for (PlaintextCache c : caches.values()) {
      sum += c.bytes();
    }
    return sum;
  }

  /**
   * Frees every cache (an entry still in use by a running inference is freed when that inference releases it); later
   * {@link #create} calls throw. Idempotent.
   */
  @Override
  public void close() {
    List<PlaintextCache> toClose;
    synchronized (this) {
      closed = true;
      toClose = new ArrayList<>(caches.values());
      caches.clear();
    }
    for (PlaintextCache c : toClose) {
      c.close();
    }
  }
}
