package org.cipherformer.he.io;

import java.util.Objects;
import org.cipherformer.he.ParmsId;

/**
 * The fields of a SEAL {@code Plaintext} (also the content of a {@code SecretKey}, which SEAL saves as its
 * plaintext), as SEAL 4.1 serializes them: parms_id (4 words), coeff_count (uint64), scale (double), then the
 * coefficient array as a nested DynArray (header, uint64 count, count words).
 *
 * <p>CKKS plaintexts are in NTT form: parms_id is a level's, and {@code data} holds coeff_modulus_size limbs of N
 * words, limb j at {@code data[j*N .. j*N+N)}, each word {@code < q_j}.
 *
 * @param parmsId the level (never zero for CKKS)
 * @param coeffCount number of words, N times the level's number of primes
 * @param scale the CKKS scale (1.0 for a secret key)
 * @param data the words (shared, not copied)
 */
public record PlaintextData(ParmsId parmsId, int coeffCount, double scale, long[] data) {
  public PlaintextData {
    Objects.requireNonNull(parmsId, "parmsId");
    if (data.length != coeffCount) {
      throw new IllegalArgumentException(
          "plaintext data has " + data.length + " words, coeff count says " + coeffCount);
    }
  }
}
