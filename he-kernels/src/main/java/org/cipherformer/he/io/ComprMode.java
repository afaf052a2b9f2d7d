package org.cipherformer.he.io;

/**
 * SEAL's {@code compr_mode_type}: how the bytes after the 16-byte header are compressed. SEAL compresses the whole
 * member stream of the outer object once; nested objects (moduli, the coefficient array, the PRNG info, the public
 * keys inside key-switching keys) are always written uncompressed inside it.
 */
public enum ComprMode {
  /** No compression. */
  NONE(0),
  /** zlib stream (RFC 1950: 2-byte header, deflate data, Adler-32), as written by zlib's deflate(). */
  ZLIB(1),
  /** Zstandard frame(s) (RFC 8878). node-seal's default for save(). */
  ZSTD(2);

  private final int value;

  ComprMode(int value) {
    this.value = value;
  }

  /** SEAL's byte value. */
  public int value() {
    return value;
  }

  /** The mode with this byte value, or null if SEAL has none. */
  static ComprMode fromValue(int value) {
    for (ComprMode m : values()) {
      if (m.value == value) {
        return m;
      }
    }
    return null;
  }
}
