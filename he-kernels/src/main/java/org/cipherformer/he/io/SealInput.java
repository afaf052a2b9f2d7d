package org.cipherformer.he.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.cipherformer.he.ParmsId;

/**
 * Little-endian reader of SEAL members over a stream that is already bounded to the object's bytes. Counts the
 * bytes it consumed (for the nested headers' size checks); end of stream anywhere is a truncation error.
 */
final class SealInput {
  private static final int CHUNK_WORDS = 8192;
  private final InputStream in;
  private final String what;
  private long position;
  private final byte[] small = new byte[SealHeader.SIZE];
  private byte[] chunk;

  SealInput(InputStream in, String what) {
    this.in = in;
    this.what = what;
  }

  /** Bytes consumed so far (relative to the start of the member stream). */
  long position() {
    return position;
  }

  void readFully(byte[] b, int off, int len) throws IOException {
    int done = 0;
    while (done < len) {
      int r = in.read(b, off + done, len - done);
      if (r < 0) {
        throw new SealFormatException(
            "truncated " + what + ": stream ended at byte " + (position + done) + " of the members, "
                + (len - done) + " more bytes needed");
      }
      done += r;
    }
    position += len;
  }

  int readU8() throws IOException {
    readFully(small, 0, 1);
    return small[0] & 0xFF;
  }

  long readU64() throws IOException {
    readFully(small, 0, 8);
    return getLong(small, 0);
  }

  double readDouble() throws IOException {
    return Double.longBitsToDouble(readU64());
  }

  ParmsId readParmsId() throws IOException {
    return new ParmsId(readU64(), readU64(), readU64(), readU64());
  }

  /** Reads a nested object's header; nested objects are always uncompressed in SEAL's output. */
  SealHeader readNestedHeader(String nested) throws IOException {
    byte[] h = new byte[SealHeader.SIZE];
    readFully(h, 0, h.length);
    SealHeader header;
    try {
      header = SealHeader.parse(h, 0);
    } catch (SealFormatException e) {
      throw new SealFormatException(nested + " inside " + what + ": " + e.getMessage());
    }
    if (header.comprMode() != ComprMode.NONE) {
      throw new SealFormatException(
          nested + " inside " + what + " is compressed (" + header.comprMode() + "); SEAL nests objects uncompressed");
    }
    return header;
  }

  /**
   * Reads {@code count} words into {@code dst}, checking word i of limb j (j = (i / n) mod k) is below
   * {@code moduli[j]}.
   */
  void readWordsBelowModuli(long[] dst, int n, long[] moduli, String field) throws IOException {
    if (chunk == null) {
      chunk = new byte[CHUNK_WORDS * 8];
    }
    int k = moduli.length;
    int done = 0;
    while (done < dst.length) {
      int words = Math.min(CHUNK_WORDS, dst.length - done);
      readFully(chunk, 0, words * 8);
      ByteBuffer bb = ByteBuffer.wrap(chunk, 0, words * 8).order(ByteOrder.LITTLE_ENDIAN);
      for (int w = 0; w < words; w++) {
        long v = bb.getLong();
        int idx = done + w;
        long q = moduli[(idx / n) % k];
        if (Long.compareUnsigned(v, q) >= 0) {
          int poly = idx / n / k;
          throw new SealFormatException(
              what + " " + field + ": coefficient " + (idx % n) + " of polynomial " + poly + " limb "
                  + ((idx / n) % k) + " is " + Long.toUnsignedString(v) + ", not below q = " + q);
        }
        dst[idx] = v;
      }
      done += words;
    }
  }

  static long getLong(byte[] b, int off) {
    long r = 0;
    for (int i = 7; i >= 0; i--) {
      r = (r << 8) | (b[off + i] & 0xFFL);
    }
    return r;
  }
}
