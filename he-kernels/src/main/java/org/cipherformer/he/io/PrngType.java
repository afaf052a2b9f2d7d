package org.cipherformer.he.io;

/** SEAL's {@code prng_type} byte in a UniformRandomGeneratorInfo. */
public enum PrngType {
  /** BLAKE2Xb-based PRNG: SEAL's default. */
  BLAKE2XB(1),
  /** SHAKE256-based PRNG. */
  SHAKE256(2);

  private final int value;

  PrngType(int value) {
    this.value = value;
  }

  /** SEAL's byte value. */
  public int value() {
    return value;
  }

  /** The type with this byte value, or null ({@code 0 = unknown} is refused: such a seed cannot be expanded). */
  static PrngType fromValue(int value) {
    for (PrngType t : values()) {
      if (t.value == value) {
        return t;
      }
    }
    return null;
  }
}
