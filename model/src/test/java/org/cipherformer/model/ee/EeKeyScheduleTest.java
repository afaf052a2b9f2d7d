package org.cipherformer.model.ee;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The v1 key schedule: pinned test vectors (so the procedure cannot drift silently), an independent re-implementation
 * of every step from the documented procedure with the JDK's HMAC (RFC 5869 HKDF, SP 800-90A HMAC_DRBG, rejection
 * sampling, Fisher–Yates), and uniformity.
 */
class EeKeyScheduleTest {
    /** The test-vector key: secret bytes 0x00, 0x01, ..., 0x1f. */
    static EeKey vectorKey() {
        byte[] s = new byte[32];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) i;
        }
        return EeKey.ofSecret(s);
    }

    private static int[] first(Permutation p, int n) {
        return Arrays.copyOf(p.sources(), n);
    }

    @Test
    void pinnedTestVectors() {
        EeKey k = vectorKey();
        assertEquals("29fbc30e2432f4dc", k.keyId());
        assertArrayEquals(new int[] {1011, 1655, 251, 840, 1004, 1633, 1370, 1089},
                first(EeKeySchedule.derive(k, EeKeySchedule.vocabLabel(), 2048), 8));
        assertArrayEquals(new int[] {60, 58, 42, 15, 63, 49, 56, 3},
                first(EeKeySchedule.derive(k, EeKeySchedule.residualLabel(), 64), 8));
        assertArrayEquals(new int[] {83, 56, 0, 59, 10, 97, 93, 90},
                first(EeKeySchedule.derive(k, EeKeySchedule.mlpLabel(1), 128), 8));
        assertArrayEquals(new int[] {2, 1, 3, 0},
                first(EeKeySchedule.derive(k, EeKeySchedule.headsLabel(0), 4), 4));
        assertArrayEquals(new int[] {2, 6, 12, 14, 4, 8, 13, 10},
                first(EeKeySchedule.derive(k, EeKeySchedule.queryKeyLabel(1, 2), 16), 8));
        assertArrayEquals(new int[] {11, 2, 1, 15, 4, 3, 13, 9},
                first(EeKeySchedule.derive(k, EeKeySchedule.valueOutLabel(1, 2), 16), 8));
        assertArrayEquals(new int[] {3, 48, 6, 9, 22, 30, 32, 21},
                first(EeKeySchedule.derive(k, EeKeySchedule.patchPixelsLabel(), 49), 8));
        assertArrayEquals(new int[] {13, 4, 11, 2, 14, 3, 9, 5},
                first(EeKeySchedule.derive(k, EeKeySchedule.patchPositionsLabel(), 16), 8));
        assertArrayEquals(new int[] {2, 1, 0, 6, 7, 4, 9, 3, 8, 5},
                first(EeKeySchedule.derive(k, EeKeySchedule.classesLabel(), 10), 10));
    }

    @Test
    void labelsAreTheDocumentedStrings() {
        assertEquals("cipherformer-ee/v1/vocab", EeKeySchedule.vocabLabel());
        assertEquals("cipherformer-ee/v1/residual", EeKeySchedule.residualLabel());
        assertEquals("cipherformer-ee/v1/classes", EeKeySchedule.classesLabel());
        assertEquals("cipherformer-ee/v1/patch-pixels", EeKeySchedule.patchPixelsLabel());
        assertEquals("cipherformer-ee/v1/patch-positions", EeKeySchedule.patchPositionsLabel());
        assertEquals("cipherformer-ee/v1/mlp/layer3", EeKeySchedule.mlpLabel(3));
        assertEquals("cipherformer-ee/v1/heads/layer3", EeKeySchedule.headsLabel(3));
        assertEquals("cipherformer-ee/v1/head-dim/layer3/head1/qk", EeKeySchedule.queryKeyLabel(3, 1));
        assertEquals("cipherformer-ee/v1/head-dim/layer3/head1/vo", EeKeySchedule.valueOutLabel(3, 1));
    }

    @Test
    void matchesAnIndependentImplementationOfTheDocumentedProcedure() throws Exception {
        EeKey k = EeKey.generate();
        for (String label : new String[] {EeKeySchedule.vocabLabel(), EeKeySchedule.residualLabel(),
                EeKeySchedule.queryKeyLabel(0, 3)}) {
            for (int n : new int[] {1, 2, 7, 64, 2048, 5000}) {
                assertArrayEquals(independent(k.secret(), label, n), EeKeySchedule.derive(k, label, n).sources(),
                        label + " n=" + n);
            }
        }
    }

    @Test
    void keyIdIsHkdfOfTheDocumentedInfo() throws Exception {
        EeKey k = vectorKey();
        byte[] okm = hkdf(k.secret(), "cipherformer-ee/v1".getBytes(StandardCharsets.UTF_8),
                "cipherformer-ee/v1/key-id".getBytes(StandardCharsets.UTF_8), 8);
        assertEquals(java.util.HexFormat.of().formatHex(okm), k.keyId());
    }

    @Test
    void differentKeysAndLabelsGiveDifferentPermutations() {
        EeKey a = EeKey.generate();
        EeKey b = EeKey.generate();
        assertNotEquals(EeKeySchedule.derive(a, EeKeySchedule.residualLabel(), 64),
                EeKeySchedule.derive(b, EeKeySchedule.residualLabel(), 64));
        assertNotEquals(EeKeySchedule.derive(a, EeKeySchedule.mlpLabel(0), 64),
                EeKeySchedule.derive(a, EeKeySchedule.mlpLabel(1), 64));
        assertEquals(EeKeySchedule.derive(a, EeKeySchedule.mlpLabel(0), 64),
                EeKeySchedule.derive(EeKey.ofSecret(a.secret()), EeKeySchedule.mlpLabel(0), 64));
    }

    /** All 24 permutations of 4 elements appear about equally often over 24,000 labels (chi-square, 23 dof). */
    @Test
    void permutationsOfFourAreUniform() {
        EeKey k = vectorKey();
        Map<String, Integer> counts = new HashMap<>();
        int trials = 24_000;
        for (int i = 0; i < trials; i++) {
            counts.merge(Arrays.toString(EeKeySchedule.derive(k, EeKeySchedule.INFO_PREFIX + "test/" + i, 4)
                    .sources()), 1, Integer::sum);
        }
        assertEquals(24, counts.size());
        double expected = trials / 24.0;
        double chi2 = 0;
        for (int c : counts.values()) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        // 23 degrees of freedom: P(chi2 > 60) < 1e-4.
        assertTrue(chi2 < 60, "chi-square " + chi2 + " over " + counts);
    }

    @Test
    void rejectsBadArguments() {
        EeKey k = vectorKey();
        assertThrows(IllegalArgumentException.class, () -> EeKeySchedule.derive(k, EeKeySchedule.vocabLabel(), 0));
        assertThrows(IllegalArgumentException.class, () -> EeKeySchedule.derive(k, "vocab", 5));
    }

    // ---- independent implementation of docs/ee.md, JDK HMAC only ----

    private static byte[] hmac(byte[] key, byte[]... parts) throws Exception {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        for (byte[] p : parts) {
            m.update(p);
        }
        return m.doFinal();
    }

    /** RFC 5869. */
    static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) throws Exception {
        byte[] prk = hmac(salt, ikm);
        ByteArrayOutputStream okm = new ByteArrayOutputStream();
        byte[] t = new byte[0];
        for (int i = 1; okm.size() < length; i++) {
            t = hmac(prk, t, info, new byte[] {(byte) i});
            okm.write(t);
        }
        return Arrays.copyOf(okm.toByteArray(), length);
    }

    /** SP 800-90A HMAC_DRBG (SHA-256), no additional input, no reseed. */
    private static final class HmacDrbg {
        private byte[] key = new byte[32];
        private byte[] v = new byte[32];

        HmacDrbg(byte[] seedMaterial) throws Exception {
            Arrays.fill(v, (byte) 1);
            update(seedMaterial);
        }

        private void update(byte[] provided) throws Exception {
            key = hmac(key, v, new byte[] {0}, provided);
            v = hmac(key, v);
            if (provided.length > 0) {
                key = hmac(key, v, new byte[] {1}, provided);
                v = hmac(key, v);
            }
        }

        byte[] generate(int n) throws Exception {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (out.size() < n) {
                v = hmac(key, v);
                out.write(v);
            }
            update(new byte[0]);
            return Arrays.copyOf(out.toByteArray(), n);
        }
    }

    private static int[] independent(byte[] secret, String label, int n) throws Exception {
        byte[] info = label.getBytes(StandardCharsets.UTF_8);
        byte[] okm = hkdf(secret, "cipherformer-ee/v1".getBytes(StandardCharsets.UTF_8), info, 48);
        ByteArrayOutputStream seed = new ByteArrayOutputStream();
        seed.write(okm, 0, 48); // entropy_input (32) || nonce (16)
        seed.write(info);       // || personalization_string
        HmacDrbg drbg = new HmacDrbg(seed.toByteArray());
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i >= 1; i--) {
            long bound = i + 1;
            long limit = (1L << 32) - (1L << 32) % bound;
            long u;
            do {
                byte[] w = drbg.generate(4);
                u = ((w[0] & 0xFFL) << 24) | ((w[1] & 0xFFL) << 16) | ((w[2] & 0xFFL) << 8) | (w[3] & 0xFFL);
            } while (u >= limit);
            int j = (int) (u % bound);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
