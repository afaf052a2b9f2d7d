package org.cipherformer.server;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.cipherformer.he.ops.RefreshClient;
import org.cipherformer.proto.v1.CkksClientMessage;
import org.cipherformer.proto.v1.CkksInferenceResult;
import org.cipherformer.proto.v1.CkksInferenceStart;
import org.cipherformer.proto.v1.CkksServerMessage;
import org.cipherformer.proto.v1.CreateSessionRequest;
import org.cipherformer.proto.v1.InferenceProgress;
import org.cipherformer.proto.v1.InferenceServiceGrpc;
import org.cipherformer.proto.v1.KeyUploadChunk;
import org.cipherformer.proto.v1.KeyUploadHeader;
import org.cipherformer.proto.v1.KeyUploadResponse;
import org.cipherformer.proto.v1.KeyUploadTrailer;
import org.cipherformer.proto.v1.ModelServiceGrpc;
import org.cipherformer.proto.v1.RefreshReply;
import org.cipherformer.proto.v1.Session;
import org.cipherformer.proto.v1.SessionServiceGrpc;

/**
 * A minimal client for the tests, over a real loopback port: the generated stubs plus the protocol's client side
 * (chunked key upload with SHA-256; the RunCkks stream answering refresh requests through a key holder).
 */
final class TestClient implements AutoCloseable {
  /** Header the tests' {@link HeaderTenantInterceptor} reads. */
  static final Metadata.Key<String> TENANT = Metadata.Key.of("x-test-tenant", Metadata.ASCII_STRING_MARSHALLER);

  final ManagedChannel channel;
  final ModelServiceGrpc.ModelServiceBlockingStub models;
  final SessionServiceGrpc.SessionServiceBlockingStub sessions;
  final SessionServiceGrpc.SessionServiceStub sessionsAsync;
  final InferenceServiceGrpc.InferenceServiceStub inference;
  final InferenceServiceGrpc.InferenceServiceBlockingStub inferenceBlocking;

  TestClient(int port) {
    this(port, null);
  }

