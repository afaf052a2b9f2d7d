package org.cipherformer.threats;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What one run of the threat suite uses.
 *
 * @param models   directory holding the shipped models (tiny-lm, tiny-lm-original, vit-fmnist, vit-fmnist-original)
 * @param fortunes fortune directory (Debian package fortunes)
 * @param quick    the test-suite size of every piece ({@code Settings.quick()}) instead of the documented full run
 * @param seed     a seed for the pieces that accept one and for the defender's EE key; empty: fresh randomness
 * @param key      the defender's EE key (fresh from SecureRandom unless a seed is given; see {@link #keyFor})
 * @param baseline sizes of T1/T2/T4 (quick or full, possibly overridden on the command line)
 */
public record RunOptions(Path models, Path fortunes, boolean quick, OptionalLong seed,
                         org.cipherformer.model.ee.EeKey key, BaselineEeAttacks.Settings baseline) {
    /**
     * The defender's EE key of a run: fresh from {@code SecureRandom}, or, when the analyst asks for a reproducible
     * run with {@code --seed}, SHA-256 of a fixed label and the seed. A seeded key is an analysis convenience only:
     * it is guessable from the seed and must never protect a real model.
     *
     * @param seed the run's seed, if any
     * @return the key
     */
    public static org.cipherformer.model.ee.EeKey keyFor(OptionalLong seed) {
        if (seed.isEmpty()) {
            return org.cipherformer.model.ee.EeKey.generate();
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] secret = sha.digest(("cipherformer-threats/seeded-analysis-key/" + seed.getAsLong())
                    .getBytes(StandardCharsets.UTF_8));
            return org.cipherformer.model.ee.EeKey.ofSecret(secret);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** @return the options as report entries (the key's public id only, never key material) */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", quick ? "quick" : "full");
        m.put("seed", seed.isPresent() ? (Object) seed.getAsLong() : "none (fresh randomness)");
        m.put("ee_key_id", key.keyId());
        m.put("models", models.toString());
        m.put("fortunes", fortunes.toString());
        m.put("t2_queries", baseline.t2Queries());
        m.put("t4_observed", java.util.Arrays.toString(baseline.observed()));
        m.put("t4_refine_seconds", baseline.refinement().secondsPerRun());
        m.put("t4_window", baseline.refinement().baseWindow());
        return m;
    }
}
