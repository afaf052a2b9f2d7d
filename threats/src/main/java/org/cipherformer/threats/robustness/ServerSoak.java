package org.cipherformer.threats.robustness;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.cipherformer.client.CipherformerClient;
import org.cipherformer.client.CipherformerException;
import org.cipherformer.client.Classification;
import org.cipherformer.client.ClientOptions;
import org.cipherformer.client.InferenceListener;
import org.cipherformer.client.KeyGenerationListener;
import org.cipherformer.client.ModelKeys;
import org.cipherformer.client.ModelSession;
import org.cipherformer.client.NextTokens;
import org.cipherformer.client.UploadListener;
import org.cipherformer.he.NativeHandle;
import org.cipherformer.he.ops.CkksBackend;
import org.cipherformer.he.ops.PlaintextCache;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.ee.EeModelTransform;
import org.cipherformer.proto.v1.Session;
import org.cipherformer.server.CipherformerServer;
import org.cipherformer.server.HostedModel;
import org.cipherformer.server.Quotas;
import org.cipherformer.server.Tenant;
import org.cipherformer.threats.AttackResult;

/**
 * R2, the soak of issue 7: N concurrent clients, each with its own connection, against one real server on a
 * loopback port for a set duration, every answer checked against the plaintext reference. Reports requests, errors by
 * status, wrong results and latency percentiles per kind of request, throughput, and, before and after the run, the
 * server's open sessions, live native objects ({@link NativeHandle#liveHandles()}), heap after GC and the process's
 * resident set. Sessions and native objects above the baseline after every client has closed are leaks (the run does
 * not wait for idle expiry: the idle timeout is far longer than the run).
 *
 * <p>Clients. An EE client loops: create and close a session on the CKKS ViT (session bookkeeping under
 * concurrency), one EE classification (vit-fmnist-original transformed with the run's EE key) and one EE next-token
 * request (tiny-lm-original, prompts of 4..32 tokens). A CKKS client loops: create a session, upload the evaluation
 * keys, run {@link Settings#ckksInferencesPerSession} inferences (a ViT classification, or for odd-numbered CKKS
 * clients when {@link Settings#ckksLanguageModel} is set a tiny-lm next-token request), close the session. One CKKS
 * key set per model is generated once per run and every CKKS client uploads those same bytes into its own sessions:
 * a key set is about 270 MB serialized and 0.7 GB expanded on the server, so fresh keys per client would make client
 * memory grow with the client count instead of measuring the server (the server still loads, validates and frees a
 * separate copy per session, which is what the soak is after).
 *
 * <p>The server runs in this JVM: handle and session counts are exact, and the resident set figures are those of
 * one process holding the server and all clients (a separate server process is what the fuzzing run R1 uses).
 */
public final class ServerSoak {
    /** Hosted names. */
    static final String VIT = "vit-fmnist";
    static final String LM = "tiny-lm";
    static final String VIT_EE = "vit-fmnist-original-ee";
    static final String LM_EE = "tiny-lm-original-ee";

    /** Kinds of request, each with its own latency log. */
    enum Kind {
        SESSION_OPEN_CLOSE("session_open_close", "CreateSession + CloseSession (no keys)"),
        EE_CLASSIFY("ee_classify", "EE classification, one image (describe + RunEe)"),
        EE_NEXT_TOKEN("ee_next_token", "EE next token, one prompt (describe + RunEe)"),
        CKKS_SESSION_SETUP("ckks_session_setup", "CreateSession + UploadKeys of the run's key set"),
        CKKS_CLASSIFY("ckks_classify", "CKKS classification of one image (RunCkks with refresh rounds)"),
        CKKS_NEXT_TOKEN("ckks_next_token", "CKKS next token of one 16-token prompt (RunCkks)"),
        CKKS_SESSION_CLOSE("ckks_session_close", "CloseSession of a session with keys");

        final String label;
        final String what;

        Kind(String label, String what) {
            this.label = label;
            this.what = what;
        }
    }

