package org.cipherformer.threats.robustness;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.ops.CkksKeyHolder;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.he.ops.EvaluationKeys;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.encrypted.InputPacker;
import org.cipherformer.model.encrypted.OutputUnpacker;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.model.encrypted.SlotLayout;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;
import org.cipherformer.proto.v1.CkksClientMessage;
import org.cipherformer.proto.v1.CkksInferenceStart;
import org.cipherformer.proto.v1.CkksServerMessage;
import org.cipherformer.proto.v1.CloseSessionRequest;
import org.cipherformer.proto.v1.CreateSessionRequest;
import org.cipherformer.proto.v1.DescribeModelRequest;
import org.cipherformer.proto.v1.EeImage;
import org.cipherformer.proto.v1.EeInferenceRequest;
import org.cipherformer.proto.v1.EeInferenceResponse;
import org.cipherformer.proto.v1.EeTokens;
import org.cipherformer.proto.v1.InferenceServiceGrpc;
import org.cipherformer.proto.v1.InputLayout;
import org.cipherformer.proto.v1.KeyUploadChunk;
import org.cipherformer.proto.v1.KeyUploadHeader;
import org.cipherformer.proto.v1.KeyUploadTrailer;
import org.cipherformer.proto.v1.ListModelsRequest;
import org.cipherformer.proto.v1.ModelDescription;
import org.cipherformer.proto.v1.ModelServiceGrpc;
import org.cipherformer.proto.v1.RefreshReply;
import org.cipherformer.proto.v1.Session;
import org.cipherformer.proto.v1.SessionServiceGrpc;
import org.cipherformer.threats.AttackResult;

/**
 * R1: a bounded fuzzing run of every RPC of the server over a real loopback port. The server runs in a child JVM
 * ({@link ServerProcess}) with two tenants; the fuzzer is the tenant "fuzz" and must never reach the sessions of
 * "other". Every input is sent with the real method name and a pass-through byte marshaller ({@link RawCall}), so
 * the server's own protobuf parser sees the bytes. Input kinds:
 * <ul>
 *   <li>random bytes as the request message(s);</li>
 *   <li>valid messages mutated at the wire level ({@link ProtoMutator}: bit flips, truncation, duplicated fields,
 *       huge length prefixes, other oneof cases, wrong wire types, inserted tags);</li>
 *   <li>SEAL objects mutated inside otherwise valid messages ({@link SealMutator}: header fields, parms_id, sizes,
 *       scale, compression mode, coefficients at or above q, truncation, zlib/zstd bombs) — the input ciphertext of
 *       RunCkks, the relinearization and Galois keys of UploadKeys, the ciphertexts of a refresh reply;</li>
 *   <li>stream misuse: messages in the wrong order, two headers or starts, data after the trailer, no trailer,
 *       half-close early, cancel mid-stream, abandoned streams, a refresh reply without a request;</li>
 *   <li>wrong sessions: empty, random, closed, another tenant's, one that already has keys; wrong or missing API
 *       keys; messages one byte above the server's inbound limit.</li>
 * </ul>
 * Every call has a deadline; a call without a status by then (plus a grace period), or ending in DEADLINE_EXCEEDED
 * that the server did not send itself, is a hang. A status outside the RPC's allowed set (docs/api.md), UNKNOWN or
 * INTERNAL, or CANCELLED without the client cancelling, is an unexpected status. Between batches the harness checks
 * that the server process is alive and its health service answers SERVING (else: a crash, and the server is
 * restarted). After the run, valid calls must still give the answers they gave before it.
 *
 * <p>A CKKS session with real keys for the model's plan (272 MB of Galois keys at N = 16384 for vit-fmnist) is set
 * up once per run, so that stream misuse can also hit a running inference. Replay: the seed is printed; the same
 * seed and settings give the same inputs.
 */
public final class RpcFuzzer {
  /**
   * @param seed               seed of every random choice (printed; the same seed gives the same inputs)
   * @param inputsPerRpc       inputs tried per RPC
   * @param batch              inputs per RPC between two health probes
   * @param keyedRuns          RunCkks inputs against a session with keys (each starts a real inference)
   * @param deadline           deadline of every call
   * @param refreshTimeoutSeconds the server's wait for a start or a refresh reply (short, so those timeouts are
   *                           exercised within the run)
   * @param maxInboundBytes    the server's inbound message limit (oversized inputs are one byte above it)
   * @param serverHeap         -Xmx of the server process
   * @param realKeys           make and upload keys for the whole plan (272 MB; a minute or two of key generation
   *                           and upload on a loaded machine) so that keyed inputs can misuse a running inference
   * @param fullInference      after the fuzzing, run one complete CKKS inference and compare it with the
   *                           plaintext reference (else: check that a valid start is accepted)
   */
  public record Settings(long seed, int inputsPerRpc, int batch, int keyedRuns, Duration deadline,
                         int refreshTimeoutSeconds, int maxInboundBytes, String serverHeap, boolean realKeys,
                         boolean fullInference) {
    /**
     * The test-suite size: 40 inputs per RPC (320 in all), no key set for the whole plan (so no keyed inputs; the
     * SEAL mutations of keys and ciphertexts still run, against a session without keys), about a minute.
     */
    public static Settings quick() {
      return new Settings(20261128L, 40, 20, 0, Duration.ofSeconds(30), 4, 8 << 20, "1g", false, false);
    }

    /**
     * The documented full run: 400 inputs per RPC (3200 in all), keys for the whole plan, 12 keyed inputs that
     * misuse running inferences, one complete inference checked against the plaintext reference at the end. Measured
     * on a loaded 2-core machine: 7.8 minutes (keys 43 s, upload 40 s, 3200 inputs 238 s, the complete inference
     * 113 s), 0 crashes, hangs and unexpected statuses. The client JVM needs about 2.5 GB of heap for the key set,
     * the server 1.5 GB. The server's start/refresh timeout is 30 s here so that the final inference's refresh
     * rounds fit; inputs that wait for that timeout are capped at a few per run.
     */
    public static Settings full() {
      return new Settings(20261128L, 400, 50, 12, Duration.ofSeconds(60), 30, 8 << 20, "1536m", true, true);
    }

    /** @return these settings with another seed */
    public Settings withSeed(long s) {
      return new Settings(s, inputsPerRpc, batch, keyedRuns, deadline, refreshTimeoutSeconds, maxInboundBytes,
          serverHeap, realKeys, fullInference);
    }
  }

