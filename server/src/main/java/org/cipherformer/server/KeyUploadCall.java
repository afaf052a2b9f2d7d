package org.cipherformer.server;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.SortedSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Logger;
import org.cipherformer.he.io.SealFormatException;
import org.cipherformer.he.ops.CkksBackend;
import org.cipherformer.he.ops.EvaluationKeys;
import org.cipherformer.proto.v1.KeyUploadChunk;
import org.cipherformer.proto.v1.KeyUploadHeader;
import org.cipherformer.proto.v1.KeyUploadResponse;

/**
 * One UploadKeys stream: header, data chunks, trailer (sessions.proto). Sizes are checked against the session's key
 * quota before any buffer exists, and buffers grow with the bytes actually received (never to an announced size
 * up front), so a client that announces much and sends little holds little. The SHA-256 runs over the data as it
 * arrives. At the trailer the keys are loaded into the server's context on a worker thread (parsing and validating
 * hundreds of megabytes takes seconds) and checked against the plan's rotation steps; only then are they stored.
 * Any failure leaves the session exactly as it was, without keys.
 */
final class KeyUploadCall implements StreamObserver<KeyUploadChunk> {
  private static final Logger LOG = Logger.getLogger(KeyUploadCall.class.getName());

  /** Largest object a Java array holds (a little under Integer.MAX_VALUE on every JVM). */
  static final long MAX_OBJECT_BYTES = Integer.MAX_VALUE - 16;

  private enum State { HEADER, DATA, LOADING, DONE }

  private final ServerCore core;
  private final Tenant tenant;
  private final StreamObserver<KeyUploadResponse> out;
  private State state = State.HEADER;
  private Session session;
  private long relinBytes;
  private long galoisBytes;
  private long received;
  private GrowingBuffer relin;
  private GrowingBuffer galois;
  private MessageDigest sha;

  KeyUploadCall(ServerCore core, Tenant tenant, StreamObserver<KeyUploadResponse> out) {
    this.core = core;
    this.tenant = tenant;
    this.out = out;
  }

