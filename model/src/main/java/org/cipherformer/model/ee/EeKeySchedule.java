package org.cipherformer.model.ee;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.prng.EntropySource;
import org.bouncycastle.crypto.prng.drbg.HMacSP800DRBG;

/**
 * Derivation of EE permutations from an {@link EeKey}, version 1 (docs/ee.md). For a label {@code L} (e.g.
 * {@code cipherformer-ee/v1/residual}) and a size {@code n}:
 * <ol>
 * <li>{@code okm = HKDF-SHA256(IKM = secret, salt = UTF-8 "cipherformer-ee/v1", info = UTF-8 L, length = 48)}
 * (RFC 5869).</li>
 * <li>An SP 800-90A HMAC_DRBG with SHA-256, security strength 256, is instantiated with
 * {@code entropy_input = okm[0..32)}, {@code nonce = okm[32..48)}, {@code personalization_string = UTF-8 L}.</li>
 * <li>A bounded integer {@code uniform(m)}, {@code 1 <= m <= 2^31}: one {@code Generate} call of 4 bytes (no
 * additional input, no prediction resistance) read as a big-endian unsigned 32-bit {@code u}; if
 * {@code u >= 2^32 - (2^32 mod m)} draw again (rejection: no modulo bias), else return {@code u mod m}.</li>
 * <li>Fisher–Yates: {@code a = [0, 1, ..., n-1]}; for {@code i = n-1} down to 1: {@code j = uniform(i+1)}, swap
 * {@code a[i]} and {@code a[j]}. The result is the {@link Permutation} with {@code source = a}.</li>
 * </ol>
 * Labels name what is permuted, so distinct permutations are independent; a label never repeats within a model.
 * Changing any step is a new version (new labels {@code cipherformer-ee/v2/...}): keys and transformed models of v1
 * must keep working, and {@code EeKeyScheduleTest} pins test vectors so the procedure cannot drift silently.
 */
public final class EeKeySchedule {
    /** Version tag: the prefix of every label and the HKDF salt. */
    public static final String VERSION = "cipherformer-ee/v1";
    /** Prefix of every label. */
    public static final String INFO_PREFIX = VERSION + "/";

    private static final int SEED_BYTES = 32;
    private static final int NONCE_BYTES = 16;
    private static final int SECURITY_STRENGTH = 256;

    private EeKeySchedule() {
    }

    /** Label of the vocabulary permutation (LM; special tokens included). */
    public static String vocabLabel() {
        return INFO_PREFIX + "vocab";
    }

    /** Label of the residual-stream permutation. */
    public static String residualLabel() {
        return INFO_PREFIX + "residual";
    }

    /** Label of the class permutation (ViT outputs). */
    public static String classesLabel() {
        return INFO_PREFIX + "classes";
    }

    /** Label of the permutation of values inside one patch (pixels x channels, shared by all patches). */
    public static String patchPixelsLabel() {
        return INFO_PREFIX + "patch-pixels";
    }

    /** Label of the permutation of patch positions (ViT). */
    public static String patchPositionsLabel() {
        return INFO_PREFIX + "patch-positions";
    }

    /** Label of the MLP hidden-unit permutation of a layer. */
    public static String mlpLabel(int layer) {
        return INFO_PREFIX + "mlp/layer" + layer;
    }

    /** Label of the head permutation of a layer. */
    public static String headsLabel(int layer) {
        return INFO_PREFIX + "heads/layer" + layer;
    }

    /** Label of the query/key dimension permutation of one (original) head. */
    public static String queryKeyLabel(int layer, int head) {
        return INFO_PREFIX + "head-dim/layer" + layer + "/head" + head + "/qk";
    }

    /** Label of the value/output-projection dimension permutation of one (original) head. */
    public static String valueOutLabel(int layer, int head) {
        return INFO_PREFIX + "head-dim/layer" + layer + "/head" + head + "/vo";
    }

    /**
     * Derives the permutation of a label.
     *
     * @param key   the EE key
     * @param label a label (one of the {@code *Label} methods)
     * @param n     size, {@code >= 1}
     * @return the permutation of {@code 0..n-1}
     * @throws IllegalArgumentException if n is not positive or the label lacks the version prefix
     */
    public static Permutation derive(EeKey key, String label, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("permutation size must be >= 1, got " + n);
        }
        if (!label.startsWith(INFO_PREFIX)) {
            throw new IllegalArgumentException("label \"" + label + "\" does not start with " + INFO_PREFIX);
        }
        BoundedDraws draws = new BoundedDraws(key, label);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i >= 1; i--) {
            int j = draws.uniform(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return new Permutation(a);
    }

    /** HKDF-SHA256 with the version salt: {@code length} bytes for {@code info}. */
    static byte[] hkdf(EeKey key, String info, int length) {
        byte[] secret = key.secret();
        try {
            HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
            g.init(new HKDFParameters(secret, VERSION.getBytes(StandardCharsets.UTF_8),
                    info.getBytes(StandardCharsets.UTF_8)));
            byte[] out = new byte[length];
            g.generateBytes(out, 0, length);
            return out;
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The DRBG of one label and its unbiased bounded integers. */
    static final class BoundedDraws {
        private final HMacSP800DRBG drbg;
        private final byte[] word = new byte[4];

        BoundedDraws(EeKey key, String label) {
            byte[] okm = hkdf(key, label, SEED_BYTES + NONCE_BYTES);
            byte[] seed = Arrays.copyOfRange(okm, 0, SEED_BYTES);
            byte[] nonce = Arrays.copyOfRange(okm, SEED_BYTES, SEED_BYTES + NONCE_BYTES);
            Arrays.fill(okm, (byte) 0);
            drbg = new HMacSP800DRBG(new HMac(new SHA256Digest()), SECURITY_STRENGTH, new OneShotEntropy(seed),
                    label.getBytes(StandardCharsets.UTF_8), nonce);
            Arrays.fill(seed, (byte) 0);
        }

        /** @return a uniform integer in {@code [0, bound)}, by rejection of the top partial range */
        int uniform(int bound) {
            if (bound < 1) {
                throw new IllegalArgumentException("bound must be >= 1, got " + bound);
            }
            long range = 1L << 32;
            long limit = range - range % bound;
            while (true) {
                if (drbg.generate(word, null, false) < 0) {
                    // Only after 2^48 requests: never for permutation sizes this format allows.
                    throw new IllegalStateException("DRBG needs a reseed");
                }
                long u = ((word[0] & 0xFFL) << 24) | ((word[1] & 0xFFL) << 16) | ((word[2] & 0xFFL) << 8)
                        | (word[3] & 0xFFL);
                if (u < limit) {
                    return (int) (u % bound);
                }
            }
        }
    }

    /**
     * Supplies the HKDF seed as the DRBG's entropy input, once: the DRBG is a deterministic expander here, so a second
     * request (a reseed) would be a bug and fails loudly instead of silently changing the stream.
     */
    private static final class OneShotEntropy implements EntropySource {
        private byte[] seed;

        OneShotEntropy(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public boolean isPredictionResistant() {
            return false;
        }

        @Override
        public byte[] getEntropy() {
            if (seed == null) {
                throw new IllegalStateException("the EE DRBG asked for entropy twice (reseed): not supported");
            }
            byte[] s = seed;
            seed = null;
            return s;
        }

        @Override
        public int entropySize() {
            return SEED_BYTES * 8;
        }
    }
}