    /**
     * @param clients                  concurrent clients, each with its own connection
     * @param ckksClients              how many of them run CKKS (the rest run EE); 0..clients
     * @param duration                 how long clients keep starting requests (running ones finish)
     * @param ckksLanguageModel        odd-numbered CKKS clients run tiny-lm next-token instead of ViT classification
     * @param ckksInferencesPerSession inferences per CKKS session before it is closed and a new one opened
     * @param maxCkksInferences        CKKS inferences in the whole run, 0 for no limit; when set, the run lasts at least
     *                                 until they are done (so EE load runs alongside them)
     * @param encodeCacheBytes         the server's encode cache per model (0: none; a run with one inference per
     *                                 model gains nothing from it and it holds about 2 GB)
     * @param drainTimeout             how long clients may take to finish the requests they are running once told
     *                                 to stop (a client still busy then counts as a hang); with a CKKS budget also how
     *                                 long past the duration the budget may take
     * @param progressEvery            interval of progress lines and of the time series
     * @param eePause                  think time of an EE client after each loop (0: as fast as it can; EE runs at
     *                                 plaintext speed, so unpaced EE clients take most of the CPU a CKKS inference
     *                                 needs)
     */
    public record Settings(int clients, int ckksClients, Duration duration, boolean ckksLanguageModel,
                           int ckksInferencesPerSession, int maxCkksInferences, long encodeCacheBytes,
                           Duration drainTimeout, Duration progressEvery, Duration eePause) {
        /** @throws IllegalArgumentException naming the offending value */
        public Settings {
            if (clients < 1) {
                throw new IllegalArgumentException("clients must be >= 1, got " + clients);
            }
            if (ckksClients < 0 || ckksClients > clients) {
                throw new IllegalArgumentException("ckksClients must be in [0, " + clients + "], got " + ckksClients);
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive, got " + duration);
            }
            if (ckksInferencesPerSession < 1) {
                throw new IllegalArgumentException("ckksInferencesPerSession must be >= 1, got "
                        + ckksInferencesPerSession);
            }
            if (maxCkksInferences < 0) {
                throw new IllegalArgumentException("maxCkksInferences must be >= 0, got " + maxCkksInferences);
            }
            if (encodeCacheBytes < 0) {
                throw new IllegalArgumentException("encodeCacheBytes must be >= 0, got " + encodeCacheBytes);
            }
            if (drainTimeout.isNegative() || progressEvery.isNegative() || progressEvery.isZero()
                    || eePause.isNegative()) {
                throw new IllegalArgumentException("drainTimeout and eePause must be >= 0 and progressEvery > 0, got "
                        + drainTimeout + ", " + eePause + ", " + progressEvery);
            }
        }

        /**
         * The test-suite run: 8 EE clients for 30 s (session open and close, EE classification and next token), no
         * CKKS: well under a minute and 1 GiB. A CKKS client cannot fit a minute on this machine: at n16384 its key
         * generation alone took 106 s and its 259 MiB key upload 194 s at load 14-20 (measured, 2026-11-28), so the
         * CKKS soak is {@link #oneCkksInference()} and {@link #full()}.
         */
        public static Settings quick() {
            return new Settings(8, 0, Duration.ofSeconds(30), false, 1, 0, 0, Duration.ofMinutes(2),
                    Duration.ofSeconds(10), Duration.ZERO);
        }

        /**
         * 8 clients: 7 EE and 1 CKKS client with a single ViT inference (key upload into its own session, one
         * n16384 inference, close); the run lasts until that inference is done, with the EE load alongside; no
         * encode cache (one inference gains nothing from it and it holds about 2 GB); EE clients pause 250 ms per
         * loop so the CKKS inference gets CPU. About 1.5 minutes on a quiet machine; 6 minutes at load 19 with unpaced
         * EE clients (key generation 89 s, upload 107 s, inference 260 s); peak resident set about 4.5 GiB (key
         * generation and the server's copy of the keys).
         */
        public static Settings oneCkksInference() {
            return new Settings(8, 1, Duration.ofSeconds(20), false, 1, 1, 0, Duration.ofMinutes(10),
                    Duration.ofSeconds(10), Duration.ofMillis(250));
        }

        /**
         * The documented full run: 8 clients for 5 minutes, 6 EE and 2 CKKS (one ViT, one tiny-lm), 2 inferences
         * per CKKS session, the server's default encode cache (2.5 GiB per model). Measured 2026-11-28 at load 2-12:
         * 341 s in all after 36 s of key generation, 47849 requests (140/s), 0 errors, 0 wrong; EE classify p50 13.5
         * ms, p99 131 ms; CKKS ViT p50 59 s, tiny-lm p50 74 s; sessions and native objects back to the baseline (the
         * 4416 left are the two encode caches); resident set up to 10 GiB (server, caches, keys and clients in one
         * JVM), so run it on a machine with that much free.
         */
        public static Settings full() {
            return new Settings(8, 2, Duration.ofMinutes(5), true, 2, 0, CkksBackend.DEFAULT_ENCODE_CACHE_BYTES,
                    Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ZERO);
        }

        /** @return the settings as report entries */
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("clients", clients);
            m.put("ckks_clients", ckksClients);
            m.put("ee_clients", clients - ckksClients);
            m.put("duration_s", duration.toMillis() / 1000.0);
            m.put("ckks_language_model", ckksLanguageModel);
            m.put("ckks_inferences_per_session", ckksInferencesPerSession);
            m.put("max_ckks_inferences", maxCkksInferences);
            m.put("encode_cache_bytes", encodeCacheBytes);
            m.put("ee_pause_ms", eePause.toMillis());
            return m;
        }
    }

    private ServerSoak() {
    }

    /**
     * Runs the soak.
     *
     * @param s        settings
     * @param progress short lines every {@link Settings#progressEvery} (requests done, p50 so far)
     * @return the summary row, then one row per kind of request that ran (all id R2)
     * @throws Exception if the server cannot start or the models cannot be prepared
     */
    public static List<AttackResult> run(Settings s, Consumer<String> progress) throws Exception {
        Path root = RepoPaths.root();
        Path models = Files.createTempDirectory("cipherformer-soak-models");
        try {
            return new Soak(s, progress, root, models).execute();
        } finally {
            deleteTree(models);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** One run's state. */
    private static final class Soak {
        private final Settings s;
        private final Consumer<String> progress;
        private final Path root;
        private final Path models;
        private final Map<Kind, LatencyLog> logs = new EnumMap<>(Kind.class);
        private final Map<Kind, AtomicLong> errors = new EnumMap<>(Kind.class);
        private final Map<Kind, AtomicLong> wrong = new EnumMap<>(Kind.class);
        private final Map<String, AtomicLong> statuses = new ConcurrentSkipListMap<>();
        private final List<String> notes = new CopyOnWriteArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger ckksBudget = new AtomicInteger();
        private final List<Double> seriesSeconds = new CopyOnWriteArrayList<>();
        private final List<Long> seriesRequests = new CopyOnWriteArrayList<>();
        private final List<Double> seriesEeP50 = new CopyOnWriteArrayList<>();
        private final List<Long> seriesRss = new CopyOnWriteArrayList<>();
        private volatile double floodingStd = Double.NaN;
        private long t0;
        private SoakInputs inputs;
        private EeKey eeKey;

        Soak(Settings s, Consumer<String> progress, Path root, Path models) {
            this.s = s;
            this.progress = progress;
            this.root = root;
            this.models = models;
            for (Kind k : Kind.values()) {
                logs.put(k, new LatencyLog());
                errors.put(k, new AtomicLong());
                wrong.put(k, new AtomicLong());
            }
            ckksBudget.set(s.maxCkksInferences());
        }

        private boolean ckksLm() {
            return s.ckksLanguageModel() && s.ckksClients() >= 2;
        }

        List<AttackResult> execute() throws Exception {
            long setupStart = System.nanoTime();
            eeKey = EeKey.generate();
            copyModel(VIT);
            if (ckksLm()) {
                copyModel(LM);
            }
            EeModelTransform.transform(root.resolve("models/vit-fmnist-original"), eeKey, models.resolve(VIT_EE));
            EeModelTransform.transform(root.resolve("models/tiny-lm-original"), eeKey, models.resolve(LM_EE));
            progress.accept("soak: models ready in " + secondsSince(setupStart) + " s");

            long handlesBeforeServer = NativeHandle.settledLiveHandles();
            Map<String, Object> m = new LinkedHashMap<>(s.describe());
            CipherformerServer server = CipherformerServer.builder()
                    .port(0)
                    .modelsDirectory(models)
                    .sampleRoot(root)
                    .tenant(new Tenant("soak", new Quotas(Math.max(8, 2 * s.clients()),
                            Quotas.DEFAULT.maxKeyBytes(), s.clients() + 1)))
                    .maxConcurrentInferences(s.clients() + 1)
                    .encodeCacheBytes(s.encodeCacheBytes())
                    .idleSessionTimeout(Duration.ofHours(2))
                    // Without CKKS clients no plan is needed (EE clients' sessions never get keys).
                    .precompilePlans(s.ckksClients() > 0)
                    .start();
            List<CipherformerClient> clients = new ArrayList<>();
            CipherformerClient keyClient = null;
            long runNanos;
            try {
                String target = "127.0.0.1:" + server.port();
                ClientOptions options = ClientOptions.builder().deadline(Duration.ofMinutes(20)).build();
                keyClient = CipherformerClient.connect(target, options);
                // Wait for the plans (compiled on first use) so the baseline holds what an idle server holds.
                if (s.ckksClients() > 0) {
                    keyClient.describe(VIT);
                }
                // A CKKS prompt has exactly the plan's token count (16 for the shipped tiny-lm).
                int lmTokens = ckksLm() ? keyClient.describe(LM).getInput().getTokens() : 0;
                long refStart = System.nanoTime();
                inputs = new SoakInputs(root, 16, lmTokens);
                progress.accept("soak: plaintext references ready in " + secondsSince(refStart) + " s");
                int sessionsBefore = server.activeSessions();
                long handlesBefore = NativeHandle.settledLiveHandles();
                long heapBefore = MemoryProbe.heapUsedAfterGcMib();
                long rssBefore = MemoryProbe.rssMib();
                progress.accept("soak: server on port " + server.port() + ", baseline: " + sessionsBefore
                        + " sessions, " + handlesBefore + " native objects, heap " + heapBefore + " MiB, RSS "
                        + rssBefore + " MiB");

                ModelKeys vitKeys = null;
                ModelKeys lmKeys = null;
                if (s.ckksClients() > 0) {
                    long k0 = System.nanoTime();
                    vitKeys = keyClient.generateKeys(keyClient.describe(VIT), KeyGenerationListener.NONE);
                    m.put("ckks_keygen_s", secondsSince(k0));
                    m.put("ckks_key_upload_bytes", vitKeys.uploadBytes());
                    if (ckksLm()) {
                        k0 = System.nanoTime();
                        lmKeys = keyClient.generateKeys(keyClient.describe(LM), KeyGenerationListener.NONE);
                        m.put("ckks_lm_keygen_s", secondsSince(k0));
                        m.put("ckks_lm_key_upload_bytes", lmKeys.uploadBytes());
                    }
                    progress.accept("soak: one CKKS key set per model generated in " + m.get("ckks_keygen_s")
                            + " s, " + (vitKeys.uploadBytes() >> 20) + " MiB to upload per session");
                }

                for (int i = 0; i < s.clients(); i++) {
                    clients.add(CipherformerClient.connect(target, options));
                }
                ExecutorService pool = Executors.newFixedThreadPool(s.clients());
                List<Future<?>> futures = new ArrayList<>();
                List<Future<?>> ckksFutures = new ArrayList<>();
                t0 = System.nanoTime();
                for (int i = 0; i < s.clients(); i++) {
                    CipherformerClient c = clients.get(i);
                    int index = i;
                    if (i < s.ckksClients()) {
                        boolean lm = ckksLm() && i % 2 == 1;
                        ModelKeys keys = lm ? lmKeys : vitKeys;
                        Future<?> f = pool.submit(() -> ckksClient(index, c, keys, lm));
                        futures.add(f);
                        ckksFutures.add(f);
                    } else {
                        futures.add(pool.submit(() -> eeClient(index, c)));
                    }
                }
                pool.shutdown();
                long hangs = superviseRun(server, futures, ckksFutures);
                runNanos = System.nanoTime() - t0;
                if (hangs > 0) {
                    // Cancel what is left: closing a client shuts its channel down, which ends its calls.
                    for (CipherformerClient c : clients) {
                        c.close();
                    }
                    pool.shutdownNow();
                    pool.awaitTermination(1, TimeUnit.MINUTES);
                }
                for (CipherformerClient c : clients) {
                    c.close();
                }
                clients.clear();
                for (ModelKeys k : new ModelKeys[] {vitKeys, lmKeys}) {
                    if (k != null) {
                        // close() frees the secret key but a closed set keeps its serialized keys (270 MB) while
                        // referenced: drop them so the heap figure after the run is the server's, not this harness's.
                        k.discardSerializedKeys();
                    }
                }
                keyClient.close(); // frees the run's key sets
                keyClient = null;

                int sessionsAfter = server.activeSessions();
                long cacheHandles = cacheHandles(server);
                long handlesAfter = NativeHandle.awaitLiveHandles(handlesBefore + cacheHandles, Duration.ofSeconds(30));
                long heapAfter = MemoryProbe.heapUsedAfterGcMib();
                long rssAfter = MemoryProbe.rssMib();
                m.put("wall_s", runNanos / 1e9);
                long requests = 0;
                long errorCount = 0;
                long wrongCount = 0;
                for (Kind k : Kind.values()) {
                    requests += logs.get(k).size();
                    errorCount += errors.get(k).get();
                    wrongCount += wrong.get(k).get();
                }
                m.put("requests", requests);
                m.put("requests_per_s", requests / (runNanos / 1e9));
                m.put("errors", errorCount);
                for (Map.Entry<String, AtomicLong> e : statuses.entrySet()) {
                    m.put("status_" + e.getKey(), e.getValue().get());
                }
                m.put("wrong_results", wrongCount);
                if (s.ckksClients() > 0) {
                    m.put("ckks_release_flooding_std", floodingStd);
                }
                m.put("unexpected_status", errorCount);
                m.put("hangs", hangs);
                // The server runs in this JVM: a native crash would end the run itself, so reaching here means 0.
                m.put("crashes", 0);
                m.put("sessions_before", sessionsBefore);
                m.put("sessions_after", sessionsAfter);
                m.put("leaked_sessions", Math.max(0, sessionsAfter - sessionsBefore));
                m.put("native_handles_before", handlesBefore);
                m.put("native_handles_after", handlesAfter);
                m.put("encode_cache_handles", cacheHandles);
                m.put("leaked_handles", Math.max(0, handlesAfter - handlesBefore - cacheHandles));
                m.put("heap_used_before_mib", heapBefore);
                m.put("heap_used_after_mib", heapAfter);
                m.put("rss_before_mib", rssBefore);
                m.put("rss_after_mib", rssAfter);
                m.put("rss_max_during_mib", seriesRss.stream().mapToLong(Long::longValue).max().orElse(rssAfter));
                m.put("rss_peak_jvm_mib", MemoryProbe.peakRssMib());
                if (handlesAfter - handlesBefore - cacheHandles > 0) {
                    notes.add((handlesAfter - handlesBefore - cacheHandles) + " native object(s) above the baseline; live "
                            + "now by kind: " + NativeHandle.liveHandlesByKind());
                }
                if (sessionsAfter > sessionsBefore) {
                    notes.add((sessionsAfter - sessionsBefore) + " session(s) still open after every client closed");
                }
            } finally {
                for (CipherformerClient c : clients) {
                    c.close();
                }
                if (keyClient != null) {
                    keyClient.close();
                }
                server.close();
            }
            long handlesAfterServer = NativeHandle.awaitLiveHandles(handlesBeforeServer, Duration.ofSeconds(30));
            m.put("native_handles_before_server", handlesBeforeServer);
            m.put("native_handles_after_server_close", handlesAfterServer);
            m.put("series_elapsed_s", List.copyOf(seriesSeconds));
            m.put("series_requests", List.copyOf(seriesRequests));
            m.put("series_ee_classify_p50_ms", List.copyOf(seriesEeP50));
            m.put("series_rss_mib", List.copyOf(seriesRss));
            if (!notes.isEmpty()) {
                m.put("first_problems", String.join(" | ", notes));
            }
            List<AttackResult> out = new ArrayList<>();
            out.add(new AttackResult("R2", "Soak: " + s.clients() + " concurrent clients (" + s.ckksClients()
                    + " CKKS, " + (s.clients() - s.ckksClients()) + " EE) for " + s.duration().toSeconds()
                    + " s against one server on a loopback port", hostedModels(), knowledge(), inputsText(), m,
                    runNanos / 1e9));
            for (Kind k : Kind.values()) {
                LatencyLog log = logs.get(k);
                if (log.size() == 0 && errors.get(k).get() == 0) {
                    continue;
                }
                long[] d = log.durations();
                Map<String, Object> km = new LinkedHashMap<>();
                km.put("kind", k.label);
                km.put("requests", (long) d.length);
                km.put("errors", errors.get(k).get());
                km.put("wrong_results", wrong.get(k).get());
                km.put("requests_per_s", d.length / (runNanos / 1e9));
                km.put("p50_ms", LatencyLog.percentileMs(d, 50));
                km.put("p90_ms", LatencyLog.percentileMs(d, 90));
                km.put("p99_ms", LatencyLog.percentileMs(d, 99));
                km.put("max_ms", LatencyLog.percentileMs(d, 100));
                out.add(new AttackResult("R2", "Soak latency: " + k.label + " (" + k.what + ")", modelOf(k),
                        knowledge(), inputsText(), km, runNanos / 1e9));
            }
            return out;
        }

        private void copyModel(String name) throws IOException {
            Path from = root.resolve("models").resolve(name);
            Path to = Files.createDirectories(models.resolve(name));
            try (Stream<Path> files = Files.list(from)) {
                for (Path f : files.toList()) {
                    Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }

        private String hostedModels() {
            return VIT + (ckksLm() ? ", " + LM : "") + " (CKKS); " + VIT_EE + ", " + LM_EE + " (EE)";
        }

        private String modelOf(Kind k) {
            return switch (k) {
                case EE_CLASSIFY -> VIT_EE;
                case EE_NEXT_TOKEN -> LM_EE;
                case CKKS_NEXT_TOKEN -> LM;
                default -> VIT;
            };
        }

        private String knowledge() {
            return "robustness run, no attacker: honest clients, each on its own gRPC connection; server in the "
                    + "same JVM (exact native-object and session counts; RSS is server plus clients); one CKKS key "
                    + "set per model generated once per run and uploaded by every CKKS session (the server loads "
                    + "its own copy per session)";
        }

        private String inputsText() {
            return s.clients() + " clients for " + s.duration().toSeconds() + " s: " + (s.clients() - s.ckksClients())
                    + " EE clients looping session open+close, EE classify (16 shipped images), EE next token "
                    + "(prompts of 4..32 tokens); " + s.ckksClients() + " CKKS clients looping session + key upload, "
                    + s.ckksInferencesPerSession() + " inference(s), close"
                    + (s.maxCkksInferences() > 0 ? " (" + s.maxCkksInferences() + " CKKS inference(s) in all)" : "")
                    + "; every answer checked against the plaintext reference (EE within "
                    + SoakInputs.EE_TOLERANCE + ", CKKS within " + SoakInputs.CKKS_TOLERANCE + " plus 15 standard deviations of the client's release "
                    + "noise flooding, on by default)";
        }

        /**
         * Stops the clients at the end of the duration (or, with a CKKS budget, once it is spent too), prints progress,
         * then waits up to the drain timeout.
         *
         * @return clients still busy after the drain timeout
         */
        private long superviseRun(CipherformerServer server, List<Future<?>> all, List<Future<?>> ckks)
                throws InterruptedException {
            long every = s.progressEvery().toNanos();
            long nextTick = t0 + every;
            long end = t0 + s.duration().toNanos();
            long budgetEnd = end + s.drainTimeout().toNanos();
            long stoppedAt = 0;
            while (true) {
                long now = System.nanoTime();
                if (now >= nextTick) {
                    tick(server, now);
                    nextTick += every;
                }
                if (!stop.get()) {
                    boolean ckksDone = s.maxCkksInferences() == 0 || ckks.stream().allMatch(Future::isDone);
                    if (now >= end && ckksDone || now >= budgetEnd) {
                        if (!ckksDone) {
                            notes.add("the " + s.maxCkksInferences() + " CKKS inference(s) were not done "
                                    + s.drainTimeout().toSeconds() + " s after the duration");
                        }
                        stop.set(true);
                        stoppedAt = now;
                    }
                }
                if (all.stream().allMatch(Future::isDone)) {
                    break;
                }
                if (stop.get() && now - stoppedAt >= s.drainTimeout().toNanos()) {
                    break;
                }
                Thread.sleep(100);
            }
            tick(server, System.nanoTime());
            long hangs = all.stream().filter(f -> !f.isDone()).count();
            if (hangs > 0) {
                notes.add(hangs + " client(s) still busy " + s.drainTimeout().toSeconds() + " s after being told to stop");
            }
            for (Future<?> f : all) {
                if (f.isDone()) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        // A client loop itself failed (a bug in the harness or an unchecked error): count it.
                        statuses.computeIfAbsent("CLIENT_LOOP_FAILED", x -> new AtomicLong()).incrementAndGet();
                        notes.add("client loop failed: " + e.getCause());
                    }
                }
            }
            return hangs;
        }

        private void tick(CipherformerServer server, long now) {
            double elapsed = (now - t0) / 1e9;
            long requests = 0;
            long errorCount = 0;
            StringBuilder kinds = new StringBuilder();
            for (Kind k : Kind.values()) {
                LatencyLog log = logs.get(k);
                requests += log.size();
                errorCount += errors.get(k).get() + wrong.get(k).get();
                if (log.size() > 0 && k != Kind.SESSION_OPEN_CLOSE && k != Kind.CKKS_SESSION_CLOSE) {
                    kinds.append(", ").append(k.label).append(' ').append(log.size()).append(" p50 ")
                            .append(String.format("%.1f", LatencyLog.percentileMs(log.durations(), 50))).append(" ms");
                }
            }
            long windowStart = now - t0 - s.progressEvery().toNanos();
            long[] window = logs.get(Kind.EE_CLASSIFY).durationsEndingIn(windowStart, now - t0);
            long rss = MemoryProbe.rssMib();
            seriesSeconds.add(Math.round(elapsed * 10) / 10.0);
            seriesRequests.add(requests);
            seriesEeP50.add(LatencyLog.percentileMs(window, 50));
            seriesRss.add(rss);
            progress.accept(String.format("soak: %.0f s, %d requests%s; errors+wrong %d, sessions %d, RSS %d MiB",
                    elapsed, requests, kinds, errorCount, server.activeSessions(), rss));
        }

        /**
         * Native objects the server keeps on purpose after the first CKKS session of a model: that model's shared
         * encode cache, one encoder plus one plaintext per cached entry (freed when the server closes).
         */
        private long cacheHandles(CipherformerServer server) {
            if (server.encodeCaches() == null) {
                return 0;
            }
            long n = 0;
            for (HostedModel hm : server.models().models()) {
                PlaintextCache c = server.encodeCaches().cache(hm);
                if (c != null) {
                    n += 1 + c.size();
                }
            }
            return n;
        }

        private void eeClient(int index, CipherformerClient c) {
            int i = index;
            while (!stop.get()) {
                time(Kind.SESSION_OPEN_CLOSE, () -> {
                    Session session = c.createSession(VIT);
                    c.closeSession(session.getSessionId());
                    return session;
                });
                int image = i % inputs.images.size();
                Classification cl = time(Kind.EE_CLASSIFY,
                        () -> c.eeClassify(VIT_EE, eeKey, List.of(inputs.images.get(image))));
                if (cl != null) {
                    check(Kind.EE_CLASSIFY, "image " + image, inputs.vitOriginalLogits[image], cl.logits()[0],
                            SoakInputs.EE_TOLERANCE);
                }
                int prompt = i % inputs.eePrompts.size();
                NextTokens nt = time(Kind.EE_NEXT_TOKEN,
                        () -> c.eeNextToken(LM_EE, eeKey, List.of(inputs.eePrompts.get(prompt))));
                if (nt != null) {
                    check(Kind.EE_NEXT_TOKEN, "prompt " + prompt, inputs.lmOriginalLogits[prompt], nt.logits()[0],
                            SoakInputs.EE_TOLERANCE);
                }
                i += s.clients();
                if (!s.eePause().isZero() && !stop.get()) {
                    try {
                        Thread.sleep(s.eePause().toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        private boolean takeCkksInference() {
            return s.maxCkksInferences() == 0 || ckksBudget.getAndDecrement() > 0;
        }

        private void ckksClient(int index, CipherformerClient c, ModelKeys keys, boolean lm) {
            int i = index;
            while (!stop.get() && takeCkksInference()) {
                ModelSession session = time(Kind.CKKS_SESSION_SETUP, () -> c.openSession(keys, UploadListener.NONE));
                if (session == null) {
                    pause();
                    continue;
                }
                try {
                    for (int k = 0; k < s.ckksInferencesPerSession(); k++) {
                        // The first inference of a session took its budget unit above and always runs.
                        if (k > 0 && (stop.get() || !takeCkksInference())) {
                            break;
                        }
                        if (lm) {
                            NextTokens nt = time(Kind.CKKS_NEXT_TOKEN, () -> session.nextToken(
                                    List.of(inputs.ckksPrompt), root.resolve("models").resolve(LM),
                                    InferenceListener.NONE));
                            if (nt != null) {
                                check(Kind.CKKS_NEXT_TOKEN, "prompt", inputs.lmLogits, nt.logits()[0],
                                        SoakInputs.ckksTolerance(nt.floodingStd()));
                                floodingStd = nt.floodingStd();
                            }
                        } else {
                            int image = i % inputs.images.size();
                            Classification cl = time(Kind.CKKS_CLASSIFY,
                                    () -> session.classify(List.of(inputs.images.get(image)), InferenceListener.NONE));
                            if (cl != null) {
                                check(Kind.CKKS_CLASSIFY, "image " + image, inputs.vitLogits[image], cl.logits()[0],
                                        SoakInputs.ckksTolerance(cl.floodingStd()));
                                floodingStd = cl.floodingStd();
                            }
                            i += s.clients();
                        }
                    }
                } finally {
                    time(Kind.CKKS_SESSION_CLOSE, () -> {
                        session.close();
                        return session;
                    });
                }
            }
        }

        /** Runs one request, logs its latency; on failure counts its status and returns null. */
        private <T> T time(Kind kind, Callable<T> call) {
            long start = System.nanoTime();
            try {
                T v = call.call();
                long done = System.nanoTime();
                logs.get(kind).add(done - start, done - t0);
                return v;
            } catch (Exception e) {
                errors.get(kind).incrementAndGet();
                String status = statusOf(e);
                statuses.computeIfAbsent(status, x -> new AtomicLong()).incrementAndGet();
                if (notes.size() < 5) {
                    notes.add(kind.label + ": " + status + ": " + e.getMessage());
                }
                pause();
                return null;
            }
        }

        private void check(Kind kind, String input, double[] want, double[] got, double tolerance) {
            String why = SoakInputs.mismatch(want, got, tolerance);
            if (why != null) {
                wrong.get(kind).incrementAndGet();
                if (notes.size() < 5) {
                    notes.add(kind.label + " wrong for " + input + ": " + why);
                }
            }
        }

        /** After a failure: do not spin on a broken server. */
        private void pause() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.set(true);
            }
        }

        private static String statusOf(Exception e) {
            if (e instanceof CipherformerException ce) {
                return ce.code().name();
            }
            if (e instanceof StatusRuntimeException se) {
                return se.getStatus().getCode().name();
            }
            return "CLIENT_" + e.getClass().getSimpleName();
        }

        private static double secondsSince(long start) {
            return Math.round((System.nanoTime() - start) / 1e8) / 10.0;
        }
    }
}
