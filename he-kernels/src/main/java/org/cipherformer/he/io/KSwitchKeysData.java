package org.cipherformer.he.io;

import java.util.List;
import java.util.Objects;
import org.cipherformer.he.ParmsId;

/**
 * SEAL's {@code KSwitchKeys} (the base of {@code RelinKeys} and {@code GaloisKeys}) as SEAL 4.1 serializes it:
 * parms_id (4 words; the key level's), uint64 outer count, then for each outer entry a uint64 inner count followed
 * by that many PublicKeys, each a complete nested Ciphertext object (own 16-byte header) at the key level, size 2,
 * NTT form, possibly seeded.
 *
 * <p>Outer index: for RelinKeys, {@code power - 2} (so index 0 is the key for s^2); for GaloisKeys,
 * {@code (galois_elt - 1) / 2}, with empty inner lists for the elements that have no key. Inner list: one key per
 * data prime of the key level (the decomposition count, k - 1).
 *
 * @param parmsId the key level's parms_id
 * @param keys outer × inner list of keys (shared, not copied)
 */
public record KSwitchKeysData(ParmsId parmsId, List<List<CiphertextData>> keys) {
  public KSwitchKeysData {
    Objects.requireNonNull(parmsId, "parmsId");
    Objects.requireNonNull(keys, "keys");
  }

  /** Outer index of the Galois key for {@code galoisElt} (SEAL's GaloisKeys::get_index). */
  public static int galoisIndex(int galoisElt) {
    if ((galoisElt & 1) == 0 || galoisElt < 1) {
      throw new IllegalArgumentException("Galois element " + galoisElt + " is not a positive odd number");
    }
    return (galoisElt - 1) >>> 1;
  }

  /** True if there is a key for this Galois element. */
  public boolean hasGaloisKey(int galoisElt) {
    int i = galoisIndex(galoisElt);
    return i < keys.size() && !keys.get(i).isEmpty();
  }
}
