package org.cipherformer.he.io;

import java.util.Objects;
import org.cipherformer.he.ParmsId;

/**
 * The fields of a SEAL {@code Ciphertext} (also of a {@code PublicKey} and of each key inside key-switching keys),
 * in SEAL 4.1's serialized member order: parms_id (4 × uint64), is_ntt_form (1 byte), size (uint64),
 * poly_modulus_degree (uint64), coeff_modulus_size (uint64), scale (double), correction_factor (uint64), then the
 * coefficient array as a nested DynArray object (16-byte header, uint64 count, count words), then — only for a
 * seeded ciphertext — the nested UniformRandomGeneratorInfo object ({@link PrngSeed}).
 *
 * <p>Layout of {@code data}: polynomial-major, then limb, then coefficient:
 * {@code data[(p * coeffModulusSize + j) * polyModulusDegree + i]} is coefficient i of polynomial p modulo q_j.
 *
 * <p><b>Seeded ciphertexts.</b> SEAL's symmetric encryptions and keys can be saved "seeded": in memory SEAL marks
 * c1 with the word 0xFFFFFFFFFFFFFFFF followed by the serialized PRNG info, and on save it writes a DynArray of
 * only the first half (c0, N·k words) followed by the PRNG info object. The loader recognises the seeded case by
 * that half-length array (only for size 2). Here a seeded ciphertext has {@code seed != null}, {@code size == 2}
 * and {@code data} holding c0 only ({@code N·k} words); <b>c1 is not expanded</b> — the native layer expands it
 * from the seed (SEAL's Ciphertext::expand_seed) when it converts this record to a native ciphertext.
 *
 * @param parmsId the level
 * @param nttForm SEAL's is_ntt_form (always true for CKKS data produced by SEAL)
 * @param size number of polynomials, 2..16
 * @param polyModulusDegree N
 * @param coeffModulusSize number of primes at the level
 * @param scale the CKKS scale
 * @param correctionFactor SEAL's correction_factor (1 for CKKS)
 * @param data the words (shared, not copied): size·k·N of them, or k·N when seeded
 * @param seed the PRNG info for c1 of a seeded ciphertext, else null
 */
public record CiphertextData(
    ParmsId parmsId,
    boolean nttForm,
    int size,
    int polyModulusDegree,
    int coeffModulusSize,
    double scale,
    long correctionFactor,
    long[] data,
    PrngSeed seed) {
  public CiphertextData {
    Objects.requireNonNull(parmsId, "parmsId");
    long polyWords = (long) polyModulusDegree * coeffModulusSize;
    long expected = seed == null ? polyWords * size : polyWords;
    if (seed != null && size != 2) {
      throw new IllegalArgumentException("a seeded ciphertext has size 2, got " + size);
    }
    if (data.length != expected) {
      throw new IllegalArgumentException(
          "ciphertext data has " + data.length + " words, expected " + expected + (seed == null ? "" : " (c0 only)"));
    }
  }

  /** True if c1 is given by a seed (see the class comment). */
  public boolean isSeeded() {
    return seed != null;
  }
}
