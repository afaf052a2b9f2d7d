package org.cipherformer.he.io;

/**
 * SEAL 4.x's 16-byte {@code SEALHeader}, little-endian: magic 0xA15E (uint16, bytes 5E A1), header size 0x10
 * (uint8), version major (uint8, 4), version minor (uint8, 1), compression mode (uint8, {@link ComprMode}),
 * reserved (uint16, 0), total size in bytes of the object including this header (uint64). Every serialized SEAL
 * object starts with one, and so does every nested object inside one.
 *
 * @param versionMajor SEAL major version that wrote it
 * @param versionMinor SEAL minor version that wrote it
 * @param comprMode compression of the bytes after the header
 * @param size total size of the object, header included (for a compressed object, the compressed size)
 */
public record SealHeader(int versionMajor, int versionMinor, ComprMode comprMode, long size) {
  /** The magic number, read as a little-endian uint16. */
  public static final int MAGIC = 0xA15E;
  /** Size of the header in bytes. */
  public static final int SIZE = 16;
  /** Version this code writes. */
  public static final int VERSION_MAJOR = 4;
  /** Version this code writes. */
  public static final int VERSION_MINOR = 1;

  /** A header for an object of {@code size} bytes written by this code (SEAL 4.1 format). */
  public static SealHeader of(ComprMode mode, long size) {
    return new SealHeader(VERSION_MAJOR, VERSION_MINOR, mode, size);
  }

  /**
   * Parses and validates 16 header bytes.
   *
   * <p>Accepted: magic 0xA15E, header size 16, version 4.0 or 4.1 (the member formats of 4.0 and 4.1 are the same;
   * SEAL 3.x objects are refused), a known compression mode, reserved 0, total size at least 16.
   *
   * @throws SealFormatException naming the first field that is wrong
   */
  public static SealHeader parse(byte[] b, int off) throws SealFormatException {
    int magic = (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    if (magic != MAGIC) {
      throw new SealFormatException(String.format("bad SEAL magic 0x%04X (expected 0xA15E)", magic));
    }
    int headerSize = b[off + 2] & 0xFF;
    if (headerSize != SIZE) {
      throw new SealFormatException("bad SEAL header size " + headerSize + " (expected 16)");
    }
    int major = b[off + 3] & 0xFF;
    int minor = b[off + 4] & 0xFF;
    if (major != VERSION_MAJOR || minor > VERSION_MINOR) {
      throw new SealFormatException(
          "unsupported SEAL version " + major + "." + minor + " (this reader accepts 4.0 and 4.1)");
    }
    int modeByte = b[off + 5] & 0xFF;
    ComprMode mode = ComprMode.fromValue(modeByte);
    if (mode == null) {
      throw new SealFormatException("unknown SEAL compression mode " + modeByte + " (0 none, 1 zlib, 2 zstd)");
    }
    int reserved = (b[off + 6] & 0xFF) | (b[off + 7] & 0xFF) << 8;
    if (reserved != 0) {
      throw new SealFormatException("SEAL header reserved field is " + reserved + ", expected 0");
    }
    long size = 0;
    for (int i = 7; i >= 0; i--) {
      size = (size << 8) | (b[off + 8 + i] & 0xFFL);
    }
    if (Long.compareUnsigned(size, SIZE) < 0) {
      throw new SealFormatException(
          "SEAL header total size " + Long.toUnsignedString(size) + " is smaller than the 16-byte header");
    }
    return new SealHeader(major, minor, mode, size);
  }

  /** Writes the 16 header bytes into {@code b} at {@code off}. */
  public void writeTo(byte[] b, int off) {
    b[off] = (byte) MAGIC;
    b[off + 1] = (byte) (MAGIC >>> 8);
    b[off + 2] = SIZE;
    b[off + 3] = (byte) versionMajor;
    b[off + 4] = (byte) versionMinor;
    b[off + 5] = (byte) comprMode.value();
    b[off + 6] = 0;
    b[off + 7] = 0;
    for (int i = 0; i < 8; i++) {
      b[off + 8 + i] = (byte) (size >>> (8 * i));
    }
  }
}
