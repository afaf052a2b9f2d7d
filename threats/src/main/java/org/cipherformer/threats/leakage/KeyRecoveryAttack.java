package org.cipherformer.threats.leakage;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.CkksContext;
import org.cipherformer.he.CkksEncoder;
import org.cipherformer.he.CoeffModulus;
import org.cipherformer.he.Complex;
import org.cipherformer.he.Decryptor;
import org.cipherformer.he.EncryptionParameters;
import org.cipherformer.he.Encryptor;
import org.cipherformer.he.Evaluator;
import org.cipherformer.he.FloodingDecryptor;
import org.cipherformer.he.KeyGenerator;
import org.cipherformer.he.NoiseFlooding;
import org.cipherformer.he.Plaintext;
import org.cipherformer.he.PublicKey;
import org.cipherformer.he.RelinKeys;
import org.cipherformer.he.RnsNtt;
import org.cipherformer.he.SecretKey;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.PlaintextData;
import org.cipherformer.he.io.SealFormatException;
import org.cipherformer.he.io.SealReader;
import org.cipherformer.he.io.SealWriter;
import org.cipherformer.threats.AttackResult;

/**
 * L1: Li–Micciancio key recovery (EUROCRYPT 2021) on the real native kernels, once against a raw CKKS decryption and
 * once against the project's mitigation (noise flooding at decryption, {@link FloodingDecryptor}).
 *
 * <p>The defender makes a key, encrypts a random vector with the public key, squares it (relinearize, rescale: the
 * realistic noise of a computation) and decrypts it; the decoded values are released as SEAL's {@code decode} gives
 * them: all N/2 complex slots, real and imaginary parts. (An application that releases only the real parts releases
 * half of it: {@code (m + e)(X) + (m + e)(X^{-1})}, N/2 linear equations in the N unknown key coefficients, which this
 * linear-algebra attack does not solve without lattice reduction.) The attacker holds the ciphertext (as the server
 * does) and the released values: re-encoding them at the ciphertext's level and scale gives the decrypted polynomial
 * {@code m + e} exactly, and {@code s = (m + e - c_0) c_1^{-1}} modulo a prime of the ciphertext's level (pointwise in
 * NTT form; a ciphertext whose {@code c_1} has a zero NTT coefficient is skipped for the next), then centred. Scored
 * against the real key (held by the harness only; no key material is printed or stored): the fraction of key
 * coefficients recovered exactly, the fraction a ternary rounding of the candidate gets right (chance: 1/3), and
 * whether the candidate decrypts other ciphertexts.
 */
public final class KeyRecoveryAttack {
    /** A fresh-key decryption counts as correct when every slot is within this of the encrypted value. */
    static final double DECRYPTION_TOLERANCE = 1e-2;

    /**
     * @param ringDegree      N
     * @param primeBits       coefficient modulus bit sizes (data primes, then the special prime; 128-bit secure)
     * @param scaleBits       log2 of the encoding scale
     * @param ciphertexts     ciphertexts the attacker may use (the first one with an invertible {@code c_1} is used)
     * @param checks          other ciphertexts the recovered key is tried on
     * @param floodingSlotStd the mitigation's width, as the standard deviation it adds to each decoded slot
     * @param seed            seed of the (public) test vectors; keys and noise always come from the CSPRNG
     */
    public record Settings(int ringDegree, int[] primeBits, int scaleBits, int ciphertexts, int checks,
                           double floodingSlotStd, long seed) {
        /** N = 4096, primes 39 + 30 + 40 = 109 bits (the 128-bit limit), scale 2^30: about a second. */
        public static Settings quick() {
            return new Settings(4096, new int[] {39, 30, 40}, 30, 4, 3, DEFAULT_FLOODING_SLOT_STD, 1);
        }

        /** N = 8192, primes 50 + 40 + 40 + 60 = 190 bits (limit 218), scale 2^40. */
        public static Settings full() {
            return new Settings(8192, new int[] {50, 40, 40, 60}, 40, 8, 8, DEFAULT_FLOODING_SLOT_STD, 1);
        }
    }

    /** The flooding width of the demo: the client library's default for released results (docs/ckks-leakage.md). */
    public static final double DEFAULT_FLOODING_SLOT_STD = 0.01;

    private KeyRecoveryAttack() {
    }

