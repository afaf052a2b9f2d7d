package org.cipherformer.threats.leakage;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.cipherformer.proto.v1.CkksClientMessage;
import org.cipherformer.proto.v1.KeyUploadChunk;
import org.cipherformer.proto.v1.ListModelsRequest;

/**
 * L2, static half: every field of every message a client sends to the server (the request types of every RPC of the
 * cipherformer.v1 services, followed into nested messages) must be listed here with what it may carry, and none may
 * carry a decrypted value. A field added to the protocol without being listed fails the audit, so the list cannot
 * silently fall behind the .proto files.
 */
public final class ProtocolFieldAudit {
    /** What a client-to-server field may carry. */
    public enum Carries {
        /** A SEAL 4.1 Ciphertext (fresh client encryption; checked dynamically by {@link DecryptedValueAudit}). */
        SEAL_CIPHERTEXT,
        /** Bytes of SEAL RelinKeys / GaloisKeys (public evaluation keys). */
        SEAL_KEYS,
        /** A name or id (model name, session id). */
        ID,
        /** A count, size or round number chosen by the protocol. */
        SETTING,
        /** A hash of other bytes the client sent. */
        CHECKSUM,
        /** A nested message (its own fields are listed). */
        MESSAGE,
        /**
         * EE mode's input: permuted pixels or token ids of the client's own input, never the result of a CKKS
         * decryption (EE results are plaintext logits the client un-permutes; see docs/ee.md for what EE hides).
         */
        EE_INPUT
    }

    /** Every client-to-server field, by full name. */
    static final Map<String, Carries> FIELDS = fields();

    private static Map<String, Carries> fields() {
        Map<String, Carries> m = new LinkedHashMap<>();
        m.put("cipherformer.v1.DescribeModelRequest.name", Carries.ID);
        m.put("cipherformer.v1.CreateSessionRequest.model", Carries.ID);
        m.put("cipherformer.v1.CloseSessionRequest.session_id", Carries.ID);
        m.put("cipherformer.v1.KeyUploadChunk.header", Carries.MESSAGE);
        m.put("cipherformer.v1.KeyUploadChunk.data", Carries.SEAL_KEYS);
        m.put("cipherformer.v1.KeyUploadChunk.trailer", Carries.MESSAGE);
        m.put("cipherformer.v1.KeyUploadHeader.session_id", Carries.ID);
        m.put("cipherformer.v1.KeyUploadHeader.relin_key_bytes", Carries.SETTING);
        m.put("cipherformer.v1.KeyUploadHeader.galois_key_bytes", Carries.SETTING);
        m.put("cipherformer.v1.KeyUploadTrailer.sha256", Carries.CHECKSUM);
        m.put("cipherformer.v1.CkksClientMessage.start", Carries.MESSAGE);
        m.put("cipherformer.v1.CkksClientMessage.refresh_reply", Carries.MESSAGE);
        m.put("cipherformer.v1.CkksInferenceStart.session_id", Carries.ID);
        m.put("cipherformer.v1.CkksInferenceStart.input_ciphertext", Carries.SEAL_CIPHERTEXT);
        m.put("cipherformer.v1.CkksInferenceStart.input_count", Carries.SETTING);
        m.put("cipherformer.v1.RefreshReply.round", Carries.SETTING);
        m.put("cipherformer.v1.RefreshReply.ciphertexts", Carries.SEAL_CIPHERTEXT);
        m.put("cipherformer.v1.EeInferenceRequest.model", Carries.ID);
        m.put("cipherformer.v1.EeInferenceRequest.image", Carries.MESSAGE);
        m.put("cipherformer.v1.EeInferenceRequest.tokens", Carries.MESSAGE);
        m.put("cipherformer.v1.EeImage.values", Carries.EE_INPUT);
        m.put("cipherformer.v1.EeTokens.ids", Carries.EE_INPUT);
        return m;
    }

    /**
     * The result of one audit.
     *
     * @param found        every client-to-server field found in the descriptors, with its listed category (null if
     *                     unlisted)
     * @param unlisted     fields found but not listed
     * @param stale        fields listed but no longer in the descriptors
     * @param ckksNumbers  floating-point fields reachable from the CKKS path's messages (must be none: a float field
     *                     could carry decoded values)
     * @param requestTypes the request types of the services' methods
     */
    public record Report(Map<String, Carries> found, List<String> unlisted, List<String> stale,
                         List<String> ckksNumbers, List<String> requestTypes) {
    }

    private ProtocolFieldAudit() {
    }

    /** Audits the compiled descriptors of the cipherformer.v1 files. */
    public static Report audit() {
        List<FileDescriptor> files = List.of(ListModelsRequest.getDescriptor().getFile(),
            KeyUploadChunk.getDescriptor().getFile(), CkksClientMessage.getDescriptor().getFile());
        Map<String, Carries> found = new TreeMap<>();
        List<String> requestTypes = new ArrayList<>();
        List<String> ckksNumbers = new ArrayList<>();
        for (FileDescriptor f : files) {
            for (ServiceDescriptor s : f.getServices()) {
                for (MethodDescriptor m : s.getMethods()) {
                    Descriptor in = m.getInputType();
                    requestTypes.add(s.getName() + "." + m.getName() + "(" + in.getName() + ")");
                    boolean ee = in.getName().startsWith("Ee");
                    walk(in, found, ee ? null : ckksNumbers, new java.util.HashSet<>());
                }
            }
        }
        List<String> unlisted = new ArrayList<>();
        for (String name : found.keySet()) {
            if (!FIELDS.containsKey(name)) {
                unlisted.add(name);
            }
        }
        List<String> stale = new ArrayList<>();
        for (String name : FIELDS.keySet()) {
            if (!found.containsKey(name)) {
                stale.add(name);
            }
        }
        return new Report(found, unlisted, stale, ckksNumbers, requestTypes);
    }

    private static void walk(Descriptor d, Map<String, Carries> found, List<String> numbers, Set<String> seen) {
        if (!seen.add(d.getFullName())) {
            return;
        }
        for (FieldDescriptor fd : d.getFields()) {
            found.put(fd.getFullName(), FIELDS.get(fd.getFullName()));
            if (numbers != null && (fd.getType() == FieldDescriptor.Type.FLOAT
                || fd.getType() == FieldDescriptor.Type.DOUBLE)) {
                numbers.add(fd.getFullName());
            }
            if (fd.getType() == FieldDescriptor.Type.MESSAGE) {
                walk(fd.getMessageType(), found, numbers, seen);
            }
        }
    }
}
