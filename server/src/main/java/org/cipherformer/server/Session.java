package org.cipherformer.server;

import java.util.SortedSet;
import org.cipherformer.he.ops.CkksBackend;

/**
 * One session: a tenant, a model and, once uploaded, the client's evaluation keys inside a CKKS backend. A session
 * runs one key upload or one inference at a time. Closing it frees the backend (and so the keys) at once, or, while
 * an inference is still using it, when that inference ends. Thread-safe.
 */
public final class Session {
  private final String id;
  private final String tenantId;
  private final HostedModel model;
  private final SwitchableRefreshClient refresh = new SwitchableRefreshClient();
  private volatile long lastUsedNanos;
  // Guarded by this.
  private boolean closed;
  private boolean uploading;
  private boolean inferring;
  private CkksBackend backend;
  private SortedSet<Integer> steps;
  private long keyBytes;

  Session(String id, String tenantId, HostedModel model) {
    this.id = id;
    this.tenantId = tenantId;
    this.model = model;
    this.lastUsedNanos = System.nanoTime();
  }

  /** @return the session id */
  public String id() {
    return id;
  }

  /** @return the owning tenant's id */
  public String tenantId() {
    return tenantId;
  }

  /** @return the model */
  public HostedModel model() {
    return model;
  }

  SwitchableRefreshClient refreshClient() {
    return refresh;
  }

  /** Marks the session as used now (idle expiry counts from the last use). */
  void touch() {
    lastUsedNanos = System.nanoTime();
  }

  /**
   * Starts a key upload.
   *
   * @throws io.grpc.StatusRuntimeException NOT_FOUND if closed, FAILED_PRECONDITION if keys are in or an upload is
   *     running
   */
  synchronized void beginUpload() {
    checkOpen();
    if (backend != null) {
      throw Errors.failedPrecondition("session " + id + " already has its keys uploaded");
    }
    if (uploading) {
      throw Errors.failedPrecondition("session " + id + " has another key upload in progress");
    }
    uploading = true;
    touch();
  }

  /** Ends an upload that failed: nothing is stored. */
  synchronized void abortUpload() {
    uploading = false;
  }

  /**
   * Stores the keys of a successful upload.
   *
   * @param b     the backend holding them
   * @param s     the rotation steps the keys cover
   * @param bytes the bytes uploaded
   * @return false if the session was closed meanwhile (the caller frees the backend)
   */
  synchronized boolean installKeys(CkksBackend b, SortedSet<Integer> s, long bytes) {
    uploading = false;
    if (closed) {
      return false;
    }
    backend = b;
    steps = s;
    keyBytes = bytes;
    touch();
    return true;
  }

  /** @return true once keys are stored */
  public synchronized boolean hasKeys() {
    return backend != null;
  }

  /** @return the rotation steps of the stored keys, or null */
  public synchronized SortedSet<Integer> keySteps() {
    return steps;
  }

  /** @return bytes of the stored key upload (0 before) */
  public synchronized long keyBytes() {
    return keyBytes;
  }

  /**
   * Takes the backend for one inference.
   *
   * @throws io.grpc.StatusRuntimeException NOT_FOUND if closed, FAILED_PRECONDITION if no keys are in or an
   *     inference is already running on the session
   */
  synchronized CkksBackend beginInference() {
    checkOpen();
    if (backend == null) {
      throw Errors.failedPrecondition("session " + id + " has no evaluation keys; upload them first (UploadKeys)");
    }
    if (inferring) {
      throw Errors.failedPrecondition("session " + id + " is already running an inference; run one at a time per "
          + "session");
    }
    inferring = true;
    touch();
    return backend;
  }

  /** Gives the backend back after an inference; frees it if the session was closed meanwhile. */
  synchronized void endInference() {
    inferring = false;
    touch();
    if (closed) {
      freeBackend();
    }
  }

  /** @return true while an inference runs on the session */
  public synchronized boolean inferring() {
    return inferring;
  }

  /** Closes the session: the keys are freed now, or when the running inference ends. Idempotent. */
  synchronized void close() {
    closed = true;
    if (!inferring) {
      freeBackend();
    }
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /**
   * @return true if no inference runs on the session and it was last used before {@code cutoffNanos} (an upload
   *     touches the session with every chunk, so a stalled upload expires like an idle session; its keys are then
   *     never stored)
   */
  synchronized boolean idleSince(long cutoffNanos) {
    return !inferring && lastUsedNanos - cutoffNanos < 0;
  }

  private void checkOpen() {
    if (closed) {
      throw Errors.notFound("session " + id + " not found (closed or expired)");
    }
  }

  private void freeBackend() {
    if (backend != null) {
      backend.close();
      backend = null;
      steps = null;
    }
  }
}
