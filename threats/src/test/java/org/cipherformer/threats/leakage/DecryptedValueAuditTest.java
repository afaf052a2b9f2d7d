package org.cipherformer.threats.leakage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cipherformer.he.CoeffModulus;
import org.cipherformer.he.EncryptionParameters;
import org.cipherformer.he.ParameterChain;
import org.cipherformer.he.ParmsId;
import org.cipherformer.he.io.CiphertextData;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.PlaintextData;
import org.cipherformer.he.io.SealWriter;
import org.cipherformer.proto.v1.CkksClientMessage;
import org.cipherformer.proto.v1.CkksPlan;
import org.cipherformer.proto.v1.CkksServerMessage;
import org.cipherformer.proto.v1.EeImage;
import org.cipherformer.proto.v1.EeInferenceRequest;
import org.cipherformer.proto.v1.ModelDescription;
import org.cipherformer.proto.v1.RefreshReply;
import org.cipherformer.proto.v1.RefreshRequest;
import org.cipherformer.threats.AttackResult;
import org.junit.jupiter.api.Test;

/**
 * L2: the static field audit lists every client-to-server field; the inspection catches each kind of decrypted value
 * (fed by hand); and one real ViT inference through a recorded loopback server shows none.
 */
class DecryptedValueAuditTest {
    @Test
    void everyClientFieldIsListedAndNoneCarriesDecryptedNumbers() {
        AttackResult r = DecryptedValueAudit.staticAudit();
        assertEquals(0.0, r.metric("fields_unlisted"), r.metrics().toString());
        assertEquals(0.0, r.metric("fields_stale"), r.metrics().toString());
        assertEquals(0.0, r.metric("decrypted_values_seen"), r.metrics().toString());
        assertEquals(ProtocolFieldAudit.FIELDS.size(), (int) r.metric("fields_inspected"));
        assertEquals(2.0, r.metric("fields_seal_ciphertext"));
    }

    @Test
    void staticOnlySettingsRunTheStaticHalf() throws Exception {
        List<AttackResult> rows = DecryptedValueAudit.run(DecryptedValueAudit.Settings.staticOnly(), line -> { });
        assertEquals(1, rows.size());
        assertEquals(0.0, rows.get(0).metric("decrypted_values_seen"));
    }

    @Test
    void inspectionCatchesPlaintextsTransparentCiphertextsEchoesAndFloats() throws Exception {
        int n = 4096;
        EncryptionParameters parms = EncryptionParameters.ckks(n, CoeffModulus.create(n, 39, 30, 40));
        ParameterChain chain = ParameterChain.create(parms);
        int top = chain.firstDataLevel().chainIndex();
        ParmsId id = chain.firstDataLevel().parmsId();
        long[] primes = parms.coeffModulus();
        int k = top + 1;
        Random r = new Random(1);
        long[] data = new long[2 * k * n];
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < n; j++) {
                    data[(p * k + i) * n + j] = Math.floorMod(r.nextLong(), primes[i]);
                }
            }
        }
        double scale = Math.pow(2, 30);
        byte[] serverCt = SealWriter.write(new CiphertextData(id, true, 2, n, k, scale, 1, data, null), ComprMode.NONE);
        long[] transparentData = data.clone();
        java.util.Arrays.fill(transparentData, k * n, 2 * k * n, 0);
        byte[] transparent = SealWriter.write(
            new CiphertextData(id, true, 2, n, k, scale, 1, transparentData, null), ComprMode.NONE);
        byte[] plaintext = SealWriter.write(
            new PlaintextData(id, k * n, scale, java.util.Arrays.copyOf(data, k * n)), ComprMode.NONE);
        ModelDescription d = ModelDescription.newBuilder().setCkks(CkksPlan.newBuilder()
            .setEncryptionParameters(ByteString.copyFrom(SealWriter.write(parms, ComprMode.NONE)))
            .setInputLevel(top)).build();

        InboundRecorder rec = new InboundRecorder();
        rec.addOutbound("RunCkks", CkksServerMessage.newBuilder().setRefreshRequest(RefreshRequest.newBuilder()
            .setRound(0).addCiphertexts(ByteString.copyFrom(serverCt))).build());
        rec.addInbound("RunCkks", CkksClientMessage.newBuilder().setRefreshReply(RefreshReply.newBuilder().setRound(0)
            .addCiphertexts(ByteString.copyFrom(plaintext))
            .addCiphertexts(ByteString.copyFrom(transparent))
            .addCiphertexts(ByteString.copyFrom(serverCt))).build());
        rec.addInbound("RunEe", EeInferenceRequest.newBuilder().setModel("m")
            .setImage(EeImage.newBuilder().addValues(0.5f)).build());
        Map<String, Object> m = DecryptedValueAudit.inspect(rec, d);
        assertEquals(1L, m.get("seal_plaintexts"), m.toString());
        assertEquals(1L, m.get("transparent_ciphertexts"), m.toString());
        assertEquals(2L, m.get("refresh_replies_not_fresh"), m.toString());
        assertEquals(1L, m.get("float_fields_set"), m.toString());
        assertEquals(5L, m.get("decrypted_values_seen"), m.toString());
        assertEquals(2L, m.get("messages_inspected"), m.toString());
    }

    @Test
    void aRealInferenceSendsTheServerNoDecryptedValue() throws Exception {
        List<String> progress = new ArrayList<>();
        List<AttackResult> rows = DecryptedValueAudit.run(DecryptedValueAudit.Settings.quick(), progress::add);
        assertEquals(2, rows.size());
        rows.forEach(r -> System.out.println("L2 " + r.title() + ": " + r.metrics() + " in " + r.seconds() + " s"));
        AttackResult dyn = rows.get(1);
        assertEquals("L2", dyn.id());
        assertEquals(0.0, dyn.metric("decrypted_values_seen"), dyn.metrics().toString());
        assertTrue(dyn.metric("messages_inspected") > 3, dyn.metrics().toString());
        assertEquals(0.0, dyn.metric("refresh_replies_not_fresh"), dyn.metrics().toString());
        // The shipped ViT plan refreshes 27 values (docs/encrypted-inference.md): all fresh, plus the input ciphertext.
        assertTrue(dyn.metric("refresh_replies_fresh") >= 1, dyn.metrics().toString());
        assertEquals(dyn.metric("refresh_replies_fresh") + 1, dyn.metric("seal_ciphertexts"), dyn.metrics().toString());
        assertEquals(1.0, dyn.metric("seal_galois_keys"));
        assertEquals(1.0, dyn.metric("seal_relin_keys"));
        assertEquals(1.0, dyn.metric("top1_agreement_accuracy"), dyn.metrics().toString());
        assertTrue(dyn.metric("release_flooding_std") > 0);
    }
}
