package org.cipherformer.he.io;

import java.util.Arrays;
import org.cipherformer.he.ParmsId;

/** Little-endian writer of SEAL members into a growing byte array. */
final class SealOutput {
  private byte[] buf;
  private int length;

  SealOutput(int initialCapacity) {
    buf = new byte[Math.max(64, initialCapacity)];
  }

  int length() {
    return length;
  }

  byte[] buffer() {
    return buf;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, length);
  }

  private void ensure(int more) {
    long need = (long) length + more;
    if (need > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("serialized object exceeds 2 GiB");
    }
    if (need > buf.length) {
      buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, 2L * buf.length)));
    }
  }

  void writeU8(int v) {
    ensure(1);
    buf[length++] = (byte) v;
  }

  void writeU64(long v) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[length++] = (byte) (v >>> (8 * i));
    }
  }

  void writeDouble(double d) {
    writeU64(Double.doubleToRawLongBits(d));
  }

  void writeParmsId(ParmsId p) {
    writeU64(p.w0());
    writeU64(p.w1());
    writeU64(p.w2());
    writeU64(p.w3());
  }

  void writeWords(long[] words, int off, int count) {
    ensure(8 * count);
    for (int w = 0; w < count; w++) {
      long v = words[off + w];
      for (int i = 0; i < 8; i++) {
        buf[length++] = (byte) (v >>> (8 * i));
      }
    }
  }

  /** Reserves 16 bytes for a nested header; returns its offset for {@link #finishNestedHeader}. */
  int startNestedHeader() {
    ensure(SealHeader.SIZE);
    int at = length;
    length += SealHeader.SIZE;
    return at;
  }

  /** Fills a nested (uncompressed) header whose object spans from {@code at} to the current end. */
  void finishNestedHeader(int at) {
    SealHeader.of(ComprMode.NONE, length - at).writeTo(buf, at);
  }
}
