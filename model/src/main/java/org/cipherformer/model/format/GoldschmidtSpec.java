package org.cipherformer.model.format;

/**
 * Configuration of the Goldschmidt inverse used by Power-Softmax: its domain and iteration count.
 *
 * @param domain     inputs the inverse is designed for; needs {@code lo > 0} (the iteration converges on
 *                   {@code (0, lo + hi)})
 * @param iterations number of squaring steps, {@code >= 1}
 */
public record GoldschmidtSpec(Domain domain, int iterations) {
    /** Upper bound on iterations; each costs one multiplicative level under CKKS, so more is never sensible. */
    public static final int MAX_ITERATIONS = 64;

    /** @throws IllegalArgumentException if the domain is missing or not positive, or iterations out of range */
    public GoldschmidtSpec {
        if (domain == null) {
            throw new IllegalArgumentException("domain is missing");
        }
        if (!(domain.lo() > 0)) {
            throw new IllegalArgumentException("domain lo must be > 0 for the Goldschmidt inverse, got " + domain.lo());
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be in [1, " + MAX_ITERATIONS + "], got " + iterations);
        }
    }
}
