package org.cipherformer.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.proto.v1.KeyUploadResponse;
import org.cipherformer.proto.v1.Session;

/**
 * A server session with its keys uploaded: what {@link CipherformerClient#openSession} returns. Runs inferences
 * with the key set it was opened with; closing closes the server session (the key set stays open: it belongs to the
 * caller or, if {@link CipherformerClient#openSession(String, KeyGenerationListener, UploadListener)} made it, to
 * this session, which then closes it too).
 */
public final class ModelSession implements AutoCloseable {
  private final CipherformerClient client;
  private final Session session;
  private final ModelKeys keys;
  private final boolean ownsKeys;
  private final KeyUploadResponse upload;
  private final long uploadNanos;
  private boolean closed;

  ModelSession(CipherformerClient client, Session session, ModelKeys keys, boolean ownsKeys,
               KeyUploadResponse upload, long uploadNanos) {
    this.client = client;
    this.session = session;
    this.keys = keys;
    this.ownsKeys = ownsKeys;
    this.upload = upload;
    this.uploadNanos = uploadNanos;
  }

  /** The server's session (id, idle timeout, limits). */
  public Session session() {
    return session;
  }

  /** The session id. */
  public String id() {
    return session.getSessionId();
  }

  /** The key set. */
  public ModelKeys keys() {
    return keys;
  }

  /** The server's answer to the key upload. */
  public KeyUploadResponse upload() {
    return upload;
  }

  /** Wall time of the key upload, in nanoseconds. */
  public long uploadNanos() {
    return uploadNanos;
  }

  /** Inputs one ciphertext carries. */
  public int batch() {
    return keys.description().getInput().getBatch();
  }

  /**
   * Encrypts a packed input, runs the model on the server, answers its refresh rounds, decrypts.
   *
   * @param packed     slot vector (see {@link InputPacking})
   * @param inputCount inputs packed in it
   * @param listener   progress
   * @return outputs and timings
   */
  public CkksResult run(double[] packed, int inputCount, InferenceListener listener) {
    return client.runCkks(this, packed, inputCount, listener);
  }

  /**
   * Classifies 1 .. {@link #batch()} images in one ciphertext.
   *
   * @param images   pixel arrays ({@code height * width * channels} values in [0, 255])
   * @param listener progress
   * @return the class logits
   */
  public Classification classify(List<double[]> images, InferenceListener listener) {
    return client.classify(this, images, listener);
  }

  /**
   * Next-token logits for 1 .. {@link #batch()} prompts of exactly the layout's token count.
   *
   * @param prompts   token ids
   * @param modelDir  the client's copy of the LM directory (embedding tables; checked against the server's hash)
   * @param listener  progress
   * @return the logits
   */
  public NextTokens nextToken(List<int[]> prompts, Path modelDir, InferenceListener listener) throws IOException {
    return client.nextToken(this, prompts, ModelDirectory.load(modelDir),
        modelDir.resolve(ModelDirectory.WEIGHTS), listener);
  }

  /** Closes the server session (and the key set if this session made it). Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      client.closeSession(session.getSessionId());
    } finally {
      if (ownsKeys) {
        keys.close();
      }
    }
  }
}
