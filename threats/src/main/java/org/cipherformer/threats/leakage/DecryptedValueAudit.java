package org.cipherformer.threats.leakage;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.cipherformer.client.CipherformerClient;
import org.cipherformer.client.ClientOptions;
import org.cipherformer.client.Classification;
import org.cipherformer.client.InferenceListener;
import org.cipherformer.client.KeyGenerationListener;
import org.cipherformer.client.ModelSession;
import org.cipherformer.client.UploadListener;
import org.cipherformer.he.ParameterChain;
import org.cipherformer.he.io.CiphertextData;
import org.cipherformer.he.io.SealFormatException;
import org.cipherformer.he.io.SealReader;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.encrypted.OutputUnpacker;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;
import org.cipherformer.proto.v1.CkksClientMessage;
import org.cipherformer.proto.v1.CkksServerMessage;
import org.cipherformer.proto.v1.KeyUploadChunk;
import org.cipherformer.proto.v1.ModelDescription;
import org.cipherformer.server.CipherformerServer;
import org.cipherformer.server.Quotas;
import org.cipherformer.server.Tenant;
import org.cipherformer.threats.AttackResult;

/**
 * L2: no server path receives a decrypted value.
 *
 * <p>Static half ({@link ProtocolFieldAudit}): every client-to-server protobuf field is listed with what it may carry,
 * none carries decrypted numbers, and no floating-point field is reachable from the CKKS path.
 *
 * <p>Dynamic half: a real CKKS classification with the real client library through the real server on a loopback
 * port, with an interceptor that keeps every message the server receives and sends. Every SEAL payload the server
 * receives is parsed with he-kernels' SEAL reader (input ciphertext, refresh replies, the uploaded relinearization and
 * Galois keys) and counted by type. It must hold: no SEAL Plaintext and nothing unparseable where a ciphertext belongs,
 * no transparent ciphertext ({@code c_1 = 0}: its {@code c_0} would be the plaintext itself), no floating-point field
 * set in any inbound message, and every refresh reply a fresh encryption: a seeded ciphertext (uniform {@code c_1}
 * from a fresh seed) at the top level, equal to no ciphertext the server sent. The flooded results are also compared
 * with the plaintext reference (top-1 agreement, largest logit difference): the precision the mitigation costs.
 */
public final class DecryptedValueAudit {
    /**
     * @param model  the shipped CKKS model to run (directory under models/)
     * @param images how many shipped test images to classify in the one ciphertext (1 .. the model's batch)
     * @param inference false to run the static half only (no server, no keys: well under a second)
     */
    public record Settings(String model, int images, boolean inference) {
        /**
         * One ViT ciphertext with 2 images: key generation + one encrypted inference, about 1 minute on a quiet
         * machine, 4.5 minutes measured on the loaded 2-core build machine (load 17).
         */
        public static Settings quick() {
            return new Settings("vit-fmnist", 2, true);
        }

        /** One ViT ciphertext with the full batch of 7 images (same cost as quick). */
        public static Settings full() {
            return new Settings("vit-fmnist", 7, true);
        }

        /** The static half only, for runs that must stay short (the dynamic half needs an encrypted inference). */
        public static Settings staticOnly() {
            return new Settings("vit-fmnist", 0, false);
        }
    }

    private DecryptedValueAudit() {
    }

    /** Runs the static half and, if the settings ask for it, the dynamic half: one row each, id L2. */
    public static List<AttackResult> run(Settings s, Consumer<String> progress) throws Exception {
        progress.accept("L2: static audit of the client-to-server protobuf fields");
        AttackResult fields = staticAudit();
        if (!s.inference()) {
            return List.of(fields);
        }
        progress.accept("L2: one " + s.model() + " CKKS inference through a recorded loopback server");
        return List.of(fields, dynamicAudit(s, progress));
    }

    static AttackResult staticAudit() {
        long t0 = System.nanoTime();
        ProtocolFieldAudit.Report r = ProtocolFieldAudit.audit();
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("decrypted_values_seen", r.ckksNumbers().size());
        metrics.put("fields_inspected", r.found().size());
        metrics.put("fields_unlisted", r.unlisted().size());
        metrics.put("fields_stale", r.stale().size());
        metrics.put("float_fields_on_ckks_path", r.ckksNumbers().size());
        metrics.put("request_types", r.requestTypes().size());
        Map<ProtocolFieldAudit.Carries, Integer> byKind = new TreeMap<>();
        for (ProtocolFieldAudit.Carries c : r.found().values()) {
            if (c != null) {
                byKind.merge(c, 1, Integer::sum);
            }
        }
        byKind.forEach((k, v) -> metrics.put("fields_" + k.name().toLowerCase(), v));
        if (!r.unlisted().isEmpty()) {
            metrics.put("unlisted", String.join(", ", r.unlisted()));
        }
        return new AttackResult("L2", "client-to-server protobuf fields: what each may carry (static)",
            "cipherformer.v1", "the compiled .proto descriptors", r.requestTypes().size() + " RPC request types",
            metrics, (System.nanoTime() - t0) / 1e9);
    }

