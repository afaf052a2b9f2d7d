package org.cipherformer.client;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.AbstractStub;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.encrypted.OutputUnpacker;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.proto.v1.CloseSessionRequest;
import org.cipherformer.proto.v1.CreateSessionRequest;
import org.cipherformer.proto.v1.DescribeModelRequest;
import org.cipherformer.proto.v1.InferenceServiceGrpc;
import org.cipherformer.proto.v1.KeyUploadResponse;
import org.cipherformer.proto.v1.ListModelsRequest;
import org.cipherformer.proto.v1.ModelDescription;
import org.cipherformer.proto.v1.ModelServiceGrpc;
import org.cipherformer.proto.v1.ModelSummary;
import org.cipherformer.proto.v1.Session;
import org.cipherformer.proto.v1.SessionServiceGrpc;

/**
 * Client of a Cipherformer server (the cipherformer.v1 API): lists and describes models, makes a key set for a
 * model's plan (the secret key stays in this process), opens sessions and uploads the public evaluation keys, and
 * runs CKKS inferences — encrypt, stream, answer the server's refresh rounds with fresh encryptions, decrypt.
 *
 * <pre>{@code
 * try (CipherformerClient client = CipherformerClient.connect("localhost:50051",
 *         ClientOptions.builder().apiKey(key).build());
 *      ModelSession session = client.openSession("vit-fmnist", KeyGenerationListener.NONE, UploadListener.NONE)) {
 *   Classification c = session.classify(List.of(pixels), InferenceListener.NONE);
 *   System.out.println(c.label(0));
 * }
 * }</pre>
 *
 * <p>Every failure is a {@link CipherformerException} with the gRPC status code and the server's (or the client's)
 * message. Closing the client frees every key set it made that is still open and shuts down the channel it owns.
 * Thread-safe: concurrent inferences need distinct key sets or run one after the other on a shared one.
 */
public final class CipherformerClient implements AutoCloseable {
  /** Largest key upload chunk this client sends (the session's max_chunk_bytes if smaller). */
  public static final int MAX_CHUNK_BYTES = 1 << 20;

  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final ClientOptions options;
  private final BearerToken token;
  private final Set<ModelKeys> openKeys = ConcurrentHashMap.newKeySet();

  /**
   * A client over a channel someone else manages (and shuts down).
   *
   * @param channel the channel
   * @param options API key and deadline (the transport options are the channel's)
   */
  public CipherformerClient(ManagedChannel channel, ClientOptions options) {
    this(channel, false, options);
  }

