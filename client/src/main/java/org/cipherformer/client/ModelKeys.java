package org.cipherformer.client;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.ops.CkksKeyHolder;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.he.ops.EvaluationKeys;
import org.cipherformer.proto.v1.ModelDescription;

/**
 * One client key set for one model's plan: the secret key (inside a {@link CkksKeyHolder}, never serialized, never
 * sent) and the public evaluation keys serialized for upload (the relinearization key and exactly one Galois key per
 * rotation step of the plan, SEAL 4.1 format, seeded, zstd). Encrypts inputs, decrypts outputs and answers refresh
 * rounds. Closing frees the secret key; a closed key set refuses every use.
 *
 * <p>Thread-safe: encryption, decryption and refresh answers are serialized on this object (the key holder is not
 * thread-safe). One key set serves any number of sessions of its model (each session gets its own upload).
 */
public final class ModelKeys implements AutoCloseable {
  /** Compression of the uploaded keys and the input ciphertext (node-seal's default too). */
  public static final ComprMode WIRE_COMPRESSION = ComprMode.ZSTD;

  private final String model;
  private final ModelDescription description;
  private final CkksParameters parameters;
  private final SortedSet<Integer> steps;
  private final long uploadBytes;
  private byte[] relinKey;
  private byte[] galoisKeys;
  private final long generationNanos;
  private final Runnable onClose;
  private CkksKeyHolder holder;

  private ModelKeys(ModelDescription description, CkksParameters parameters, CkksKeyHolder holder,
                    SortedSet<Integer> steps, byte[] relinKey, byte[] galoisKeys, long generationNanos,
                    Runnable onClose) {
    this.model = description.getSummary().getName();
    this.description = description;
    this.parameters = parameters;
    this.holder = holder;
    this.steps = Collections.unmodifiableSortedSet(steps);
    this.relinKey = relinKey;
    this.galoisKeys = galoisKeys;
    this.uploadBytes = (long) relinKey.length + galoisKeys.length;
    this.generationNanos = generationNanos;
    this.onClose = onClose;
  }

  /**
   * Makes a fresh secret key and the evaluation keys the described plan needs.
   *
   * @param description the model's description (must have a CKKS plan)
   * @param listener    progress
   * @param onClose     run once when the key set is closed (the client forgets it), or null
   * @return the key set
   * @throws CipherformerException FAILED_PRECONDITION if the model has no CKKS plan or its parameters are refused
   */
  static ModelKeys generate(ModelDescription description, KeyGenerationListener listener, Runnable onClose) {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(listener, "listener");
    if (!description.getSummary().getCkksAvailable() || !description.hasCkks()) {
      throw new CipherformerException(io.grpc.Status.Code.FAILED_PRECONDITION,
          "model '" + description.getSummary().getName() + "' has no CKKS plan");
    }
    CkksParameters parameters = PlanParameters.of(description.getCkks());
    SortedSet<Integer> steps = new TreeSet<>(description.getCkks().getGaloisStepsList());
    if (steps.size() != description.getCkks().getGaloisStepsCount()) {
      throw new CipherformerException(io.grpc.Status.Code.FAILED_PRECONDITION,
          "the plan lists a Galois step twice: " + description.getCkks().getGaloisStepsList());
    }
    int total = 1 + steps.size();
    long t0 = System.nanoTime();
    listener.onProgress("generating", 0, total);
    CkksKeyHolder holder = new CkksKeyHolder(parameters);
    try {
      byte[] relin;
      byte[] galois;
      try (EvaluationKeys keys = holder.generateEvaluationKeys(steps)) {
        listener.onProgress("serializing", total - 1, total);
        relin = description.getCkks().getNeedsRelinKeys() ? keys.relinKeyBytes(WIRE_COMPRESSION) : new byte[0];
        galois = keys.galoisKeyBytes(WIRE_COMPRESSION);
      }
      long nanos = System.nanoTime() - t0;
      listener.onProgress("done", total, total);
      return new ModelKeys(description, parameters, holder, steps, relin, galois, nanos, onClose);
    } catch (RuntimeException e) {
      holder.close();
      throw e;
    }
  }

  /** The model these keys are for. */
  public String model() {
    return model;
  }

  /** The description the keys were made for. */
  public ModelDescription description() {
    return description;
  }

  /** The CKKS parameter set. */
  public CkksParameters parameters() {
    return parameters;
  }

  /** The rotation steps the Galois keys cover (exactly the plan's). */
  public SortedSet<Integer> steps() {
    return steps;
  }

  /**
   * The relinearization key as uploaded (empty if the plan needs none).
   *
   * @throws IllegalStateException if the serialized keys were discarded (see {@link #discardSerializedKeys})
   */
  public synchronized byte[] relinKeyBytes() {
    return relinKeyView().clone();
  }

