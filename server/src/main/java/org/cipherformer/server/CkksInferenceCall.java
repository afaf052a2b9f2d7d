package org.cipherformer.server;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.SealFormatException;
import org.cipherformer.he.ops.CkksBackend;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.model.encrypted.EncryptedTransformer;
import org.cipherformer.model.encrypted.SectionLevels;
import org.cipherformer.proto.v1.CkksClientMessage;
import org.cipherformer.proto.v1.CkksInferenceResult;
import org.cipherformer.proto.v1.CkksInferenceStart;
import org.cipherformer.proto.v1.CkksServerMessage;
import org.cipherformer.proto.v1.InferenceProgress;
import org.cipherformer.proto.v1.RefreshReply;
import org.cipherformer.proto.v1.ServerTimings;

/**
 * One RunCkks stream (inference.proto). The start message is checked on the gRPC thread, cheap checks first (input
 * count, session, the ciphertext: SEAL validation, parameters, level, scale), then the session's keys and the
 * tenant's concurrent-inference quota; the program then runs on a worker thread on a {@link GuardedBackend} over the
 * session's backend, whose refresh rounds go over this stream ({@link StreamRefreshClient}). Progress is streamed at
 * every section boundary and after every refresh round; the result carries the outputs and {@link ServerTimings}.
 *
 * <p>Stopping: client cancellation and the deadline cancel the call's {@link Context}; a protocol error on the
 * stream (a second start, an unexpected reply) is recorded. The guard checks both before every operation and while
 * waiting for replies, so the worker stops at the next step, frees every ciphertext and gives the session and the
 * quota back.
 */
final class CkksInferenceCall implements StreamObserver<CkksClientMessage> {
  /** Compression of the output ciphertexts (what node-seal and SEAL save by default). */
  static final ComprMode OUTPUT_COMPRESSION = ComprMode.ZSTD;

  private static final Logger LOG = Logger.getLogger(CkksInferenceCall.class.getName());

  private enum State { NEW, RUNNING, DONE }

  private final ServerCore core;
  private final Tenant tenant;
  private final ServerCallStreamObserver<CkksServerMessage> out;
  private final Context context;
  private State state = State.NEW;
  private volatile StatusRuntimeException failure;
  private boolean closed;
  private StreamRefreshClient refresh;
  private final ScheduledFuture<?> startTimer;