  private CipherformerClient(ManagedChannel channel, boolean owns, ClientOptions options) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.ownsChannel = owns;
    this.options = Objects.requireNonNull(options, "options");
    this.token = options.apiKey() != null ? new BearerToken(options.apiKey()) : null;
  }

  /**
   * Connects (lazily: the first call opens the connection) to {@code target}.
   *
   * @param target  {@code host:port} or any gRPC target string
   * @param options transport, API key, deadline
   * @return the client; close it
   * @throws CipherformerException INVALID_ARGUMENT if a certificate file cannot be read
   */
  public static CipherformerClient connect(String target, ClientOptions options) {
    Objects.requireNonNull(target, "target");
    ChannelCredentials credentials;
    if (options.tls()) {
      TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
      try {
        if (options.trustCertificates() != null) {
          tls.trustManager(options.trustCertificates().toFile());
        }
        if (options.clientCertificate() != null) {
          tls.keyManager(options.clientCertificate().toFile(), options.clientKey().toFile());
        }
      } catch (IOException | RuntimeException e) {
        throw new CipherformerException(Status.Code.INVALID_ARGUMENT,
            "cannot read the TLS certificates or key: " + e.getMessage(), e);
      }
      credentials = tls.build();
    } else {
      credentials = InsecureChannelCredentials.create();
    }
    ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(target, credentials)
        .maxInboundMessageSize(options.maxInboundMessageBytes());
    if (options.authorityOverride() != null) {
      builder.overrideAuthority(options.authorityOverride());
    }
    return new CipherformerClient(builder.build(), true, options);
  }

  /** The options. */
  public ClientOptions options() {
    return options;
  }

  private <S extends AbstractStub<S>> S prepare(S stub) {
    if (token != null) {
      stub = stub.withCallCredentials(token);
    }
    if (options.deadline() != null) {
      stub = stub.withDeadlineAfter(options.deadline().toNanos(), TimeUnit.NANOSECONDS);
    }
    return stub;
  }

  /** @return the hosted models */
  public List<ModelSummary> listModels() {
    try {
      return prepare(ModelServiceGrpc.newBlockingStub(channel)).listModels(ListModelsRequest.getDefaultInstance())
          .getModelsList();
    } catch (RuntimeException e) {
      throw CipherformerException.from(e);
    }
  }

  /**
   * @param model the model's name
   * @return parameters, keys, layouts
   * @throws CipherformerException NOT_FOUND for an unknown model
   */
  public ModelDescription describe(String model) {
    try {
      return prepare(ModelServiceGrpc.newBlockingStub(channel))
          .describeModel(DescribeModelRequest.newBuilder().setName(model).build());
    } catch (RuntimeException e) {
      throw CipherformerException.from(e);
    }
  }

  /**
   * Makes a fresh secret key and the evaluation keys of the described plan (the relinearization key if the plan
   * needs it and exactly one Galois key per listed step). The key set is freed by its own {@code close()} or, at the
   * latest, by this client's.
   *
   * @param description the model's description
   * @param listener    progress
   * @return the key set
   */
  public ModelKeys generateKeys(ModelDescription description, KeyGenerationListener listener) {
    ModelKeys[] self = new ModelKeys[1];
    try {
      ModelKeys keys = ModelKeys.generate(description, listener, () -> openKeys.remove(self[0]));
      self[0] = keys;
      openKeys.add(keys);
      return keys;
    } catch (RuntimeException e) {
      throw CipherformerException.from(e);
    }
  }

  /**
   * @param model the model's name
   * @return the new session (its key upload limits)
   */
  public Session createSession(String model) {
    try {
      return prepare(SessionServiceGrpc.newBlockingStub(channel))
          .createSession(CreateSessionRequest.newBuilder().setModel(model).build());
    } catch (RuntimeException e) {
      throw CipherformerException.from(e);
    }
  }

  /**
   * Uploads a key set's evaluation keys to a session: header, data chunks of at most the session's
   * {@code max_chunk_bytes}, SHA-256 trailer.
   *
   * @param session  the session
   * @param keys     the key set (its model must be the session's)
   * @param listener bytes sent so far
   * @return the server's answer
   */
  public KeyUploadResponse uploadKeys(Session session, ModelKeys keys, UploadListener listener) {
    if (!session.getModel().equals(keys.model())) {
      throw new CipherformerException(Status.Code.INVALID_ARGUMENT, "keys for model '" + keys.model()
          + "' do not fit session " + session.getSessionId() + " of model '" + session.getModel() + "'");
    }
    if (session.getMaxKeyBytes() != 0 && keys.uploadBytes() > session.getMaxKeyBytes()) {
      throw new CipherformerException(Status.Code.RESOURCE_EXHAUSTED, "the keys are " + keys.uploadBytes()
          + " bytes, the session accepts at most " + session.getMaxKeyBytes());
    }
    // Chunks of at most 1 MiB even if the server allows more: fine-grained progress and flow control, and well
    // below any sensible max inbound message size.
    int chunk = session.getMaxChunkBytes() == 0 ? 0 : (int) Math.min(MAX_CHUNK_BYTES,
        Integer.toUnsignedLong(session.getMaxChunkBytes()));
    KeyUpload upload = new KeyUpload(session.getSessionId(), keys.relinKeyView(), keys.galoisKeyView(), chunk,
        listener);
    try {
      prepare(SessionServiceGrpc.newStub(channel)).uploadKeys(upload);
      return upload.result().get();
    } catch (ExecutionException e) {
      throw CipherformerException.from(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CipherformerException(Status.Code.CANCELLED, "key upload interrupted", e);
    } catch (RuntimeException e) {
      throw CipherformerException.from(e);
    }
  }

  /**
   * Creates a session for the key set's model and uploads its keys.
   *
   * @param keys     the key set (stays the caller's)
   * @param listener upload progress
   * @return the session; closing it closes the server session
   */
  public ModelSession openSession(ModelKeys keys, UploadListener listener) {
    return openSession(keys, false, listener);
  }

  /**
   * Describes the model, makes a key set, creates a session and uploads the keys. The session owns the key set (its
   * serialized keys are dropped after the upload; the secret key stays until the session is closed).
   *
   * @param model    the model's name
   * @param keygen   key generation progress
   * @param upload   upload progress
   * @return the session; closing it closes the server session and frees the keys
   */
  public ModelSession openSession(String model, KeyGenerationListener keygen, UploadListener upload) {
    ModelKeys keys = generateKeys(describe(model), keygen);
    try {
      return openSession(keys, true, upload);
    } catch (RuntimeException e) {
      keys.close();
      throw e;
    }
  }

  private ModelSession openSession(ModelKeys keys, boolean owns, UploadListener listener) {
    Session session = createSession(keys.model());
    try {
      long t0 = System.nanoTime();
      KeyUploadResponse r = uploadKeys(session, keys, listener);
      if (owns) {
        // Nobody else can upload this key set again: free the serialized copy (hundreds of MB) now.
        keys.discardSerializedKeys();
      }
      return new ModelSession(this, session, keys, owns, r, System.nanoTime() - t0);
    } catch (RuntimeException e) {
      try {
        closeSession(session.getSessionId());
      } catch (CipherformerException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Closes a session on the server (its keys are freed there).
   *
   * @param sessionId the session
   */
  public void closeSession(String sessionId) {
    try {
      prepare(SessionServiceGrpc.newBlockingStub(channel))
          .closeSession(CloseSessionRequest.newBuilder().setSessionId(sessionId).build());
    } catch (RuntimeException e) {
      throw CipherformerException.from(e);
    }
  }

  /**
   * One CKKS inference on a packed input.
   *
   * @param session    the session (keys uploaded)
   * @param packed     the slot vector
   * @param inputCount inputs packed (1 .. batch)
   * @param listener   progress
   * @return decrypted outputs and timings
   */
  public CkksResult runCkks(ModelSession session, double[] packed, int inputCount, InferenceListener listener) {
    Objects.requireNonNull(packed, "packed");
    Objects.requireNonNull(listener, "listener");
    ModelKeys keys = session.keys();
    int batch = keys.description().getInput().getBatch();
    if (inputCount < 1 || inputCount > batch) {
      throw new CipherformerException(Status.Code.INVALID_ARGUMENT,
          "input count " + inputCount + " outside [1, " + batch + "]");
    }
    try {
      InferenceServiceGrpc.InferenceServiceStub stub = prepare(InferenceServiceGrpc.newStub(channel));
      return new CkksExchange().run(stub::runCkks, session.id(), keys, packed, inputCount,
          keys.description().getCkks().getRefreshRounds(), listener, options.releaseFloodingStd());
    } catch (RuntimeException e) {
      throw CipherformerException.from(e);
    }
  }

  /**
   * Classifies images in one ciphertext.
   *
   * @param session  a session of an image-classification model
   * @param images   1 .. batch pixel arrays
   * @param listener progress
   * @return class logits per image
   */
  public Classification classify(ModelSession session, List<double[]> images, InferenceListener listener) {
    ModelDescription d = session.keys().description();
    if (!d.getOutput().hasClasses()) {
      throw new CipherformerException(Status.Code.INVALID_ARGUMENT,
          "model '" + d.getSummary().getName() + "' is not an image classifier");
    }
    double[] packed = InputPacking.images(d.getInput(), images);
    CkksResult r = runCkks(session, packed, images.size(), listener);
    if (r.outputs().isEmpty()) {
      throw new CipherformerException(Status.Code.INTERNAL, "the server returned no output ciphertext");
    }
    double[] slots = r.outputs().get(0);
    int classes = d.getOutput().getClasses().getLabelsCount();
    int rowBlock = d.getInput().getTokens() * d.getInput().getDModel();
    double[][] logits = new double[images.size()][classes];
    for (int b = 0; b < images.size(); b++) {
      for (int c = 0; c < classes; c++) {
        // Input b's class c is slot(b, 0, c) = b * tokens * d_model + c (models.proto, ClassLogits).
        logits[b][c] = slots[b * rowBlock + c];
      }
    }
    return new Classification(logits, d.getOutput().getClasses().getLabelsList(), r.timings(), r.floodingStd());
  }

  /**
   * Next-token logits of prompts, one output ciphertext per prompt.
   *
   * @param session  a session of a causal LM
   * @param prompts  1 .. batch prompts of exactly the layout's token count
   * @param lm       the client's copy of the LM (embedding tables)
   * @param weights  its safetensors file (checked against the server's SHA-256)
   * @param listener progress
   * @return logits per prompt
   */
  public NextTokens nextToken(ModelSession session, List<int[]> prompts, ModelDirectory.Model lm, Path weights,
                              InferenceListener listener) throws IOException {
    ModelDescription d = session.keys().description();
    if (!d.getOutput().hasNextToken()) {
      throw new CipherformerException(Status.Code.INVALID_ARGUMENT,
          "model '" + d.getSummary().getName() + "' is not a causal LM");
    }
    double[] packed = InputPacking.prompts(d.getInput(), lm, weights, prompts);
    CkksResult r = runCkks(session, packed, prompts.size(), listener);
    if (r.outputs().size() < prompts.size()) {
      throw new CipherformerException(Status.Code.INTERNAL, "the server returned " + r.outputs().size()
          + " output ciphertexts for " + prompts.size() + " prompts");
    }
    int vocab = d.getOutput().getNextToken().getVocabSize();
    List<double[]> logits = new ArrayList<>();
    for (int b = 0; b < prompts.size(); b++) {
      logits.add(OutputUnpacker.lastPositionLogits(r.outputs().get(b), vocab));
    }
    return new NextTokens(logits.toArray(new double[0][]), r.timings(), r.floodingStd());
  }

  /**
   * EE classification (docs/ee.md): permutes each image locally with the EE key, sends only the permuted image to the
   * hosted EE-transformed model, and un-permutes the class logits locally. One RunEe call per image.
   *
   * @param model  name of the hosted EE-transformed classifier
   * @param key    the EE key the model was transformed with (checked against the model's key id)
   * @param images pixel arrays (0..255, row-major, channel last)
   * @return logits in the original class order; timings: encrypt = permuting, decrypt = un-permuting
   * @throws CipherformerException FAILED_PRECONDITION if the model is not EE or was made with another key
   */
  public Classification eeClassify(String model, EeKey key, List<double[]> images) {
    return EeCalls.classify(describe(model), key, images, this::eeStub);
  }

  /**
   * EE next-token logits: permutes each prompt's ids locally, un-permutes the logits locally.
   *
   * @param model   name of the hosted EE-transformed LM
   * @param key     the EE key the model was transformed with
   * @param prompts prompts of original token ids (1 .. context length each)
   * @return next-token logits in the original vocabulary order
   * @throws CipherformerException FAILED_PRECONDITION if the model is not EE or was made with another key
   */
  public NextTokens eeNextToken(String model, EeKey key, List<int[]> prompts) {
    return EeCalls.nextToken(describe(model), key, prompts, this::eeStub);
  }

  /**
   * Greedy EE generation: one RunEe call per new token (the prompt window slides at the context length).
   *
   * @param model        name of the hosted EE-transformed LM
   * @param key          the EE key
   * @param prompt       original token ids
   * @param maxNewTokens most tokens to generate
   * @param stopId       original id that ends generation (e.g. {@code <eos>}), included in the result
   * @param contextLength the model's context length (longer prompts keep their last tokens)
   * @return the generated original ids
   */
  public int[] eeGenerate(String model, EeKey key, int[] prompt, int maxNewTokens, int stopId, int contextLength) {
    return EeCalls.generate(describe(model), key, prompt, maxNewTokens, stopId, contextLength, this::eeStub);
  }

  private InferenceServiceGrpc.InferenceServiceBlockingStub eeStub() {
    return prepare(InferenceServiceGrpc.newBlockingStub(channel));
  }

  /** Key sets made by this client and not yet closed. */
  public int openKeySets() {
    return openKeys.size();
  }

  /** Frees every key set this client made that is still open, then shuts down the channel if it owns it. */
  @Override
  public void close() {
    for (ModelKeys k : new ArrayList<>(openKeys)) {
      k.close();
    }
    if (ownsChannel) {
      channel.shutdown();
      try {
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        channel.shutdownNow();
      }
    }
  }
}