  /**
   * The Galois keys as uploaded.
   *
   * @throws IllegalStateException if the serialized keys were discarded (see {@link #discardSerializedKeys})
   */
  public synchronized byte[] galoisKeyBytes() {
    return galoisKeyView().clone();
  }

  /** Upload size: relinearization key plus Galois keys, in bytes. */
  public long uploadBytes() {
    return uploadBytes;
  }

  synchronized byte[] relinKeyView() {
    if (relinKey == null) {
      throw new IllegalStateException("the serialized keys of model '" + model + "' were discarded after upload");
    }
    return relinKey;
  }

  synchronized byte[] galoisKeyView() {
    if (galoisKeys == null) {
      throw new IllegalStateException("the serialized keys of model '" + model + "' were discarded after upload");
    }
    return galoisKeys;
  }

  /**
   * Drops the serialized evaluation keys (about 270 MB for the shipped ViT) once no further session needs them; the
   * secret key stays, so encryption, decryption and refresh answers keep working. A session opened by
   * {@link CipherformerClient#openSession(String, KeyGenerationListener, UploadListener)} owns its key set and does
   * this after the upload.
   */
  public synchronized void discardSerializedKeys() {
    relinKey = null;
    galoisKeys = null;
  }

  /** Time taken to make and serialize the keys, in nanoseconds. */
  public long generationNanos() {
    return generationNanos;
  }

  /**
   * Encrypts a packed slot vector at the top level and serializes it for the wire.
   *
   * @param slots at most slot-count values
   * @return the ciphertext in SEAL format (seeded, zstd)
   */
  public synchronized byte[] encrypt(double[] slots) {
    try (Ciphertext c = holder().encrypt(slots)) {
      return c.save(WIRE_COMPRESSION);
    }
  }

  /**
   * Decrypts a ciphertext the server returned, raw ({@code m + e}): do not release these values to anyone who may
   * hold the ciphertext (the server): with them the CKKS noise gives away the secret key (Li–Micciancio). Results
   * meant for release come from {@link #decrypt(byte[], double)}.
   *
   * @param ciphertext SEAL-format bytes, validated as untrusted input
   * @return the real parts of all slots
   * @throws CipherformerException INVALID_ARGUMENT if the bytes are not a ciphertext under these parameters
   */
  public synchronized double[] decrypt(byte[] ciphertext) {
    return decrypt(ciphertext, 0);
  }

  /**
   * Decrypts a ciphertext the server returned with noise flooding for release: each value gets an independent
   * Gaussian error of standard deviation {@code floodingStd} (fresh CSPRNG noise added to the decrypted polynomial).
   *
   * @param ciphertext  SEAL-format bytes, validated as untrusted input
   * @param floodingStd standard deviation added to each value; 0 for a raw decryption
   * @return the real parts of all slots
   * @throws CipherformerException INVALID_ARGUMENT if the bytes are not a ciphertext under these parameters or the
   *     flooding does not fit its modulus
   * @throws IllegalArgumentException if floodingStd is negative or not finite
   */
  public synchronized double[] decrypt(byte[] ciphertext, double floodingStd) {
    if (!(floodingStd >= 0) || Double.isInfinite(floodingStd)) {
      throw new IllegalArgumentException("flooding std must be >= 0 and finite, got " + floodingStd);
    }
    CkksKeyHolder h = holder();
    try (Ciphertext c = Ciphertext.load(h.context(), ciphertext)) {
      return h.decrypt(c, floodingStd);
    } catch (IllegalArgumentException e) {
      throw new CipherformerException(io.grpc.Status.Code.INVALID_ARGUMENT,
          "cannot decrypt the server's output: " + e.getMessage(), e);
    } catch (org.cipherformer.he.io.SealFormatException e) {
      throw new CipherformerException(io.grpc.Status.Code.INVALID_ARGUMENT,
          "the server's output ciphertext is not valid: " + e.getMessage(), e);
    }
  }

  /**
   * Answers one refresh round with fresh top-level encryptions (never decrypted values).
   *
   * @param masked the masked ciphertexts the server sent
   * @return fresh encryptions, in order
   */
  synchronized List<byte[]> refresh(List<byte[]> masked) {
    return holder().refresh(masked);
  }

  private CkksKeyHolder holder() {
    if (holder == null) {
      throw new IllegalStateException("the key set of model '" + model + "' is closed");
    }
    return holder;
  }

  /** True once closed. */
  public synchronized boolean isClosed() {
    return holder == null;
  }

  /** Frees the secret key and the client's context. Idempotent. */
  @Override
  public void close() {
    boolean first;
    synchronized (this) {
      first = holder != null;
      if (first) {
        holder.close();
        holder = null;
      }
    }
    if (first && onClose != null) {
      onClose.run();
    }
  }
}
