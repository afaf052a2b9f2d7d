package org.cipherformer.client;

/** Progress of a key upload: bytes handed to the transport so far, of the total. Called on a gRPC thread. */
@FunctionalInterface
public interface UploadListener {
  /** Does nothing. */
  UploadListener NONE = (sent, total) -> { };

  /**
   * @param sentBytes  key bytes sent so far
   * @param totalBytes key bytes in all (relinearization + Galois)
   */
  void onProgress(long sentBytes, long totalBytes);
}
