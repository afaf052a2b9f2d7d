package org.cipherformer.he;

/**
 * The homomorphic encryption scheme of an {@link EncryptionParameters}; the byte values are SEAL's
 * ({@code enum class scheme_type : std::uint8_t}), written as the first byte of serialized parameters and as
 * the first word hashed into a {@code parms_id}.
 */
public enum SchemeType {
  NONE(0),
  BFV(1),
  CKKS(2),
  BGV(3);

  private final int value;

  SchemeType(int value) {
    this.value = value;
  }

  /** SEAL's byte value of this scheme. */
  public int value() {
    return value;
  }

  /**
   * The scheme with SEAL byte value {@code value}.
   *
   * @throws IllegalArgumentException if no scheme has that value
   */
  public static SchemeType fromValue(int value) {
    for (SchemeType s : values()) {
      if (s.value == value) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown scheme type value " + value + " (SEAL knows 0..3)");
  }
}
