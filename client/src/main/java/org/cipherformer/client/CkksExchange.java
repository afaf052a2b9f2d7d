package org.cipherformer.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import io.grpc.stub.StreamObserver;
import org.cipherformer.proto.v1.CkksClientMessage;
import org.cipherformer.proto.v1.CkksInferenceResult;
import org.cipherformer.proto.v1.CkksInferenceStart;
import org.cipherformer.proto.v1.CkksServerMessage;
import org.cipherformer.proto.v1.RefreshReply;
import org.cipherformer.proto.v1.RefreshRequest;

/**
 * Drives one {@code InferenceService.RunCkks} stream (inference.proto) on the caller's thread: sends the start
 * message with the encrypted input, then handles the server's messages in order — progress events go to the
 * listener, each {@link RefreshRequest} is answered with fresh top-level encryptions from the key set (the client
 * never sends a decrypted value), the {@link CkksInferenceResult} ends the exchange. gRPC callbacks only enqueue; the
 * key holder runs on the caller's thread. If the caller is interrupted, the listener throws or a check fails, the
 * call is cancelled so the server stops its native work.
 */
final class CkksExchange implements ClientResponseObserver<CkksClientMessage, CkksServerMessage> {
  private static final Object COMPLETED = new Object();

  private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private volatile ClientCallStreamObserver<CkksClientMessage> requests;

  @Override
  public void beforeStart(ClientCallStreamObserver<CkksClientMessage> stream) {
    this.requests = stream;
  }

  @Override
  public void onNext(CkksServerMessage value) {
    inbox.add(value);
  }

  @Override
  public void onError(Throwable t) {
    inbox.add(t);
  }

  @Override
  public void onCompleted() {
    inbox.add(COMPLETED);
  }

  /**
   * Runs the exchange.
   *
   * @param call        starts the call with this observer (the stub's {@code runCkks})
   * @param sessionId   the session
   * @param keys        the session's key set
   * @param packed      the packed input slots
   * @param inputCount  inputs packed
   * @param totalRounds the plan's refresh rounds (for the listener)
   * @param listener    progress
   * @param floodingStd noise flooding of the decrypted outputs (standard deviation per value; 0: raw)
   * @return decrypted outputs and timings
   * @throws CipherformerException with the server's status, or the client's check that failed
   */
  CkksResult run(Function<StreamObserver<CkksServerMessage>, StreamObserver<CkksClientMessage>> call,
                 String sessionId, ModelKeys keys, double[] packed, int inputCount, int totalRounds,
                 InferenceListener listener, double floodingStd) {
    long start = System.nanoTime();
    byte[] input = keys.encrypt(packed);
    long encrypted = System.nanoTime();
    call.apply(this);
    ClientCallStreamObserver<CkksClientMessage> out = requests;
    long clientRefresh = 0;
    long bytesIn = 0;
    long bytesOut = 0;
    int refreshed = 0;
    int nextRound = 0;
    CkksInferenceResult result = null;
    try {
      out.onNext(CkksClientMessage.newBuilder().setStart(CkksInferenceStart.newBuilder().setSessionId(sessionId)
          .setInputCiphertext(UnsafeByteOperations.unsafeWrap(input)).setInputCount(inputCount)).build());
      while (true) {
        Object m = inbox.take();
        if (m == COMPLETED) {
          break;
        }
        if (m instanceof Throwable t) {
          throw CipherformerException.from(t);
        }
        CkksServerMessage msg = (CkksServerMessage) m;
        switch (msg.getMessageCase()) {
          case PROGRESS -> listener.onProgress(msg.getProgress());
          case REFRESH_REQUEST -> {
            RefreshRequest req = msg.getRefreshRequest();
            if (result != null || req.getRound() != nextRound) {
              throw new CipherformerException(Status.Code.INTERNAL, "the server sent refresh round "
                  + req.getRound() + (result != null ? " after its result" : ", expected " + nextRound));
            }
            List<byte[]> masked = new ArrayList<>(req.getCiphertextsCount());
            for (ByteString b : req.getCiphertextsList()) {
              masked.add(b.toByteArray());
              bytesIn += b.size();
            }
            long r0 = System.nanoTime();
            List<byte[]> fresh;
            try {
              fresh = keys.refresh(masked);
            } catch (IllegalArgumentException e) {
              throw new CipherformerException(Status.Code.INTERNAL,
                  "refresh round " + req.getRound() + ": " + e.getMessage(), e);
            }
            clientRefresh += System.nanoTime() - r0;
            RefreshReply.Builder reply = RefreshReply.newBuilder().setRound(req.getRound());
            for (byte[] f : fresh) {
              reply.addCiphertexts(UnsafeByteOperations.unsafeWrap(f));
              bytesOut += f.length;
            }
            out.onNext(CkksClientMessage.newBuilder().setRefreshReply(reply).build());
            refreshed += fresh.size();
            listener.onRefresh(nextRound, fresh.size(), totalRounds);
            nextRound++;
          }
          case RESULT -> {
            if (result != null) {
              throw new CipherformerException(Status.Code.INTERNAL, "the server sent two results");
            }
            result = msg.getResult();
            out.onCompleted();
          }
          default -> throw new CipherformerException(Status.Code.INTERNAL,
              "the server sent an empty message (a newer API?)");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.cancel("client interrupted", e);
      throw new CipherformerException(Status.Code.CANCELLED, "inference interrupted", e);
    } catch (RuntimeException e) {
      out.cancel("client stopped: " + e.getMessage(), e);
      throw CipherformerException.from(e);
    }
    if (result == null) {
      throw new CipherformerException(Status.Code.INTERNAL, "the server ended the inference without a result");
    }
    long d0 = System.nanoTime();
    List<double[]> outputs = new ArrayList<>();
    long outBytes = 0;
    for (ByteString b : result.getOutputCiphertextsList()) {
      outBytes += b.size();
      outputs.add(keys.decrypt(b.toByteArray(), floodingStd));
    }
    long end = System.nanoTime();
    InferenceTimings t = new InferenceTimings(encrypted - start, result.getTimings().getComputeNanos(),
        result.getTimings().getRefreshWaitNanos(), clientRefresh, end - d0, end - start, nextRound, refreshed,
        input.length, outBytes, bytesIn, bytesOut);
    return new CkksResult(outputs, t, floodingStd);
  }
}
