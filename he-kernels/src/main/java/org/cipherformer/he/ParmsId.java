package org.cipherformer.he;

import java.util.Locale;

/**
 * SEAL's {@code parms_id_type}: four 64-bit words, the BLAKE2b-256 hash of an {@link EncryptionParameters}
 * (see {@link EncryptionParameters#parmsId()}). Serialized as the four words, each little-endian. The all-zero
 * value is SEAL's {@code parms_id_zero}, which a Plaintext uses to say "not in NTT form".
 */
public record ParmsId(long w0, long w1, long w2, long w3) {
  /** SEAL's parms_id_zero. */
  public static final ParmsId ZERO = new ParmsId(0, 0, 0, 0);

  /** Builds a ParmsId from four words, as in {@code parms_id_type{w0, w1, w2, w3}}. */
  public static ParmsId of(long[] words) {
    if (words.length != 4) {
      throw new IllegalArgumentException("a parms_id has 4 words, got " + words.length);
    }
    return new ParmsId(words[0], words[1], words[2], words[3]);
  }

  /** The four words. */
  public long[] words() {
    return new long[] {w0, w1, w2, w3};
  }

  /** True for SEAL's parms_id_zero. */
  public boolean isZero() {
    return (w0 | w1 | w2 | w3) == 0;
  }

  /** The four words as 16-digit lowercase hex, separated by spaces (word 0 first). */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%016x %016x %016x %016x", w0, w1, w2, w3);
  }
}