  private static final Set<Status.Code> CLIENT_ERRORS = EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT,
      Status.Code.NOT_FOUND, Status.Code.FAILED_PRECONDITION, Status.Code.RESOURCE_EXHAUSTED,
      Status.Code.UNAUTHENTICATED, Status.Code.OUT_OF_RANGE);

  /** One input: its kind (for the counts), what the client does, and what happens after. */
  private record Input(String kind, Metadata headers, RawCall.Driver driver, boolean mayTimeOut,
                       Consumer<RawCall.Outcome> after) {
    Input(String kind, Metadata headers, RawCall.Driver driver) {
      this(kind, headers, driver, false, o -> { });
    }
  }

  /** One RPC under fuzzing. */
  private record Rpc(String name, MethodDescriptor<byte[], byte[]> method, Function<Random, Input> inputs) {
  }

  private RpcFuzzer() {
  }

  /**
   * Runs the fuzzing.
   *
   * @return one row per RPC (id R1) and a total row
   */
  public static List<AttackResult> run(Settings s, Consumer<String> progress) throws Exception {
    Path dir = Files.createTempDirectory("cipherformer-fuzz-");
    progress.accept(String.format(Locale.ROOT, "fuzz: seed %d, %d inputs per RPC, server in a child JVM (%s)",
        s.seed(), s.inputsPerRpc(), dir));
    try (FuzzTarget target = new FuzzTarget(RepoPaths.root(), dir, s.maxInboundBytes(), s.refreshTimeoutSeconds(),
        s.serverHeap())) {
      return new Run(s, target, progress).execute();
    } finally {
      deleteQuietly(dir);
    }
  }

  /** {@code RpcFuzzer [quick|full] [seed]}: prints progress and the rows. */
  public static void main(String[] args) throws Exception {
    Settings s = args.length > 0 && args[0].equals("full") ? Settings.full() : Settings.quick();
    if (args.length > 1) {
      s = s.withSeed(Long.parseLong(args[1]));
    }
    if (args.length > 2) {
      s = new Settings(s.seed(), Integer.parseInt(args[2]), s.batch(), s.keyedRuns(), s.deadline(),
          s.refreshTimeoutSeconds(), s.maxInboundBytes(), s.serverHeap(), s.realKeys(), s.fullInference());
    }
    for (AttackResult r : run(s, System.err::println)) {
      System.out.println(r.model() + ": " + r.metrics());
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception ignored) {
      // A temp directory left behind is harmless.
    }
  }

  /** The state of one run. */
  private static final class Run {
    final Settings s;
    final FuzzTarget target;
    final Consumer<String> progress;
    final Random master;
    final Map<String, FuzzTally> tallies = new LinkedHashMap<>();
    final List<Rpc> rpcs = new ArrayList<>();
    long crashes;
    int keyedDone;
    int neverStarts;
    // Fixtures.
    CkksKeyHolder holder;
    ModelDescription description;
    int batchLimit;
    String keyless;
    String keyed;
    String otherTenant;
    String closed;
    byte[] inputNone;
    byte[] inputZstd;
    byte[] foreignInput;
    byte[] relinZstd;
    byte[] relinNone;
    byte[] galoisOneZstd;
    byte[] galoisOneNone;
    byte[] eeImage;
    byte[] eeTokens;
    int lmSeqLen;
    int lmVocab;
    int vitPixels;
    EeInferenceResponse eeImageBefore;
    EeInferenceResponse eeTokensBefore;

    Run(Settings s, FuzzTarget target, Consumer<String> progress) {
      this.s = s;
      this.target = target;
      this.progress = progress;
      this.master = new Random(s.seed());
    }

    List<AttackResult> execute() throws Exception {
      long t0 = System.nanoTime();
      target.start();
      progress.accept("fuzz: server pid " + target.server.pid() + " on port " + target.server.port());
      try {
        setUp();
        defineRpcs();
        fuzz();
        Map<String, Object> checks = finalChecks();
        return results((System.nanoTime() - t0) / 1e9, checks);
      } finally {
        if (holder != null) {
          holder.close();
        }
      }
    }

    // ------------------------------------------------------------------ fixtures

    void setUp() throws Exception {
      long t0 = System.nanoTime();
      description = target.models().describeModel(DescribeModelRequest.newBuilder()
          .setName(FuzzTarget.CKKS_MODEL).build());
      batchLimit = description.getInput().getBatch();
      holder = new CkksKeyHolder(CkksParameters.n16384());
      double[] slots = new double[64];
      for (int i = 0; i < slots.length; i++) {
        slots[i] = (i % 7) * 0.1;
      }
      try (Ciphertext c = holder.encrypt(slots)) {
        inputNone = c.save(ComprMode.NONE);
        inputZstd = c.save(ComprMode.ZSTD);
      }
      try (CkksKeyHolder small = new CkksKeyHolder(CkksParameters.custom(8192, new int[] {60, 40, 60}, 40, 1));
          Ciphertext c = small.encrypt(new double[] {1, 2})) {
        foreignInput = c.save(ComprMode.ZSTD);
      }
      List<Integer> steps = description.getCkks().getGaloisStepsList();
      try (EvaluationKeys one = holder.generateEvaluationKeys(new TreeSet<>(List.of(steps.get(0))))) {
        relinZstd = one.relinKeyBytes(ComprMode.ZSTD);
        relinNone = one.relinKeyBytes(ComprMode.NONE);
        galoisOneZstd = one.galoisKeyBytes(ComprMode.ZSTD);
        galoisOneNone = one.galoisKeyBytes(ComprMode.NONE);
      }
      sessions();
      ModelDirectory.Model lm = ModelDirectory.load(target.dir.resolve("models").resolve(FuzzTarget.EE_LM));
      lmSeqLen = lm.config().architecture().seqLen();
      lmVocab = lm.config().architecture().vocabSize();
      InputLayout in = description.getInput();
      vitPixels = in.getImage().getHeight() * in.getImage().getWidth() * in.getImage().getChannels();
      EeImage.Builder img = EeImage.newBuilder();
      Random r = new Random(s.seed() ^ 0x1EE);
      for (int i = 0; i < vitPixels; i++) {
        img.addValues(r.nextInt(256));
      }
      eeImage = EeInferenceRequest.newBuilder().setModel(FuzzTarget.EE_VIT).setImage(img).build().toByteArray();
      EeTokens.Builder tok = EeTokens.newBuilder();
      for (int i = 0; i < lmSeqLen; i++) {
        tok.addIds(r.nextInt(lmVocab));
      }
      eeTokens = EeInferenceRequest.newBuilder().setModel(FuzzTarget.EE_LM).setTokens(tok).build().toByteArray();
      eeImageBefore = target.inference().runEe(EeInferenceRequest.parseFrom(eeImage));
      eeTokensBefore = target.inference().runEe(EeInferenceRequest.parseFrom(eeTokens));
      progress.accept(String.format(Locale.ROOT, "fuzz: fixtures ready in %.1f s (relin key %d B, one Galois key "
          + "%d B zstd)", (System.nanoTime() - t0) / 1e9, relinZstd.length, galoisOneZstd.length));
      if (s.realKeys()) {
        uploadRealKeys(steps);
      }
    }

    /** The sessions every run needs: without keys, another tenant's, a closed one. */
    void sessions() {
      keyless = target.createSession(target.mine());
      otherTenant = target.createSession(target.others());
      closed = target.createSession(target.mine());
      target.closeSession(target.mine(), closed);
    }

    /** Keys for the whole plan on one session, so that stream misuse can hit a running inference. */
    void uploadRealKeys(List<Integer> steps) throws Exception {
      long t0 = System.nanoTime();
      byte[] relin;
      byte[] galois;
      try (EvaluationKeys keys = holder.generateEvaluationKeys(new TreeSet<>(steps))) {
        relin = keys.relinKeyBytes(ComprMode.ZSTD);
        galois = keys.galoisKeyBytes(ComprMode.ZSTD);
      }
      long t1 = System.nanoTime();
      String id = target.createSession(target.mine());
      long bytes = relin.length + galois.length;
      byte[] r = relin;
      byte[] g = galois;
      RawCall.Outcome o = RawCall.run(target.channel, method(SessionServiceGrpc.getUploadKeysMethod()),
          target.mine(), Duration.ofMinutes(5), new RawCall.Driver() {
            @Override
            public void drive(RawCall.Handle h) throws Exception {
              // Chunks made as they go (not all 272 MB twice over), sent as the transport takes them.
              h.send(header(id, r.length, g.length));
              MessageDigest sha = MessageDigest.getInstance("SHA-256");
              int chunk = target.maxChunkBytes;
              for (byte[] part : List.of(r, g)) {
                for (int off = 0; off < part.length; off += chunk) {
                  byte[] piece = Arrays.copyOfRange(part, off, Math.min(part.length, off + chunk));
                  sha.update(piece);
                  h.awaitReady(60_000);
                  h.send(data(piece));
                }
              }
              h.send(trailer(sha.digest()));
              h.halfClose();
            }
          });
      if (o.code() == Status.Code.OK) {
        keyed = id;
      }
      progress.accept(String.format(Locale.ROOT, "fuzz: keys for %d steps (%.0f MB) generated in %.1f s, upload "
              + "%s in %.1f s", steps.size(), bytes / 1e6, (t1 - t0) / 1e9, o.code() + " " + o.description(),
          (System.nanoTime() - t1) / 1e9));
    }

    // ------------------------------------------------------------------ the RPCs and their inputs

    static MethodDescriptor<byte[], byte[]> method(MethodDescriptor<?, ?> real) {
      return RawCall.method(real.getFullMethodName(), real.getType());
    }

    void defineRpcs() {
      add("ModelService/ListModels", ModelServiceGrpc.getListModelsMethod(), CLIENT_ERRORS, this::listModels);
      add("ModelService/DescribeModel", ModelServiceGrpc.getDescribeModelMethod(), CLIENT_ERRORS,
          this::describeModel);
      add("SessionService/CreateSession", SessionServiceGrpc.getCreateSessionMethod(), CLIENT_ERRORS,
          this::createSession);
      add("SessionService/UploadKeys", SessionServiceGrpc.getUploadKeysMethod(), CLIENT_ERRORS, this::uploadKeys);
      add("SessionService/CloseSession", SessionServiceGrpc.getCloseSessionMethod(), CLIENT_ERRORS,
          this::closeSession);
      add("InferenceService/RunCkks", InferenceServiceGrpc.getRunCkksMethod(), CLIENT_ERRORS, this::runCkks);
      add("InferenceService/RunEe", InferenceServiceGrpc.getRunEeMethod(), CLIENT_ERRORS, this::runEe);
      add("grpc.health.v1.Health/Check", HealthGrpc.getCheckMethod(), EnumSet.of(Status.Code.OK,
          Status.Code.NOT_FOUND, Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED), this::healthCheck);
    }

    void add(String name, MethodDescriptor<?, ?> real, Set<Status.Code> allowed, Function<Random, Input> inputs) {
      rpcs.add(new Rpc(name, method(real), inputs));
      tallies.put(name, new FuzzTally(name, allowed));
    }

    /** Sends one message (or none for an empty array) and half-closes. */
    static RawCall.Driver unary(byte[] message) {
      return h -> {
        h.send(message);
        h.halfClose();
      };
    }

    static RawCall.Driver stream(List<byte[]> messages, boolean halfClose) {
      return h -> {
        for (byte[] m : messages) {
          h.awaitReady(10_000);
          h.send(m);
        }
        if (halfClose) {
          h.halfClose();
        } else {
          // An abandoned stream: the client goes away without finishing it.
          Thread.sleep(200);
          h.cancel("fuzzer abandons the stream");
        }
      };
    }

    /**
     * Inputs every cipherformer.v1 RPC gets besides its own: random bytes, a mutated valid message, wrong API keys,
     * a message one byte above the inbound limit. Returns null for "use an RPC-specific input".
     */
    Input common(Random r, byte[] valid, boolean streaming) {
      int pick = r.nextInt(100);
      if (pick < 15) {
        int len = switch (r.nextInt(4)) {
          case 0 -> r.nextInt(16);
          case 1 -> r.nextInt(512);
          case 2 -> r.nextInt(8192);
          default -> r.nextInt(1 << 17);
        };
        List<byte[]> ms = new ArrayList<>();
        int n = streaming ? 1 + r.nextInt(3) : 1;
        for (int i = 0; i < n; i++) {
          ms.add(ProtoMutator.randomBytes(r, len));
        }
        if (!streaming) {
          // (A unary call does not report ready before its one message: no flow-control wait here.)
          return new Input("random_bytes", target.mine(), unary(ms.get(0)));
        }
        return new Input("random_bytes", target.mine(), stream(ms, r.nextInt(4) > 0));
      }
      if (pick < 35) {
        ProtoMutator.Mutant m = ProtoMutator.mutate(valid, r);
        return new Input(m.kind(), target.mine(), unary(m.bytes()));
      }
      if (pick < 40) {
        String[] headers = {null, "Bearer ", "Bearer wrong-key-" + r.nextInt(1000), "Basic Zm9vOmJhcg==",
            "bearer " + target.apiKey, "Bearer " + "k".repeat(600), target.apiKey};
        int i = r.nextInt(headers.length);
        return new Input("auth:header_" + i, FuzzTarget.auth(headers[i]), unary(valid));
      }
      if (pick < 41) {
        // One byte above the server's limit: field 1 as length-delimited, filled with zeros.
        byte[] big = lengthDelimited(1, new byte[s.maxInboundBytes()]);
        return new Input("oversized", target.mine(), unary(big));
      }
      return null;
    }

    static byte[] lengthDelimited(int field, byte[] payload) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 16);
      ProtoMutator.varint(out, ((long) field << 3) | 2);
      ProtoMutator.varint(out, payload.length);
      out.writeBytes(payload);
      return out.toByteArray();
    }

    static final String[] NAMES = {FuzzTarget.CKKS_MODEL, FuzzTarget.EE_VIT, FuzzTarget.EE_LM,
        FuzzTarget.PLAIN_TWIN, "", "nope", "../vit-fmnist", "vit-fmnist\u0000", "VIT-FMNIST", "vit-fmnist ",
        "a".repeat(70_000), "\u00e9\u00e8", "models/vit-fmnist", "%s%n"};

    /** A name field (1) holding bytes that are not UTF-8 (protobuf refuses them in a proto3 string). */
    static byte[] badUtf8(int field) {
      return lengthDelimited(field, new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF});
    }

    Input listModels(Random r) {
      byte[] valid = ListModelsRequest.getDefaultInstance().toByteArray();
      Input c = common(r, new byte[] {0x0a, 0x02, 0x61, 0x62}, false);
      if (c != null) {
        return c;
      }
      return r.nextBoolean() ? new Input("valid", target.mine(), unary(valid))
          : new Input("unknown_fields", target.mine(), unary(ProtoMutator.randomBytes(r, 0)));
    }

    Input describeModel(Random r) {
      byte[] valid = DescribeModelRequest.newBuilder().setName(FuzzTarget.CKKS_MODEL).build().toByteArray();
      Input c = common(r, valid, false);
      if (c != null) {
        return c;
      }
      if (r.nextInt(10) == 0) {
        return new Input("bad_utf8", target.mine(), unary(badUtf8(1)));
      }
      String name = NAMES[r.nextInt(NAMES.length)];
      return new Input("name", target.mine(),
          unary(DescribeModelRequest.newBuilder().setName(name).build().toByteArray()));
    }

    Input createSession(Random r) {
      byte[] valid = CreateSessionRequest.newBuilder().setModel(FuzzTarget.CKKS_MODEL).build().toByteArray();
      Input c = common(r, valid, false);
      if (c == null) {
        if (r.nextInt(10) == 0) {
          c = new Input("bad_utf8", target.mine(), unary(badUtf8(1)));
        } else {
          String name = NAMES[r.nextInt(NAMES.length)];
          c = new Input("model", target.mine(),
              unary(CreateSessionRequest.newBuilder().setModel(name).build().toByteArray()));
        }
      }
      // A session the fuzzer opened is closed again, so the quota stays free for the fixtures.
      Input in = c;
      List<byte[]> got = new ArrayList<>();
      RawCall.Driver d = new RawCall.Driver() {
        @Override
        public void drive(RawCall.Handle h) throws Exception {
          in.driver().drive(h);
        }

        @Override
        public void onMessage(RawCall.Handle h, byte[] message) {
          synchronized (got) {
            got.add(message);
          }
        }
      };
      return new Input(in.kind(), in.headers(), d, false, o -> {
        synchronized (got) {
          for (byte[] m : got) {
            try {
              String id = Session.parseFrom(m).getSessionId();
              if (!id.isEmpty()) {
                target.closeSession(in.headers(), id);
              }
            } catch (Exception e) {
              progress.accept("fuzz: could not close a session the fuzzer opened: " + e);
            }
          }
        }
      });
    }

    Input closeSession(Random r) {
      Input c = common(r, CloseSessionRequest.newBuilder().setSessionId(closed).build().toByteArray(), false);
      if (c != null) {
        return c;
      }
      int pick = r.nextInt(8);
      String id = switch (pick) {
        case 0 -> HexFormat.random(r);
        case 1 -> "";
        case 2 -> closed;
        case 3 -> otherTenant;
        case 4 -> "f".repeat(100_000);
        case 5 -> keyless.toUpperCase(Locale.ROOT);
        case 6 -> keyless + "0";
        default -> null;
      };
      if (id != null) {
        return new Input("session_id_" + pick, target.mine(),
            unary(CloseSessionRequest.newBuilder().setSessionId(id).build().toByteArray()));
      }
      // A session of its own that the call closes (OK), or a mutation of that request.
      String fresh = target.createSession(target.mine());
      byte[] valid = CloseSessionRequest.newBuilder().setSessionId(fresh).build().toByteArray();
      boolean mutate = r.nextBoolean();
      byte[] m = mutate ? ProtoMutator.mutate(valid, r).bytes() : valid;
      return new Input(mutate ? "proto:own_session" : "valid", target.mine(), unary(m), false, o -> {
        try {
          target.closeSession(target.mine(), fresh);
        } catch (io.grpc.StatusRuntimeException e) {
          // Closed by the fuzzed call: that was the point.
        }
      });
    }

    Input healthCheck(Random r) {
      byte[] valid = HealthCheckRequest.newBuilder().setService("").build().toByteArray();
      int pick = r.nextInt(10);
      if (pick < 2) {
        return new Input("random_bytes", new Metadata(), unary(ProtoMutator.randomBytes(r, r.nextInt(2048))));
      }
      if (pick < 5) {
        return new Input(ProtoMutator.mutate(valid, r).kind(), new Metadata(),
            unary(ProtoMutator.mutate(valid, r).bytes()));
      }
      String[] services = {"", "cipherformer.v1.ModelService", "cipherformer.v1.InferenceService", "nope",
          "x".repeat(50_000)};
      String svc = services[r.nextInt(services.length)];
      return new Input("service", new Metadata(),
          unary(HealthCheckRequest.newBuilder().setService(svc).build().toByteArray()));
    }

    // ------------------------------------------------------------------ UploadKeys

    static List<byte[]> uploadMessages(String session, byte[] relin, byte[] galois, int chunk) throws Exception {
      List<byte[]> out = new ArrayList<>();
      out.add(header(session, relin.length, galois.length));
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] all = ProtoMutator.concat(relin, galois);
      for (int off = 0; off < all.length; off += chunk) {
        byte[] part = Arrays.copyOfRange(all, off, Math.min(all.length, off + chunk));
        sha.update(part);
        out.add(data(part));
      }
      out.add(trailer(sha.digest()));
      return out;
    }

    static byte[] header(String session, long relin, long galois) {
      return KeyUploadChunk.newBuilder().setHeader(KeyUploadHeader.newBuilder().setSessionId(session)
          .setRelinKeyBytes(relin).setGaloisKeyBytes(galois)).build().toByteArray();
    }

    static byte[] data(byte[] part) {
      return KeyUploadChunk.newBuilder().setData(ByteString.copyFrom(part)).build().toByteArray();
    }

    static byte[] trailer(byte[] sha) {
      return KeyUploadChunk.newBuilder().setTrailer(KeyUploadTrailer.newBuilder()
          .setSha256(ByteString.copyFrom(sha))).build().toByteArray();
    }

    Input uploadKeys(Random r) {
      byte[] smallValidHeader = header(keyless, 100, 100);
      Input c = common(r, smallValidHeader, true);
      if (c != null) {
        return c;
      }
      try {
        return uploadScenario(r);
      } catch (Exception e) {
        throw new IllegalStateException("cannot build an upload input", e);
      }
    }

    Input uploadScenario(Random r) throws Exception {
      int chunk = target.maxChunkBytes;
      byte[] small = ProtoMutator.randomBytes(r, 1000);
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(small);
      int pick = r.nextInt(24);
      Metadata me = target.mine();
      switch (pick) {
        case 0, 1, 2, 3 -> {
          // A mutated relinearization key (zstd or uncompressed) with a valid Galois key.
          boolean none = r.nextBoolean();
          ProtoMutator.Mutant m = SealMutator.mutate(none ? relinNone : relinZstd, false, r);
          return new Input(m.kind() + "(relin)", me, stream(uploadMessages(keyless, m.bytes(),
              galoisOneZstd, chunk), true));
        }
        case 4, 5, 6 -> {
          boolean none = r.nextBoolean();
          ProtoMutator.Mutant m = SealMutator.mutate(none ? galoisOneNone : galoisOneZstd, false, r);
          return new Input(m.kind() + "(galois)", me, stream(uploadMessages(keyless, relinZstd, m.bytes(),
              chunk), true));
        }
        case 7 -> {
          // Valid keys that miss the plan's other steps.
          return new Input("keys_missing_steps", me, stream(uploadMessages(keyless, relinZstd, galoisOneZstd,
              chunk), true));
        }
        case 8 -> {
          return new Input("order:data_before_header", me, stream(List.of(data(small), header(keyless, 500, 500),
              data(small), trailer(sha)), true));
        }
        case 9 -> {
          return new Input("order:second_header", me, stream(List.of(header(keyless, 500, 500),
              header(keyless, 500, 500), data(small), trailer(sha)), true));
        }
        case 10 -> {
          return new Input("order:no_trailer", me, stream(List.of(header(keyless, 500, 500), data(small)), true));
        }
        case 11 -> {
          byte[] wrong = sha.clone();
          wrong[r.nextInt(32)] ^= 1;
          return new Input("trailer:bad_sha", me, stream(List.of(header(keyless, 500, 500), data(small),
              trailer(wrong)), true));
        }
        case 12 -> {
          return new Input("trailer:short_sha", me, stream(List.of(header(keyless, 500, 500), data(small),
              trailer(Arrays.copyOf(sha, r.nextInt(32)))), true));
        }
        case 13 -> {
          return new Input("data:more_than_announced", me, stream(List.of(header(keyless, 10, 10), data(small),
              trailer(sha)), true));
        }
        case 14 -> {
          return new Input("data:empty_chunk", me, stream(List.of(header(keyless, 500, 500), data(new byte[0]),
              data(small), trailer(sha)), true));
        }
        case 15 -> {
          byte[] big = new byte[chunk + 1];
          return new Input("data:chunk_above_max", me, stream(List.of(header(keyless, chunk, chunk),
              data(big)), true));
        }
        case 16 -> {
          long[][] sizes = {{0, 10}, {10, 0}, {Long.MIN_VALUE, Long.MIN_VALUE}, {-1L, 1}, {1L << 40, 1},
              {(1L << 30), (1L << 30)}, {Integer.MAX_VALUE, 1}, {1, (1L << 31) + 7}};
          long[] sz = sizes[r.nextInt(sizes.length)];
          return new Input("header:sizes", me, stream(List.of(header(keyless, sz[0], sz[1]), data(small),
              trailer(sha)), true));
        }
        case 17 -> {
          return new Input("order:after_trailer", me, stream(List.of(header(keyless, 500, 500), data(small),
              trailer(sha), data(small), trailer(sha), header(keyless, 1, 1)), true));
        }
        case 18 -> {
          return new Input("order:empty_message", me, stream(List.of(new byte[0]), true));
        }
        case 19 -> {
          // Cancel mid-upload, or abandon the stream without a half-close.
          List<byte[]> ms = uploadMessages(keyless, relinZstd, galoisOneZstd, chunk);
          List<byte[]> part = ms.subList(0, 1 + r.nextInt(ms.size() - 1));
          return new Input("stream:cancel_mid_upload", me, stream(part, false));
        }
        case 20 -> {
          String[] ids = {"", HexFormat.random(r), closed, otherTenant, keyed == null ? closed : keyed,
              "x".repeat(10_000)};
          int i = r.nextInt(ids.length);
          return new Input("session:" + i, me, stream(List.of(header(ids[i], 500, 500), data(small),
              trailer(sha)), true));
        }
        case 21 -> {
          // A truncated upload: half the announced data, then the trailer.
          return new Input("data:truncated", me, stream(List.of(header(keyless, 1000, 1000), data(small),
              trailer(sha)), true));
        }
        case 22 -> {
          List<byte[]> ms = new ArrayList<>(List.of(header(keyless, 500, 500), data(small), trailer(sha)));
          int at = r.nextInt(ms.size());
          ProtoMutator.Mutant m = ProtoMutator.mutate(ms.get(at), r);
          ms.set(at, m.bytes());
          return new Input(m.kind() + "(chunk " + at + ")", me, stream(ms, true));
        }
        default -> {
          return new Input("oversized_chunk", me, stream(List.of(header(keyless, 1L << 28, 1L << 28),
              data(new byte[s.maxInboundBytes()])), true));
        }
      }
    }

    // ------------------------------------------------------------------ RunCkks

    static byte[] start(String session, byte[] ct, int count) {
      return CkksClientMessage.newBuilder().setStart(CkksInferenceStart.newBuilder().setSessionId(session)
          .setInputCiphertext(ByteString.copyFrom(ct)).setInputCount(count)).build().toByteArray();
    }

    static byte[] reply(int round, List<byte[]> cts) {
      RefreshReply.Builder b = RefreshReply.newBuilder().setRound(round);
      for (byte[] c : cts) {
        b.addCiphertexts(ByteString.copyFrom(c));
      }
      return CkksClientMessage.newBuilder().setRefreshReply(b).build().toByteArray();
    }

    Input runCkks(Random r) {
      // Keyed inputs at evenly spaced positions of the RunCkks inputs (each starts a real inference).
      long tried = tallies.get("InferenceService/RunCkks").inputs;
      int every = Math.max(1, s.inputsPerRpc() / Math.max(1, s.keyedRuns()));
      if (keyed != null && keyedDone < s.keyedRuns() && tried % every == every / 2) {
        return keyedScenario(r, keyedDone++);
      }
      Input c = common(r, start(keyless, inputZstd, 1), true);
      if (c != null) {
        return c;
      }
      Metadata me = target.mine();
      int pick = r.nextInt(20);
      if (pick < 9) {
        boolean none = r.nextInt(3) > 0;
        ProtoMutator.Mutant m = SealMutator.mutate(none ? inputNone : inputZstd, none, r);
        return new Input(m.kind(), me, stream(List.of(start(keyless, m.bytes(), 1)), true));
      }
      switch (pick) {
        case 9 -> {
          int[] counts = {0, batchLimit + 1, -1, Integer.MIN_VALUE};
          return new Input("start:input_count", me, stream(List.of(start(keyless, inputZstd,
              counts[r.nextInt(counts.length)])), true));
        }
        case 10 -> {
          String[] ids = {"", HexFormat.random(r), closed, otherTenant, "z".repeat(10_000)};
          int i = r.nextInt(ids.length);
          return new Input("session:" + i, me, stream(List.of(start(ids[i], inputZstd, 1)), true));
        }
        case 11 -> {
          return new Input("start:foreign_parameters", me, stream(List.of(start(keyless, foreignInput, 1)), true));
        }
        case 12 -> {
          return new Input("order:reply_first", me, stream(List.of(reply(0, List.of(inputZstd)),
              start(keyless, inputZstd, 1)), true));
        }
        case 13 -> {
          return new Input("order:empty_message", me, stream(List.of(new byte[0]), true));
        }
        case 14 -> {
          return new Input("order:double_start", me, stream(List.of(start(keyless, inputZstd, 1),
              start(keyless, inputZstd, 1)), true));
        }
        case 15 -> {
          return new Input("order:half_close_without_start", me, stream(List.of(), true));
        }
        case 16 -> {
          return new Input("stream:cancel_immediately", me, h -> h.cancel("fuzzer cancels"));
        }
        case 17 -> {
          // Opens the stream and sends nothing: the server's start timeout must end it (a few per run: each waits
          // for the whole timeout).
          if (neverStarts++ < 3) {
            return new Input("stream:never_start", me, h -> { }, true, o -> { });
          }
          return new Input("stream:cancel_immediately", me, h -> h.cancel("fuzzer cancels"));
        }
        case 18 -> {
          return new Input("start:empty_ciphertext", me, stream(List.of(start(keyless, new byte[0], 1)), true));
        }
        default -> {
          ProtoMutator.Mutant m = ProtoMutator.mutate(start(keyless, inputNone, 1), r);
          return new Input(m.kind() + "(start)", me, stream(List.of(m.bytes()), true));
        }
      }
    }

    static final String[] KEYED = {"double_start", "mutated_refresh_reply", "reply_without_request",
        "cancel_after_progress", "no_refresh_reply", "half_close_running"};

    /** Misuse of a stream whose inference really runs (a session with keys). */
    Input keyedScenario(Random r, int index) {
      String kind = KEYED[index % KEYED.length];
      byte[] st = start(keyed, inputZstd, 1);
      Metadata me = target.mine();
      return switch (kind) {
        case "double_start" -> new Input("keyed:double_start", me, h -> {
          h.send(st);
          Thread.sleep(100);
          h.send(st);
        });
        case "reply_without_request" -> new Input("keyed:reply_without_request", me, h -> {
          h.send(st);
          Thread.sleep(100);
          h.send(reply(0, List.of(inputZstd)));
        });
        case "cancel_after_progress" -> new Input("keyed:cancel_after_progress", me, new RawCall.Driver() {
          @Override
          public void drive(RawCall.Handle h) throws InterruptedException {
            h.send(st);
            long until = System.nanoTime() + s.deadline().toNanos() / 2;
            while (h.received.isEmpty() && !h.isClosed() && System.nanoTime() < until) {
              Thread.sleep(20);
            }
            h.cancel("fuzzer cancels a running inference");
          }
        });
        case "half_close_running" -> new Input("keyed:half_close_running", me, h -> {
          h.send(st);
          h.halfClose();
        });
        case "no_refresh_reply" -> new Input("keyed:no_refresh_reply", me, h -> h.send(st), true, o -> { });
        default -> {
          int variant = r.nextInt(5);
          long seed = r.nextLong();
          yield new Input("keyed:refresh_reply_" + variant, me, new RawCall.Driver() {
            boolean answered;

            @Override
            public void drive(RawCall.Handle h) {
              h.send(st);
            }

            @Override
            public synchronized void onMessage(RawCall.Handle h, byte[] message) {
              CkksServerMessage m;
              try {
                m = CkksServerMessage.parseFrom(message);
              } catch (Exception e) {
                return;
              }
              if (answered || !m.hasRefreshRequest()) {
                return;
              }
              answered = true;
              Random vr = new Random(seed);
              int round = m.getRefreshRequest().getRound();
              int n = m.getRefreshRequest().getCiphertextsCount();
              List<byte[]> cts = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                cts.add(inputZstd);
              }
              switch (variant) {
                case 0 -> h.send(reply(round + 1, cts));
                case 1 -> {
                  cts.add(inputZstd);
                  h.send(reply(round, cts));
                }
                case 2 -> {
                  boolean none = vr.nextBoolean();
                  cts.set(vr.nextInt(n), SealMutator.mutate(none ? inputNone : inputZstd, none, vr).bytes());
                  h.send(reply(round, cts));
                }
                case 3 -> h.send(ProtoMutator.randomBytes(vr, 1 + vr.nextInt(4096)));
                default -> h.send(reply(round, List.of()));
              }
            }
          });
        }
      };
    }

    // ------------------------------------------------------------------ RunEe

    Input runEe(Random r) {
      Input c = common(r, eeImage, false);
      if (c != null) {
        return c;
      }
      Metadata me = target.mine();
      int pick = r.nextInt(16);
      EeInferenceRequest.Builder b = EeInferenceRequest.newBuilder();
      String kind;
      switch (pick) {
        case 0 -> {
          return new Input("valid_image", me, unary(eeImage));
        }
        case 1 -> {
          return new Input("valid_tokens", me, unary(eeTokens));
        }
        case 2 -> {
          int[] sizes = {0, 1, vitPixels - 1, vitPixels + 1, 200_000};
          int n = sizes[r.nextInt(sizes.length)];
          EeImage.Builder img = EeImage.newBuilder();
          for (int i = 0; i < n; i++) {
            img.addValues(r.nextInt(256));
          }
          b.setModel(FuzzTarget.EE_VIT).setImage(img);
          kind = "image_size";
        }
        case 3 -> {
          float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1e30f, 1e30f, -0.0f,
              Float.MIN_VALUE};
          EeImage.Builder img = EeImage.newBuilder();
          for (int i = 0; i < vitPixels; i++) {
            img.addValues(r.nextInt(50) == 0 ? bad[r.nextInt(bad.length)] : r.nextInt(256));
          }
          b.setModel(FuzzTarget.EE_VIT).setImage(img);
          kind = "image_values";
        }
        case 4 -> {
          int[] lens = {0, 1, lmSeqLen + 1, 100_000};
          int n = lens[r.nextInt(lens.length)];
          EeTokens.Builder t = EeTokens.newBuilder();
          for (int i = 0; i < n; i++) {
            t.addIds(r.nextInt(lmVocab));
          }
          b.setModel(FuzzTarget.EE_LM).setTokens(t);
          kind = "token_count";
        }
        case 5 -> {
          int[] ids = {lmVocab, -1, Integer.MIN_VALUE, lmVocab + 1_000_000};
          b.setModel(FuzzTarget.EE_LM).setTokens(EeTokens.newBuilder().addIds(1)
              .addIds(ids[r.nextInt(ids.length)]));
          kind = "token_id";
        }
        case 6 -> {
          b.setModel(FuzzTarget.EE_LM).setImage(EeImage.newBuilder().addValues(1));
          kind = "image_for_lm";
        }
        case 7 -> {
          b.setModel(FuzzTarget.EE_VIT).setTokens(EeTokens.newBuilder().addIds(1));
          kind = "tokens_for_vit";
        }
        case 8 -> {
          b.setModel(FuzzTarget.EE_VIT);
          kind = "no_input";
        }
        case 9, 10 -> {
          String name = NAMES[r.nextInt(NAMES.length)];
          try {
            b.mergeFrom(eeImage).setModel(name);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          kind = "model";
        }
        case 11 -> {
          return new Input("bad_utf8", me, unary(ProtoMutator.concat(eeImage, badUtf8(1))));
        }
        default -> {
          ProtoMutator.Mutant m = ProtoMutator.mutate(r.nextBoolean() ? eeImage : eeTokens, r);
          return new Input(m.kind(), me, unary(m.bytes()));
        }
      }
      return new Input(kind, me, unary(b.build().toByteArray()));
    }

    // ------------------------------------------------------------------ the loop

    void fuzz() throws Exception {
      int total = s.inputsPerRpc() * rpcs.size();
      int done = 0;
      long t0 = System.nanoTime();
      while (done < total) {
        for (Rpc rpc : rpcs) {
          FuzzTally tally = tallies.get(rpc.name());
          int n = (int) Math.min(s.batch(), s.inputsPerRpc() - tally.inputs);
          for (int i = 0; i < n; i++) {
            long inputSeed = master.nextLong();
            Input in = rpc.inputs().apply(new Random(inputSeed));
            RawCall.Outcome o = runInput(rpc, in);
            String problem = tally.record(in.kind(), o, in.mayTimeOut());
            if (problem != null) {
              progress.accept("fuzz: " + problem + " (seed " + s.seed() + ", input seed " + inputSeed + ")");
            }
            done++;
          }
          if (n > 0 && !alive()) {
            tally.crashes++;
            crashes++;
            String why = target.server.isAlive() ? "stopped answering its health check"
                : "exited with status " + target.server.exitValue();
            progress.accept("fuzz: CRASH after a batch of " + rpc.name() + ": the server " + why + "; log: "
                + target.server.logTail(1500));
            target.close();
            target.start();
            keyed = null;
            sessions();
          }
        }
        progress.accept(String.format(Locale.ROOT, "fuzz: %d/%d inputs, %.0f s", done, total,
            (System.nanoTime() - t0) / 1e9));
      }
    }

    RawCall.Outcome runInput(Rpc rpc, Input in) throws Exception {
      boolean keyedInput = in.kind().startsWith("keyed:");
      Duration deadline = keyedInput ? s.deadline().multipliedBy(3) : s.deadline();
      RawCall.Outcome o = RawCall.run(target.channel, rpc.method(), in.headers(), deadline, in.driver());
      // A keyed input may find the previous inference still stopping: wait for the session to be free.
      for (int i = 0; keyedInput && i < 20 && o.code() == Status.Code.FAILED_PRECONDITION
          && o.description().contains("already running"); i++) {
        Thread.sleep(500);
        o = RawCall.run(target.channel, rpc.method(), in.headers(), deadline, in.driver());
      }
      in.after().accept(o);
      return o;
    }

    boolean alive() {
      return target.server.isAlive() && target.server.healthy(target.channel, Duration.ofSeconds(20));
    }

    // ------------------------------------------------------------------ after the fuzzing

    /** Valid calls still answer as before the fuzzing. */
    Map<String, Object> finalChecks() throws Exception {
      Map<String, Object> m = new LinkedHashMap<>();
      boolean healthy = alive();
      m.put("healthy_after", healthy ? 1 : 0);
      boolean same = healthy && target.models().describeModel(DescribeModelRequest.newBuilder()
          .setName(FuzzTarget.CKKS_MODEL).build()).equals(description)
          && target.inference().runEe(EeInferenceRequest.parseFrom(eeImage)).getLogitsList()
          .equals(eeImageBefore.getLogitsList())
          && target.inference().runEe(EeInferenceRequest.parseFrom(eeTokens)).getLogitsList()
          .equals(eeTokensBefore.getLogitsList());
      m.put("valid_calls_unchanged_after", same ? 1 : 0);
      // The keyless session still takes an upload (no stuck "upload in progress"): a header and a half-close
      // must end with the missing-trailer error.
      RawCall.Outcome up = RawCall.run(target.channel, method(SessionServiceGrpc.getUploadKeysMethod()),
          target.mine(), s.deadline(), stream(List.of(header(keyless, 10, 10)), true));
      boolean slotFree = up.code() == Status.Code.INVALID_ARGUMENT && up.description().contains("without a");
      m.put("upload_slot_free_after", slotFree ? 1 : 0);
      if (!slotFree) {
        progress.accept("fuzz: the keyless session does not take a new upload after the run: " + up);
      }
      if (keyed != null) {
        m.put("ckks_valid_after", s.fullInference() ? completeInference() : inferenceProgresses());
      } else if (s.realKeys()) {
        progress.accept("fuzz: no session with keys (upload failed or the server restarted): CKKS check failed");
        m.put("ckks_valid_after", 0);
      } else {
        // Without keys, a valid start passes every check of the input and stops at the missing keys.
        RawCall.Outcome o = RawCall.run(target.channel, method(InferenceServiceGrpc.getRunCkksMethod()),
            target.mine(), s.deadline(), stream(List.of(start(keyless, inputZstd, 1)), true));
        boolean ok = o.code() == Status.Code.FAILED_PRECONDITION && o.description().contains("no evaluation keys");
        if (!ok) {
          progress.accept("fuzz: a valid start on the session without keys: " + o);
        }
        m.put("ckks_valid_after", ok ? 1 : 0);
      }
      progress.accept("fuzz: after the run: " + m);
      return m;
    }

    /** A valid start on the keyed session gets progress events (then the client cancels). */
    int inferenceProgresses() throws Exception {
      for (int attempt = 0; attempt < 20; attempt++) {
        RawCall.Outcome o = RawCall.run(target.channel, method(InferenceServiceGrpc.getRunCkksMethod()),
            target.mine(), s.deadline().multipliedBy(3), new RawCall.Driver() {
              @Override
              public void drive(RawCall.Handle h) throws InterruptedException {
                h.send(start(keyed, inputZstd, 1));
                long until = System.nanoTime() + s.deadline().toNanos() * 2;
                while (h.received.isEmpty() && !h.isClosed() && System.nanoTime() < until) {
                  Thread.sleep(20);
                }
                h.cancel("check done");
              }
            });
        if (o.code() == Status.Code.FAILED_PRECONDITION && o.description().contains("already running")) {
          Thread.sleep(500);
          continue;
        }
        boolean ok = o.code() == Status.Code.CANCELLED && o.cancelledByClient() && o.messages() > 0;
        progress.accept("fuzz: a valid CKKS start after the run: " + o.messages() + " progress message(s), "
            + o.code());
        return ok ? 1 : 0;
      }
      return 0;
    }

    /** One complete inference of a shipped image on the keyed session, compared with the plaintext reference. */
    int completeInference() throws Exception {
      Path root = RepoPaths.root();
      ModelDirectory.Model model = ModelDirectory.load(root.resolve("models").resolve(FuzzTarget.CKKS_MODEL));
      InputLayout in = description.getInput();
      SlotLayout layout = new SlotLayout(in.getSlotCount(), in.getTokens(), in.getDModel(), in.getBatch());
      double[] image = ShippedInputs.images(root).get(0);
      byte[] ct;
      try (Ciphertext c = holder.encrypt(new InputPacker(model, layout).images(List.of(image)))) {
        ct = c.save(ComprMode.ZSTD);
      }
      List<byte[]> result = new ArrayList<>();
      RawCall.Outcome o = RawCall.run(target.channel, method(InferenceServiceGrpc.getRunCkksMethod()),
          target.mine(), Duration.ofMinutes(10), new RawCall.Driver() {
            @Override
            public void drive(RawCall.Handle h) {
              h.send(start(keyed, ct, 1));
            }

            @Override
            public void onMessage(RawCall.Handle h, byte[] message) {
              try {
                CkksServerMessage m = CkksServerMessage.parseFrom(message);
                if (m.hasRefreshRequest()) {
                  List<byte[]> masked = new ArrayList<>();
                  m.getRefreshRequest().getCiphertextsList().forEach(b -> masked.add(b.toByteArray()));
                  h.send(reply(m.getRefreshRequest().getRound(), holder.refresh(masked)));
                } else if (m.hasResult()) {
                  result.add(m.getResult().getOutputCiphertexts(0).toByteArray());
                  h.halfClose();
                }
              } catch (Exception e) {
                h.cancel("client failed: " + e);
              }
            }
          });
      if (o.code() != Status.Code.OK || result.isEmpty()) {
        progress.accept("fuzz: the complete inference after the run failed: " + o);
        return 0;
      }
      double[] slots;
      try (Ciphertext out = Ciphertext.load(holder.context(), result.get(0))) {
        slots = holder.decrypt(out);
      }
      int classes = description.getOutput().getClasses().getLabelsCount();
      double[] got = OutputUnpacker.imageLogits(slots, layout, 1, classes)[0];
      double[] want = new ReferenceModel(model).classify(image).logits()[0];
      double diff = 0;
      for (int k = 0; k < classes; k++) {
        diff = Math.max(diff, Math.abs(got[k] - want[k]));
      }
      boolean ok = OutputUnpacker.argmax(got) == OutputUnpacker.argmax(want) && diff < 1e-2;
      progress.accept(String.format(Locale.ROOT, "fuzz: complete inference after the run: class %d (reference "
          + "%d), max |logit diff| %.2e, %d ms", OutputUnpacker.argmax(got), OutputUnpacker.argmax(want), diff,
          o.millis()));
      return ok ? 1 : 0;
    }

    List<AttackResult> results(double seconds, Map<String, Object> checks) {
      List<AttackResult> rows = new ArrayList<>();
      String knowledge = "network access to the port, a valid API key of its own tenant, its own sessions (one "
          + "with real keys), the public API (docs/api.md); no access to other tenants' keys";
      Map<Status.Code, Long> allStatuses = new java.util.EnumMap<>(Status.Code.class);
      long inputs = 0;
      long hangs = 0;
      long unexpected = 0;
      List<String> examples = new ArrayList<>();
      for (FuzzTally t : tallies.values()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inputs", t.inputs);
        for (Map.Entry<Status.Code, Long> e : t.statuses.entrySet()) {
          m.put("status_" + e.getKey(), e.getValue());
          allStatuses.merge(e.getKey(), e.getValue(), Long::sum);
        }
        m.put("crashes", t.crashes);
        m.put("hangs", t.hangs);
        m.put("unexpected_status", t.unexpected);
        m.put("input_kinds", (long) t.kinds.size());
        m.put("max_ms", t.maxMillis);
        m.put("slowest_input", t.slowest);
        if (!t.examples.isEmpty()) {
          m.put("examples", String.join(" | ", t.examples));
        }
        inputs += t.inputs;
        hangs += t.hangs;
        unexpected += t.unexpected;
        if (examples.size() < FuzzTally.EXAMPLES) {
          examples.addAll(t.examples.subList(0, Math.min(t.examples.size(), FuzzTally.EXAMPLES - examples.size())));
        }
        rows.add(new AttackResult("R1", "fuzzing " + t.rpc, t.rpc, knowledge, t.inputs + " inputs of "
            + t.kinds.size() + " kinds (" + String.join(", ", t.kinds.keySet()) + "), seed " + s.seed(), m,
            seconds));
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("inputs", inputs);
      for (Map.Entry<Status.Code, Long> e : allStatuses.entrySet()) {
        m.put("status_" + e.getKey(), e.getValue());
      }
      m.put("crashes", crashes);
      m.put("hangs", hangs);
      m.put("unexpected_status", unexpected);
      m.put("rpcs", (long) tallies.size());
      m.put("keyed_inferences", (long) keyedDone);
      m.put("seed", s.seed());
      m.putAll(checks);
      if (!examples.isEmpty()) {
        m.put("examples", String.join(" | ", examples));
      }
      rows.add(new AttackResult("R1", "fuzzing every RPC over a loopback port (total)", "all RPCs", knowledge,
          inputs + " inputs over " + tallies.size() + " RPCs, seed " + s.seed(), m, seconds));
      return rows;
    }
  }

  /** Random session-id-like strings. */
  private static final class HexFormat {
    static String random(Random r) {
      byte[] b = new byte[16];
      r.nextBytes(b);
      return java.util.HexFormat.of().formatHex(b);
    }
  }
}