  CkksInferenceCall(ServerCore core, Tenant tenant, ServerCallStreamObserver<CkksServerMessage> out) {
    this.core = core;
    this.tenant = tenant;
    this.out = out;
    this.context = Context.current();
    // With a cancel handler set, sending on a cancelled call is a no-op instead of an exception; the guard sees the
    // cancellation through the context.
    out.setOnCancelHandler(() -> { });
    // A stream that never starts holds no thread, but it holds a call slot: bound it like a refresh wait.
    long millis = core.refreshReplyTimeout().toMillis();
    startTimer = core.timers().schedule(() -> {
      synchronized (this) {
        if (state == State.NEW) {
          state = State.DONE;
          close(Status.DEADLINE_EXCEEDED.withDescription("no CkksInferenceStart within " + millis / 1000 + " s"));
        }
      }
    }, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void onNext(CkksClientMessage message) {
    if (state == State.DONE) {
      return;
    }
    try {
      switch (message.getMessageCase()) {
        case START -> {
          if (state != State.NEW) {
            throw Errors.invalidArgument("second CkksInferenceStart on one stream");
          }
          start(message.getStart());
        }
        case REFRESH_REPLY -> {
          RefreshReply r = message.getRefreshReply();
          if (state != State.RUNNING) {
            throw Errors.invalidArgument("RefreshReply before CkksInferenceStart");
          }
          if (!refresh.awaiting()) {
            throw Errors.invalidArgument("RefreshReply for round " + r.getRound() + " while no refresh request is "
                + "pending");
          }
          refresh.deliver(r);
        }
        default -> throw Errors.invalidArgument("empty CkksClientMessage (neither start nor refresh_reply)");
      }
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  @Override
  public synchronized void onError(Throwable t) {
    // Client cancellation: the context is cancelled too, which the running worker notices.
    if (state == State.NEW) {
      state = State.DONE;
      startTimer.cancel(false);
    }
  }

  @Override
  public synchronized void onCompleted() {
    if (state == State.NEW) {
      fail(Errors.invalidArgument("stream closed before a CkksInferenceStart"));
    } else if (state == State.RUNNING) {
      refresh.halfClosed();
    }
  }

  /** A protocol error: answered now before the start, or recorded for the worker to stop on. */
  private void fail(Throwable e) {
    if (state == State.RUNNING) {
      failure = e instanceof StatusRuntimeException s ? s : Errors.toStatus(e, "RunCkks").asRuntimeException();
      return;
    }
    state = State.DONE;
    close(Errors.toStatus(e, "RunCkks"));
  }

  private void start(CkksInferenceStart start) {
    startTimer.cancel(false);
    Session session = core.sessions().get(tenant, start.getSessionId());
    CkksProgram program = session.model().ckks();
    int batch = program.layout().batch();
    if (start.getInputCount() < 1 || start.getInputCount() > batch) {
      throw Errors.invalidArgument("input_count " + Integer.toUnsignedString(start.getInputCount())
          + " outside [1, " + batch + "] (inputs one ciphertext carries for model " + session.model().name() + ")");
    }
    Ciphertext input = loadInput(start.getInputCiphertext(), program.parameters());
    boolean handedOver = false;
    try {
      CkksBackend backend = session.beginInference();
      try {
        core.inferences().acquire(tenant);
        try {
          refresh = new StreamRefreshClient(this::send, this::guard, core.refreshReplyTimeout());
          state = State.RUNNING;
          core.workers().execute(() -> run(session, backend, program, input, start.getInputCount()));
          handedOver = true;
        } catch (RejectedExecutionException e) {
          state = State.NEW;
          throw Errors.resourceExhausted("the server has no free worker for an inference; retry later");
        } finally {
          if (!handedOver) {
            core.inferences().release(tenant);
          }
        }
      } finally {
        if (!handedOver) {
          session.endInference();
        }
      }
    } finally {
      if (!handedOver) {
        input.close();
      }
    }
  }

  /**
   * The client's input ciphertext, loaded into the server's context with SEAL's validation (header, parms_id of
   * these parameters, sizes, every coefficient below its prime), then held to the plan: two polynomials at the top
   * level with the canonical top scale.
   */
  private Ciphertext loadInput(ByteString bytes, CkksParameters parameters) {
    if (bytes.isEmpty()) {
      throw Errors.invalidArgument("input_ciphertext is empty");
    }
    Ciphertext c;
    try {
      c = Ciphertext.load(core.models().context(), bytes.toByteArray());
    } catch (SealFormatException e) {
      throw Errors.invalidArgument("input_ciphertext is not a valid SEAL ciphertext for the model's parameters: "
          + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw Errors.invalidArgument("input_ciphertext is not valid: " + e.getMessage());
    }
    try {
      int top = parameters.topLevel();
      double scale = parameters.scale(top);
      if (c.size() != 2) {
        throw Errors.invalidArgument("input_ciphertext has " + c.size() + " polynomials, expected 2");
      }
      if (c.level() != top) {
        throw Errors.invalidArgument("input_ciphertext is at level " + c.level() + ", expected the top level " + top);
      }
      if (!c.isNttForm()) {
        throw Errors.invalidArgument("input_ciphertext is not in NTT form (CKKS ciphertexts always are)");
      }
      if (Math.abs(c.scale() - scale) > Math.ulp(1.0) * scale) {
        throw Errors.invalidArgument("input_ciphertext has scale " + c.scale() + ", expected " + scale + " (2^"
            + parameters.scaleBits() + ")");
      }
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** On a worker: runs the program, streams progress, sends the result or the error, frees everything. */
  private void run(Session session, CkksBackend backend, CkksProgram program, Ciphertext fresh, int count) {
    long t0 = System.nanoTime();
    Ciphertext in = null;
    GuardedBackend<Ciphertext> guarded = null;
    List<SectionLevels> sections = program.plan().sections();
    int[] completed = {0};
    session.refreshClient().bind(refresh);
    try {
      in = backend.input(fresh);
      guarded = new GuardedBackend<>(backend, this::guard, new GuardedBackend.Listener() {
        @Override
        public void sectionFinished(String name) {
          completed[0]++;
          progress(t0, completed[0], sections.size(), name);
        }

        @Override
        public void refreshFinished(int rounds) {
          progress(t0, completed[0], sections.size(), backend.stats().currentSection());
        }
      });
      EncryptedTransformer.Result<Ciphertext> r = program.program().run(guarded, in);
      guarded.finish();
      guard();
      List<ByteString> outputs = new ArrayList<>();
      for (Ciphertext c : r.outputs()) {
        outputs.add(ByteString.copyFrom(c.save(OUTPUT_COMPRESSION)));
      }
      long total = System.nanoTime() - t0;
      long wait = refresh.waitNanos();
      send(CkksServerMessage.newBuilder().setResult(CkksInferenceResult.newBuilder()
          .addAllOutputCiphertexts(outputs)
          .setTimings(ServerTimings.newBuilder()
              .setComputeNanos(Math.max(0, total - wait))
              .setRefreshWaitNanos(wait)
              .setRefreshRounds(refresh.rounds())))
          .build());
      LOG.fine(String.format(Locale.ROOT, "session %s: inference of %d input(s) in %.1f s (%d refresh rounds, "
          + "%.1f s waiting)", session.id(), count, total / 1e9, refresh.rounds(), wait / 1e9));
      close(Status.OK);
    } catch (Throwable e) {
      close(stopStatus(e));
      if (e instanceof Error err && !(e instanceof OutOfMemoryError)) {
        throw err;
      }
    } finally {
      if (guarded != null) {
        guarded.releaseAll();
      }
      if (in != null) {
        backend.release(in);
      } else {
        fresh.close();
      }
      session.refreshClient().unbind();
      session.endInference();
      core.inferences().release(tenant);
      synchronized (this) {
        state = State.DONE;
      }
    }
  }

  /** Throws when the inference must stop: a protocol error on the stream, cancellation, or the deadline. */
  private void guard() {
    StatusRuntimeException f = failure;
    if (f != null) {
      throw f;
    }
    if (context.isCancelled()) {
      throw cancelledStatus().asRuntimeException();
    }
  }

  private Status cancelledStatus() {
    Deadline d = context.getDeadline();
    if (d != null && d.isExpired()) {
      return Status.DEADLINE_EXCEEDED.withDescription("the call's deadline passed during the inference");
    }
    return Status.CANCELLED.withDescription("the client cancelled the inference");
  }

  private Status stopStatus(Throwable e) {
    if (context.isCancelled()) {
      return cancelledStatus();
    }
    if (e instanceof OutOfMemoryError) {
      return Status.RESOURCE_EXHAUSTED.withDescription("not enough server memory for the inference");
    }
    return Errors.toStatus(e, "CKKS inference");
  }

  private void progress(long t0, int completed, int total, String section) {
    send(CkksServerMessage.newBuilder().setProgress(InferenceProgress.newBuilder()
        .setCompletedSections(completed)
        .setTotalSections(total)
        .setSection(section)
        .setCompletedRefreshRounds(refresh.rounds())
        .setElapsedNanos(Math.max(0, System.nanoTime() - t0 - refresh.waitNanos())))
        .build());
  }

  /** Sends one message unless the call is over (all sends go through here: a StreamObserver is not thread-safe). */
  private synchronized void send(CkksServerMessage m) {
    if (closed || out.isCancelled()) {
      return;
    }
    out.onNext(m);
  }

  /** Ends the call once with a status. */
  private synchronized void close(Status status) {
    if (closed) {
      return;
    }
    closed = true;
    startTimer.cancel(false);
    try {
      if (status.isOk()) {
        out.onCompleted();
      } else {
        out.onError(status.asRuntimeException());
      }
    } catch (RuntimeException ignored) {
      // Already cancelled by the client: nothing to tell.
    }
  }
}
