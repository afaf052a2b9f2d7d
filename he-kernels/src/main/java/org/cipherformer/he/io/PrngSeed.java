package org.cipherformer.he.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * SEAL's {@code UniformRandomGeneratorInfo}: the PRNG type and the 512-bit seed from which the second polynomial
 * c1 (the uniform "a") of a seeded ciphertext or key is expanded.
 *
 * <p>Serialized as a nested SEAL object: 16-byte header (uncompressed, size 81), one byte {@link PrngType}, then the
 * 8 seed words (64 bytes, little-endian). Expansion (done natively, not here): a fresh PRNG of that type seeded
 * with these words fills c1 limb by limb with SEAL's {@code sample_poly_uniform} (rejection sampling of 64-bit
 * words, then reduction mod q_j), which for CKKS is c1 in NTT form.
 *
 * @param type the PRNG
 * @param seed the 8 seed words (shared, not copied)
 */
public record PrngSeed(PrngType type, long[] seed) {
  /** Number of 64-bit words in a seed (SEAL's prng_seed_uint64_count). */
  public static final int SEED_WORDS = 8;

  public PrngSeed {
    Objects.requireNonNull(type, "type");
    if (seed.length != SEED_WORDS) {
      throw new IllegalArgumentException("a PRNG seed has 8 words, got " + seed.length);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrngSeed p && p.type == type && Arrays.equals(p.seed, seed);
  }

  @Override
  public int hashCode() {
    return 31 * type.hashCode() + Arrays.hashCode(seed);
  }

  @Override
  public String toString() {
    return "PrngSeed[" + type + "]";
  }
}