  /** @param tenant value of the test tenant header, or null for none */
  TestClient(int port, String tenant) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .maxInboundMessageSize(256 << 20).build();
    Metadata md = new Metadata();
    if (tenant != null) {
      md.put(TENANT, tenant);
    }
    var attach = MetadataUtils.newAttachHeadersInterceptor(md);
    models = ModelServiceGrpc.newBlockingStub(channel).withInterceptors(attach);
    sessions = SessionServiceGrpc.newBlockingStub(channel).withInterceptors(attach);
    sessionsAsync = SessionServiceGrpc.newStub(channel).withInterceptors(attach);
    inference = InferenceServiceGrpc.newStub(channel).withInterceptors(attach);
    inferenceBlocking = InferenceServiceGrpc.newBlockingStub(channel).withInterceptors(attach);
  }

  Session createSession(String model) {
    return sessions.createSession(CreateSessionRequest.newBuilder().setModel(model).build());
  }

  /** Sends the given messages as one upload and waits for the answer (throws the status on failure). */
  KeyUploadResponse upload(List<KeyUploadChunk> messages) throws InterruptedException {
    CompletableFuture<KeyUploadResponse> done = new CompletableFuture<>();
    StreamObserver<KeyUploadChunk> req = sessionsAsync.withDeadlineAfter(5, TimeUnit.MINUTES)
        .uploadKeys(new StreamObserver<>() {
          KeyUploadResponse r;

          @Override
          public void onNext(KeyUploadResponse value) {
            r = value;
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(r);
          }
        });
    for (KeyUploadChunk m : messages) {
      req.onNext(m);
    }
    req.onCompleted();
    return await(done);
  }

  /** The messages of a correct upload: header, chunks of at most {@code chunk} bytes, trailer with the SHA-256. */
  static List<KeyUploadChunk> uploadMessages(String sessionId, byte[] relin, byte[] galois, int chunk) {
    List<KeyUploadChunk> out = new ArrayList<>();
    out.add(header(sessionId, relin.length, galois.length));
    byte[] all = new byte[relin.length + galois.length];
    System.arraycopy(relin, 0, all, 0, relin.length);
    System.arraycopy(galois, 0, all, relin.length, galois.length);
    for (int off = 0; off < all.length; off += chunk) {
      out.add(KeyUploadChunk.newBuilder()
          .setData(ByteString.copyFrom(all, off, Math.min(chunk, all.length - off))).build());
    }
    out.add(trailer(sha256(all)));
    return out;
  }

  static KeyUploadChunk header(String sessionId, long relinBytes, long galoisBytes) {
    return KeyUploadChunk.newBuilder().setHeader(KeyUploadHeader.newBuilder().setSessionId(sessionId)
        .setRelinKeyBytes(relinBytes).setGaloisKeyBytes(galoisBytes)).build();
  }

  static KeyUploadChunk trailer(byte[] sha) {
    return KeyUploadChunk.newBuilder().setTrailer(KeyUploadTrailer.newBuilder().setSha256(ByteString.copyFrom(sha)))
        .build();
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What one RunCkks stream brought back. */
  static final class Run {
    final List<InferenceProgress> progress = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> refreshRounds = Collections.synchronizedList(new ArrayList<>());
    final CompletableFuture<CkksInferenceResult> result = new CompletableFuture<>();
    volatile ClientCallStreamObserver<CkksClientMessage> requests;
  }

  /**
   * Starts a RunCkks stream: sends the start message, answers every refresh request through {@code refresher}, and
   * calls {@code onProgress} for each progress event (on a gRPC thread).
   *
   * @param deadlineMillis the call's deadline, or 0 for none
   */
  Run runCkks(CkksInferenceStart start, RefreshClient refresher, long deadlineMillis,
      Consumer<Run> onProgress) {
    Run run = new Run();
    InferenceServiceGrpc.InferenceServiceStub stub = deadlineMillis > 0
        ? inference.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS) : inference;
    StreamObserver<CkksClientMessage> req = stub.runCkks(new ClientResponseObserver<CkksClientMessage,
        CkksServerMessage>() {
      CkksInferenceResult result;

      @Override
      public void beforeStart(ClientCallStreamObserver<CkksClientMessage> requestStream) {
        run.requests = requestStream;
      }

      @Override
      public void onNext(CkksServerMessage m) {
        switch (m.getMessageCase()) {
          case PROGRESS -> {
            run.progress.add(m.getProgress());
            if (onProgress != null) {
              onProgress.accept(run);
            }
          }
          case REFRESH_REQUEST -> {
            var r = m.getRefreshRequest();
            run.refreshRounds.add(r.getRound());
            List<byte[]> in = new ArrayList<>();
            r.getCiphertextsList().forEach(b -> in.add(b.toByteArray()));
            List<byte[]> fresh = refresher.refresh(in);
            RefreshReply.Builder reply = RefreshReply.newBuilder().setRound(r.getRound());
            fresh.forEach(b -> reply.addCiphertexts(ByteString.copyFrom(b)));
            synchronized (run) {
              run.requests.onNext(CkksClientMessage.newBuilder().setRefreshReply(reply).build());
            }
          }
          case RESULT -> result = m.getResult();
          default -> run.result.completeExceptionally(new AssertionError("empty server message"));
        }
      }

      @Override
      public void onError(Throwable t) {
        run.result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        if (result == null) {
          run.result.completeExceptionally(new AssertionError("stream completed without a result"));
        } else {
          run.result.complete(result);
        }
      }
    });
    synchronized (run) {
      req.onNext(CkksClientMessage.newBuilder().setStart(start).build());
    }
    return run;
  }

  static CkksInferenceStart start(String sessionId, byte[] ciphertext, int count) {
    return CkksInferenceStart.newBuilder().setSessionId(sessionId)
        .setInputCiphertext(ByteString.copyFrom(ciphertext)).setInputCount(count).build();
  }

  /** Waits for a future; a failure is rethrown as the StatusRuntimeException it was. */
  static <T> T await(CompletableFuture<T> f) throws InterruptedException {
    try {
      return f.get(20, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException s) {
        throw s;
      }
      throw new AssertionError(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within 20 minutes", e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
  }
}