    static AttackResult dynamicAudit(Settings s, Consumer<String> progress) throws Exception {
        InboundRecorder recorder = new InboundRecorder();
        java.nio.file.Path root = RepoPaths.root();
        Quotas q = new Quotas(4, Quotas.DEFAULT.maxKeyBytes(), 1);
        long t0 = System.nanoTime();
        Classification c;
        ModelDescription d;
        try (CipherformerServer server = CipherformerServer.builder().port(0)
                 .modelsDirectory(root.resolve("models")).models(List.of(s.model()))
                 .tenant(new Tenant("audit", q)).addInterceptor(recorder).start();
             CipherformerClient client = CipherformerClient.connect("127.0.0.1:" + server.port(),
                 ClientOptions.defaults())) {
            d = client.describe(s.model());
            if (s.images() < 1 || s.images() > d.getInput().getBatch()) {
                throw new IllegalArgumentException("images must be in [1, " + d.getInput().getBatch() + "], got "
                    + s.images());
            }
            List<double[]> images = ShippedInputs.images(root).subList(0, s.images());
            progress.accept("L2: generating keys and running the inference");
            try (ModelSession session = client.openSession(s.model(), KeyGenerationListener.NONE,
                     UploadListener.NONE)) {
                c = session.classify(images, InferenceListener.NONE);
            }
            long seconds = System.nanoTime() - t0;
            Map<String, Object> metrics = inspect(recorder, d);
            // The precision the release flooding costs, against the plaintext reference of the same polynomial model.
            ReferenceModel reference = new ReferenceModel(ModelDirectory.load(root.resolve("models").resolve(s.model())));
            int agree = 0;
            double worst = 0;
            for (int b = 0; b < s.images(); b++) {
                double[] want = reference.classify(images.get(b)).logits()[0];
                agree += OutputUnpacker.argmax(want) == c.predicted(b) ? 1 : 0;
                for (int j = 0; j < want.length; j++) {
                    worst = Math.max(worst, Math.abs(want[j] - c.logits()[b][j]));
                }
            }
            metrics.put("release_flooding_std", c.floodingStd());
            metrics.put("top1_agreement_accuracy", agree / (double) s.images());
            metrics.put("max_logit_diff", worst);
            return new AttackResult("L2", "server inbound messages during one CKKS inference (dynamic)", s.model(),
                "everything the server receives (interceptor on a real loopback server)",
                s.images() + " image(s) in one ciphertext, real client library with default options",
                metrics, seconds / 1e9);
        }
    }