  @Override
  public synchronized void onNext(KeyUploadChunk chunk) {
    if (state == State.DONE || state == State.LOADING) {
      if (state == State.LOADING) {
        fail(Errors.invalidArgument("message after the trailer"));
      }
      return;
    }
    try {
      switch (chunk.getPartCase()) {
        case HEADER -> header(chunk.getHeader());
        case DATA -> data(chunk.getData());
        case TRAILER -> trailer(chunk.getTrailer().getSha256());
        default -> throw Errors.invalidArgument("empty KeyUploadChunk (no header, data or trailer)");
      }
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  private void header(KeyUploadHeader h) {
    if (state != State.HEADER) {
      throw Errors.invalidArgument("second KeyUploadHeader; an upload has exactly one, first");
    }
    Session s = core.sessions().get(tenant, h.getSessionId());
    long max = tenant.quotas().maxKeyBytes();
    long r = h.getRelinKeyBytes();
    long g = h.getGaloisKeyBytes();
    if (r == 0 || g == 0) {
      throw Errors.invalidArgument("announced key sizes must be positive, got relin_key_bytes "
          + Long.toUnsignedString(r) + ", galois_key_bytes " + Long.toUnsignedString(g));
    }
    // uint64 on the wire: a negative long is a value above 2^63; the sum of two values <= max can only overflow
    // to a negative long.
    long total = r + g;
    if (Long.compareUnsigned(r, max) > 0 || Long.compareUnsigned(g, max) > 0 || total < 0 || total > max) {
      throw Errors.resourceExhausted("announced key upload of " + Long.toUnsignedString(r) + " + "
          + Long.toUnsignedString(g) + " bytes exceeds the session's limit of " + max + " bytes");
    }
    if (h.getRelinKeyBytes() > MAX_OBJECT_BYTES || h.getGaloisKeyBytes() > MAX_OBJECT_BYTES) {
      throw Errors.resourceExhausted("announced key object above " + MAX_OBJECT_BYTES + " bytes");
    }
    s.beginUpload();
    session = s;
    relinBytes = h.getRelinKeyBytes();
    galoisBytes = h.getGaloisKeyBytes();
    relin = new GrowingBuffer((int) relinBytes);
    galois = new GrowingBuffer((int) galoisBytes);
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
    state = State.DATA;
  }

  private void data(ByteString bytes) {
    if (state != State.DATA) {
      throw Errors.invalidArgument("data chunk before the KeyUploadHeader");
    }
    checkSessionOpen();
    int n = bytes.size();
    if (n == 0) {
      throw Errors.invalidArgument("empty data chunk");
    }
    if (n > core.maxChunkBytes()) {
      throw Errors.invalidArgument("data chunk of " + n + " bytes exceeds max_chunk_bytes " + core.maxChunkBytes());
    }
    if (received + n > relinBytes + galoisBytes) {
      throw Errors.invalidArgument("received " + (received + n) + " data bytes, more than the announced "
          + (relinBytes + galoisBytes) + " (relin_key_bytes " + relinBytes + " + galois_key_bytes " + galoisBytes
          + ")");
    }
    // The first relinBytes bytes are the relinearization key; a chunk may straddle the boundary.
    int toRelin = (int) Math.max(0, Math.min(n, relinBytes - received));
    if (toRelin > 0) {
      relin.append(bytes.substring(0, toRelin));
    }
    if (toRelin < n) {
      galois.append(bytes.substring(toRelin));
    }
    bytes.asReadOnlyByteBufferList().forEach(sha::update);
    received += n;
    session.touch();
  }

  private void trailer(ByteString digest) {
    if (state != State.DATA) {
      throw Errors.invalidArgument("KeyUploadTrailer before the KeyUploadHeader");
    }
    checkSessionOpen();
    if (received != relinBytes + galoisBytes) {
      throw Errors.invalidArgument("upload truncated: received " + received + " of the announced "
          + (relinBytes + galoisBytes) + " data bytes");
    }
    if (digest.size() != 32) {
      throw Errors.invalidArgument("trailer sha256 has " + digest.size() + " bytes, expected 32");
    }
    byte[] actual = sha.digest();
    if (!MessageDigest.isEqual(actual, digest.toByteArray())) {
      throw Errors.invalidArgument("SHA-256 mismatch: the data hashes to " + hex(actual) + ", the trailer says "
          + hex(digest.toByteArray()));
    }
    state = State.LOADING;
    byte[] relinData = relin.take();
    byte[] galoisData = galois.take();
    relin = null;
    galois = null;
    try {
      core.workers().execute(() -> load(relinData, galoisData));
    } catch (RejectedExecutionException e) {
      throw Errors.resourceExhausted("the server is busy; retry the upload later");
    }
  }

  /** The session may close or expire while the upload runs: stop at once instead of loading keys for nobody. */
  private void checkSessionOpen() {
    if (session.isClosed()) {
      throw Errors.notFound("session " + session.id() + " was closed or expired during the upload");
    }
  }

  /** On a worker: parse and validate the keys, make the backend, store it. */
  private void load(byte[] relinData, byte[] galoisData) {
    long t0 = System.nanoTime();
    CkksBackend backend = null;
    try {
      HostedModel model = session.model();
      CkksProgram program = model.ckks();
      SortedSet<Integer> steps = program.plan().rotationSteps();
      EvaluationKeys keys;
      try {
        keys = EvaluationKeys.load(core.models().context(), relinData, galoisData, steps);
      } catch (SealFormatException e) {
        throw Errors.invalidArgument("keys do not load under the parameters of model " + model.name() + ": "
            + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw Errors.invalidArgument("keys do not cover the plan of model " + model.name() + ": " + e.getMessage());
      }
      try {
        backend = core.backends().create(model, program, core.models().context(), keys, session.refreshClient());
      } catch (RuntimeException e) {
        keys.close();
        throw e;
      }
      if (!session.installKeys(backend, steps, received)) {
        backend.close();
        backend = null;
        throw Errors.notFound("session " + session.id() + " was closed during the upload");
      }
      LOG.fine(String.format(Locale.ROOT, "session %s: keys loaded (%d bytes) in %.2f s", session.id(), received,
          (System.nanoTime() - t0) / 1e9));
      synchronized (this) {
        state = State.DONE;
      }
      out.onNext(KeyUploadResponse.newBuilder().setBytesReceived(received).addAllGaloisSteps(steps).build());
      out.onCompleted();
    } catch (RuntimeException | OutOfMemoryError e) {
      synchronized (this) {
        fail(e);
      }
    }
  }

  @Override
  public synchronized void onError(Throwable t) {
    // The client cancelled or the transport failed: drop everything.
    if (state == State.HEADER || state == State.DATA) {
      abort();
      state = State.DONE;
    }
  }

  @Override
  public synchronized void onCompleted() {
    if (state == State.HEADER || state == State.DATA) {
      fail(Errors.invalidArgument("upload ended without a KeyUploadTrailer (received " + received + " of "
          + (relinBytes + galoisBytes) + " announced data bytes)"));
    }
  }

  /** Answers the error once and forgets the upload. */
  private void fail(Throwable e) {
    if (state == State.DONE) {
      return;
    }
    abort();
    state = State.DONE;
    Status status = e instanceof OutOfMemoryError
        ? Status.RESOURCE_EXHAUSTED.withDescription("not enough server memory for the key upload")
        : Errors.toStatus(e, "UploadKeys");
    try {
      out.onError(status.asRuntimeException());
    } catch (RuntimeException ignored) {
      // The call is already closed (cancelled): nothing to tell.
    }
  }

  private void abort() {
    relin = null;
    galois = null;
    if (session != null) {
      session.abortUpload();
    }
  }

  private static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }

  /** A byte buffer that grows with what arrives, up to a fixed capacity. */
  static final class GrowingBuffer {
    private final int capacity;
    private byte[] data = new byte[0];
    private int size;

    GrowingBuffer(int capacity) {
      this.capacity = capacity;
    }

    void append(ByteString bytes) {
      int n = bytes.size();
      if (size + n > capacity) {
        throw new IllegalStateException("buffer overflow: " + (size + n) + " > " + capacity);
      }
      if (size + n > data.length) {
        long grown = Math.max((long) data.length * 2, Math.max(size + n, 1 << 16));
        data = Arrays.copyOf(data, (int) Math.min(grown, capacity));
      }
      bytes.copyTo(data, size);
      size += n;
    }

    /** @return exactly the bytes received */
    byte[] take() {
      return size == data.length ? data : Arrays.copyOf(data, size);
    }
  }
}