    /**
     * Runs the attack on a raw and on a flooded decryption.
     *
     * @return two rows with id L1: "raw" and "flooded"
     */
    public static List<AttackResult> run(Settings s, Consumer<String> progress) throws Exception {
        List<AttackResult> rows = new ArrayList<>();
        for (boolean flooded : new boolean[] {false, true}) {
            progress.accept("L1: key recovery from a " + (flooded ? "flooded" : "raw") + " decryption, N = "
                + s.ringDegree());
            rows.add(runOne(s, flooded));
        }
        return rows;
    }

    private static AttackResult runOne(Settings s, boolean flooded) throws SealFormatException {
        int n = s.ringDegree();
        double scale = Math.pow(2, s.scaleBits());
        EncryptionParameters parms = EncryptionParameters.ckks(n, CoeffModulus.create(n, s.primeBits()));
        Random vectors = new Random(s.seed());
        try (CkksContext ctx = CkksContext.create(parms);
             KeyGenerator keygen = new KeyGenerator(ctx);
             PublicKey pk = keygen.createPublicKey();
             RelinKeys rk = keygen.createRelinKeys();
             CkksEncoder encoder = new CkksEncoder(ctx);
             Encryptor encryptor = new Encryptor(ctx, pk);
             Evaluator evaluator = new Evaluator(ctx)) {
            SecretKey sk = keygen.secretKey();
            double sigma = 0;
            long[] candidate = null;
            int used = -1;
            long attackNanos = 0;
            int level = -1;
            for (int t = 0; t < s.ciphertexts() && candidate == null; t++) {
                // Defender: encrypt, square, relinearize, rescale; decrypt and release the decoded slots.
                double[] x = randomVector(vectors, n / 2);
                try (Plaintext p = encoder.encode(x, ctx.firstLevel(), scale);
                     Ciphertext c = encryptor.encrypt(p)) {
                    evaluator.squareInplace(c);
                    evaluator.relinearizeInplace(c, rk);
                    evaluator.rescaleToNextInplace(c);
                    level = c.level();
                    Complex[] released;
                    if (flooded) {
                        sigma = NoiseFlooding.sigmaForSlotStandardDeviation(s.floodingSlotStd(), n, c.scale());
                        try (FloodingDecryptor d = new FloodingDecryptor(ctx, sk, sigma);
                             Plaintext m = d.decrypt(c)) {
                            released = encoder.decodeComplex(m);
                        }
                    } else {
                        try (Decryptor d = new Decryptor(ctx, sk); Plaintext m = d.decrypt(c)) {
                            released = encoder.decodeComplex(m);
                        }
                    }
                    // Attacker: the ciphertext (public: the server holds it) and the released values.
                    long t0 = System.nanoTime();
                    candidate = recoverKey(ctx, encoder, c.data(), c.level(), c.scale(), released);
                    attackNanos += System.nanoTime() - t0;
                    used = t;
                }
            }
            long[] truth = centeredKey(ctx, sk);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("flooding_sigma", sigma);
            metrics.put("flooding_slot_std", flooded ? s.floodingSlotStd() : 0.0);
            metrics.put("ring_degree", n);
            metrics.put("modulus_bits", sum(s.primeBits()));
            metrics.put("ciphertext_level", level);
            metrics.put("ciphertexts_tried", used + 1);
            if (candidate == null) {
                metrics.put("key_coefficients_recovered", 0.0);
                metrics.put("ternary_guess_recovered", 0.0);
                metrics.put("decryptions_recovered", 0.0);
                metrics.put("key_recovered", 0);
            } else {
                int exact = 0;
                int ternary = 0;
                for (int j = 0; j < n; j++) {
                    exact += candidate[j] == truth[j] ? 1 : 0;
                    ternary += Long.signum(candidate[j]) == truth[j] ? 1 : 0;
                }
                metrics.put("key_coefficients_recovered", exact / (double) n);
                metrics.put("ternary_guess_recovered", ternary / (double) n);
                metrics.put("decryptions_recovered",
                    decryptsOthers(ctx, encoder, encryptor, candidate, s.checks(), vectors, scale));
                metrics.put("key_recovered", exact == n ? 1 : 0);
            }
            metrics.put("chance_ternary", 1.0 / 3);
            return new AttackResult("L1", "Li–Micciancio key recovery from one " + (flooded ? "flooded" : "raw")
                + " CKKS decryption", "N=" + n + " " + java.util.Arrays.toString(s.primeBits()),
                "one ciphertext (c0, c1) and its released decoded values (all N/2 complex slots); public parameters",
                (used + 1) + " ciphertext(s) after square + relinearize + rescale, level " + level
                    + (flooded ? ", decrypted with flooding sigma " + String.format("%.3g", sigma) : ", raw"),
                metrics, attackNanos / 1e9);
        }
    }