    /** Parses and counts everything the server received; see the class comment for what must hold. */
    static Map<String, Object> inspect(InboundRecorder recorder, ModelDescription d) throws Exception {
        ParameterChain chain = ParameterChain.create(
            SealReader.readEncryptionParameters(d.getCkks().getEncryptionParameters().toByteArray()));
        SealReader reader = new SealReader(chain);
        int top = d.getCkks().getInputLevel();
        Map<String, Long> counts = new TreeMap<>();
        // What the server sent: hashes of every ciphertext's bytes and of its c0 words.
        Set<String> sent = new HashSet<>();
        long sentCount = 0;
        for (InboundRecorder.Recorded r : recorder.outbound()) {
            if (r.message() instanceof CkksServerMessage m && m.hasRefreshRequest()) {
                for (ByteString b : m.getRefreshRequest().getCiphertextsList()) {
                    sentCount++;
                    sent.add(sha256(b.toByteArray()));
                    sent.add(c0Hash(reader.readCiphertext(b.toByteArray())));
                }
            } else if (r.message() instanceof CkksServerMessage m && m.hasResult()) {
                for (ByteString b : m.getResult().getOutputCiphertextsList()) {
                    sentCount++;
                    sent.add(sha256(b.toByteArray()));
                    sent.add(c0Hash(reader.readCiphertext(b.toByteArray())));
                }
            }
        }
        ByteArrayOutputStream keyBytes = new ByteArrayOutputStream();
        long relinLength = -1;
        long messages = 0;
        for (InboundRecorder.Recorded r : recorder.inbound()) {
            messages++;
            Message m = (Message) r.message();
            counts.merge("messages_" + m.getDescriptorForType().getName(), 1L, Long::sum);
            counts.merge("float_fields_set", (long) floatFields(m), Long::sum);
            if (m instanceof CkksClientMessage cm && cm.hasStart()) {
                checkCiphertext(reader, cm.getStart().getInputCiphertext().toByteArray(), top, sent, counts, false);
            } else if (m instanceof CkksClientMessage cm && cm.hasRefreshReply()) {
                for (ByteString b : cm.getRefreshReply().getCiphertextsList()) {
                    checkCiphertext(reader, b.toByteArray(), top, sent, counts, true);
                }
            } else if (m instanceof KeyUploadChunk k) {
                if (k.hasHeader()) {
                    relinLength = k.getHeader().getRelinKeyBytes();
                } else if (k.hasData()) {
                    k.getData().writeTo(keyBytes);
                } else if (k.hasTrailer()) {
                    byte[] all = keyBytes.toByteArray();
                    keyBytes.reset();
                    int relin = (int) relinLength;
                    if (relin > 0) {
                        reader.readRelinKeys(java.util.Arrays.copyOfRange(all, 0, relin));
                        counts.merge("seal_relin_keys", 1L, Long::sum);
                    }
                    reader.readGaloisKeys(java.util.Arrays.copyOfRange(all, Math.max(relin, 0), all.length));
                    counts.merge("seal_galois_keys", 1L, Long::sum);
                }
            }
        }
        long decrypted = counts.getOrDefault("seal_plaintexts", 0L) + counts.getOrDefault("unparseable", 0L)
            + counts.getOrDefault("transparent_ciphertexts", 0L) + counts.getOrDefault("float_fields_set", 0L)
            + counts.getOrDefault("refresh_replies_not_fresh", 0L);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("decrypted_values_seen", decrypted);
        metrics.put("messages_inspected", messages);
        metrics.put("server_ciphertexts_sent", sentCount);
        for (String k : List.of("seal_ciphertexts", "seal_relin_keys", "seal_galois_keys", "refresh_replies_fresh",
            "refresh_replies_not_fresh", "seal_plaintexts", "transparent_ciphertexts", "unparseable",
            "float_fields_set")) {
            metrics.put(k, counts.getOrDefault(k, 0L));
        }
        counts.forEach((k, v) -> {
            if (k.startsWith("messages_")) {
                metrics.put(k, v);
            }
        });
        return metrics;
    }

    private static void checkCiphertext(SealReader reader, byte[] bytes, int top, Set<String> sent,
                                        Map<String, Long> counts, boolean refreshReply) {
        CiphertextData ct;
        try {
            ct = reader.readCiphertext(bytes);
        } catch (SealFormatException e) {
            boolean plaintext;
            try {
                reader.readPlaintext(bytes);
                plaintext = true;
            } catch (SealFormatException notPlain) {
                plaintext = false;
            }
            counts.merge(plaintext ? "seal_plaintexts" : "unparseable", 1L, Long::sum);
            return;
        }
        counts.merge("seal_ciphertexts", 1L, Long::sum);
        boolean transparent = !ct.isSeeded() && allZeroBeyondC0(ct);
        if (transparent) {
            counts.merge("transparent_ciphertexts", 1L, Long::sum);
        }
        if (refreshReply) {
            int level = reader.chain().level(ct.parmsId()).chainIndex();
            boolean fresh = !transparent && ct.isSeeded() && level == top && !sent.contains(sha256(bytes))
                && !sent.contains(c0Hash(ct));
            counts.merge(fresh ? "refresh_replies_fresh" : "refresh_replies_not_fresh", 1L, Long::sum);
        }
    }

    /** True if every polynomial after c_0 is zero (a transparent ciphertext: c_0 is the plaintext). */
    private static boolean allZeroBeyondC0(CiphertextData ct) {
        long[] data = ct.data();
        int polyWords = ct.polyModulusDegree() * ct.coeffModulusSize();
        for (int i = polyWords; i < data.length; i++) {
            if (data[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int floatFields(Message m) {
        int n = 0;
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor fd = e.getKey();
            if (fd.getType() == FieldDescriptor.Type.FLOAT || fd.getType() == FieldDescriptor.Type.DOUBLE) {
                n++;
            } else if (fd.getType() == FieldDescriptor.Type.MESSAGE) {
                if (fd.isRepeated()) {
                    for (Object o : (List<?>) e.getValue()) {
                        n += floatFields((Message) o);
                    }
                } else {
                    n += floatFields((Message) e.getValue());
                }
            }
        }
        return n;
    }

    private static String c0Hash(CiphertextData ct) {
        long[] data = ct.data();
        int polyWords = ct.polyModulusDegree() * ct.coeffModulusSize();
        ByteBuffer b = ByteBuffer.allocate(polyWords * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < polyWords; i++) {
            b.putLong(data[i]);
        }
        return "c0:" + sha256(b.array());
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
