package org.cipherformer.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import org.cipherformer.proto.v1.KeyUploadChunk;
import org.cipherformer.proto.v1.KeyUploadHeader;
import org.cipherformer.proto.v1.KeyUploadResponse;
import org.cipherformer.proto.v1.KeyUploadTrailer;

/**
 * One key upload (sessions.proto, {@code UploadKeys}): a header with both sizes, the relinearization key's bytes then
 * the Galois keys' bytes in data chunks of at most {@code max_chunk_bytes}, and a trailer with the SHA-256 of all data
 * bytes. Chunks are sent only while the transport is ready (gRPC flow control), so a 270 MB upload never sits in
 * the channel's buffers at once; each chunk is a view of the serialized keys, not a copy.
 */
final class KeyUpload implements ClientResponseObserver<KeyUploadChunk, KeyUploadResponse> {
  private final String sessionId;
  private final byte[] relin;
  private final byte[] galois;
  private final int chunkBytes;
  private final UploadListener listener;
  private final MessageDigest sha256;
  private final CompletableFuture<KeyUploadResponse> result = new CompletableFuture<>();
  private final long total;
  private ClientCallStreamObserver<KeyUploadChunk> requests;
  private long sent;
  private boolean headerSent;
  private boolean finished;
  private KeyUploadResponse response;

  /**
   * @param sessionId  the session
   * @param relin      the relinearization key bytes
   * @param galois     the Galois keys bytes
   * @param chunkBytes the session's max_chunk_bytes (>= 1)
   * @param listener   progress
   */
  KeyUpload(String sessionId, byte[] relin, byte[] galois, int chunkBytes, UploadListener listener) {
    if (chunkBytes < 1) {
      throw new CipherformerException(io.grpc.Status.Code.FAILED_PRECONDITION,
          "the server's max_chunk_bytes is " + Integer.toUnsignedString(chunkBytes));
    }
    this.sessionId = sessionId;
    this.relin = relin;
    this.galois = galois;
    this.chunkBytes = chunkBytes;
    this.listener = listener;
    this.total = (long) relin.length + galois.length;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Completes with the server's response or fails with the call's status. */
  CompletableFuture<KeyUploadResponse> result() {
    return result;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<KeyUploadChunk> stream) {
    this.requests = stream;
    // Called on a gRPC thread whenever the transport can take more; also once after the call starts.
    stream.setOnReadyHandler(this::pump);
  }

  private synchronized void pump() {
    try {
      while (!finished && requests.isReady()) {
        if (!headerSent) {
          requests.onNext(KeyUploadChunk.newBuilder().setHeader(KeyUploadHeader.newBuilder()
              .setSessionId(sessionId).setRelinKeyBytes(relin.length).setGaloisKeyBytes(galois.length)).build());
          headerSent = true;
          continue;
        }
        if (sent < total) {
          // Chunks never straddle the two keys: simpler for the server to route, same hash.
          byte[] src = sent < relin.length ? relin : galois;
          int offset = (int) (sent < relin.length ? sent : sent - relin.length);
          int n = Math.min(chunkBytes, src.length - offset);
          sha256.update(src, offset, n);
          requests.onNext(KeyUploadChunk.newBuilder().setData(UnsafeByteOperations.unsafeWrap(src, offset, n)).build());
          sent += n;
          listener.onProgress(sent, total);
          continue;
        }
        requests.onNext(KeyUploadChunk.newBuilder()
            .setTrailer(KeyUploadTrailer.newBuilder().setSha256(ByteString.copyFrom(sha256.digest()))).build());
        requests.onCompleted();
        finished = true;
      }
    } catch (RuntimeException e) {
      finished = true;
      requests.cancel("client failed while uploading", e);
      result.completeExceptionally(e);
    }
  }

  @Override
  public void onNext(KeyUploadResponse value) {
    response = value;
  }

  @Override
  public void onError(Throwable t) {
    synchronized (this) {
      finished = true;
    }
    result.completeExceptionally(t);
  }

  @Override
  public void onCompleted() {
    if (response == null) {
      result.completeExceptionally(new CipherformerException(io.grpc.Status.Code.INTERNAL,
          "the server ended the upload without a response"));
    } else {
      result.complete(response);
    }
  }
}