    /**
     * The attacker's computation: {@code s = (m + e - c_0) c_1^{-1}} modulo prime 0 in NTT form, centred coefficients.
     *
     * @param data     the ciphertext's words (SEAL layout: polynomial, limb, coefficient)
     * @param released the decoded complex slots
     * @return the candidate key's centred coefficients, or null if {@code c_1} is not invertible modulo prime 0
     */
    static long[] recoverKey(CkksContext ctx, CkksEncoder encoder, long[] data, int level, double scale,
                             Complex[] released) {
        int n = ctx.polyModulusDegree();
        long q = ctx.parameters().coeffModulus()[0];
        BigInteger bq = BigInteger.valueOf(q);
        long[] decrypted;
        try (Plaintext p = encoder.encode(released, level, scale)) {
            decrypted = p.data(); // limb 0 is the first N words
        }
        int c1 = (level + 1) * n; // polynomial 1, limb 0
        long[] key = new long[n];
        for (int j = 0; j < n; j++) {
            if (data[c1 + j] == 0) {
                return null;
            }
            BigInteger inv = BigInteger.valueOf(data[c1 + j]).modInverse(bq);
            key[j] = BigInteger.valueOf(Math.floorMod(decrypted[j] - data[j], q)).multiply(inv).mod(bq).longValue();
        }
        long[] coefficients = RnsNtt.toCoefficients(ctx, 0, key);
        for (int j = 0; j < n; j++) {
            coefficients[j] = coefficients[j] > q / 2 ? coefficients[j] - q : coefficients[j];
        }
        return coefficients;
    }

    /** The real key's centred coefficients (scoring only). */
    private static long[] centeredKey(CkksContext ctx, SecretKey sk) throws SealFormatException {
        int n = ctx.polyModulusDegree();
        PlaintextData d = new SealReader(ctx.chain()).readSecretKey(sk.save(ComprMode.NONE));
        long[] all = RnsNtt.toCoefficients(ctx, ctx.keyLevel(), d.data());
        long q = ctx.parameters().coeffModulus()[0];
        long[] out = new long[n];
        for (int j = 0; j < n; j++) {
            out[j] = all[j] > q / 2 ? all[j] - q : all[j];
        }
        return out;
    }

    /** Fraction of fresh top-level encryptions that the candidate key decrypts to within the tolerance. */
    private static double decryptsOthers(CkksContext ctx, CkksEncoder encoder, Encryptor encryptor, long[] candidate,
                                         int checks, Random vectors, double scale) throws SealFormatException {
        int n = ctx.polyModulusDegree();
        long[] primes = ctx.parameters().coeffModulus();
        long[] lifted = new long[primes.length * n];
        for (int i = 0; i < primes.length; i++) {
            for (int j = 0; j < n; j++) {
                lifted[i * n + j] = Math.floorMod(candidate[j], primes[i]);
            }
        }
        long[] ntt = RnsNtt.toNtt(ctx, ctx.keyLevel(), lifted);
        byte[] bytes = SealWriter.write(new PlaintextData(ctx.keyParmsId(), ntt.length, 1.0, ntt), ComprMode.NONE);
        int ok = 0;
        try (SecretKey guess = SecretKey.load(ctx, bytes); Decryptor d = new Decryptor(ctx, guess)) {
            for (int t = 0; t < checks; t++) {
                double[] x = randomVector(vectors, n / 2);
                double max;
                try (Plaintext p = encoder.encode(x, ctx.firstLevel(), scale);
                     Ciphertext c = encryptor.encrypt(p);
                     Plaintext m = d.decrypt(c)) {
                    double[] y = encoder.decode(m);
                    max = 0;
                    for (int i = 0; i < x.length; i++) {
                        max = Math.max(max, Math.abs(y[i] - x[i]));
                    }
                }
                ok += max < DECRYPTION_TOLERANCE ? 1 : 0;
            }
        }
        return checks == 0 ? 0 : ok / (double) checks;
    }

    private static double[] randomVector(Random r, int count) {
        double[] x = new double[count];
        for (int i = 0; i < count; i++) {
            x[i] = 2 * r.nextDouble() - 1;
        }
        return x;
    }

    private static int sum(int[] a) {
        int s = 0;
        for (int v : a) {
            s += v;
        }
        return s;
    }
}
