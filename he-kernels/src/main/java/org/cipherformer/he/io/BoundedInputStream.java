package org.cipherformer.he.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * A view of at most {@code limit} bytes of another stream. Two flavours: a window over the caller's stream (end of
 * window = end of data) and a guard over a decompressor (producing more than the limit is an error, so a
 * compression bomb is stopped after at most limit + one buffer of output, never inflated in full).
 */
final class BoundedInputStream extends InputStream {
  private final InputStream in;
  private final long limit;
  private final String overflowMessage;
  private long consumed;

  /**
   * @param overflowMessage null for a plain window (reads past the limit return end of stream), else the message
   *     of the SealFormatException thrown when the source has more than {@code limit} bytes
   */
  BoundedInputStream(InputStream in, long limit, String overflowMessage) {
    this.in = in;
    this.limit = limit;
    this.overflowMessage = overflowMessage;
  }

  long consumed() {
    return consumed;
  }

  long remaining() {
    return limit - consumed;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int r = read(one, 0, 1);
    return r < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (consumed >= limit) {
      if (overflowMessage == null) {
        return -1;
      }
      // Probe one byte: if the source still has data, it is over the bound.
      int probe = in.read();
      if (probe < 0) {
        return -1;
      }
      throw new SealFormatException(overflowMessage);
    }
    int want = (int) Math.min(len, limit - consumed);
    int r = in.read(b, off, want);
    if (r > 0) {
      consumed += r;
    }
    return r;
  }
}
