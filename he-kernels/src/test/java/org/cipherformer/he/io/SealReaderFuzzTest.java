package org.cipherformer.he.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.cipherformer.he.ParameterChain;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated inputs to every SealReader entry point: the only exception allowed out is
 * SealFormatException (no unchecked exception, no OutOfMemoryError, no hang).
 */
class SealReaderFuzzTest {
  static final ParameterChain CHAIN = TestObjects.CHAIN;
  static final SealReader READER = new SealReader(CHAIN);
  static final long[] INTERESTING = {0, 1, 2, 3, 16, 17, 4096, 8192, 1L << 31, (1L << 31) - 1, 1L << 32, 1L << 62, 1L << 63, -1};

  @FunctionalInterface
  interface Read {
    Object read(byte[] b) throws SealFormatException;
  }

  static final List<Read> READERS =
      List.of(
          READER::readCiphertext,
          READER::readPlaintext,
          READER::readSecretKey,
          READER::readPublicKey,
          READER::readRelinKeys,
          READER::readGaloisKeys,
          SealReader::readEncryptionParameters);

  /** Uncompressed members of valid objects, index-aligned with READERS. */
  static List<byte[]> validMembers(Random r) {
    List<byte[]> v = new ArrayList<>();
    v.add(SealWriter.write(TestObjects.ciphertext(r, CHAIN.firstDataLevel(), 2), ComprMode.NONE));
    v.add(SealWriter.write(TestObjects.plaintext(r, CHAIN.lastLevel()), ComprMode.NONE));
    v.add(SealWriter.write(TestObjects.plaintext(r, CHAIN.keyLevel()), ComprMode.NONE));
    v.add(SealWriter.write(TestObjects.seededCiphertext(r, CHAIN.keyLevel()), ComprMode.NONE));
    v.add(SealWriter.write(TestObjects.kswitch(r, 1, 0), ComprMode.NONE));
    v.add(SealWriter.write(TestObjects.kswitch(r, 4, 3), ComprMode.NONE));
    v.add(SealWriter.write(CHAIN.keyLevel().parms(), ComprMode.NONE));
    return v;
  }

  private static byte[] mutate(Random r, byte[] b) {
    byte[] m = b.clone();
    switch (r.nextInt(6)) {
      case 0: // flip a few bytes anywhere
        for (int i = 0, k = 1 + r.nextInt(8); i < k && m.length > 0; i++) {
          m[r.nextInt(m.length)] ^= (byte) (1 + r.nextInt(255));
        }
        return m;
      case 1: // an interesting value in a metadata word (first 160 bytes)
        if (m.length >= 24) {
          int off = r.nextInt(Math.min(m.length, 160) - 8);
          ByteBuffer.wrap(m, off, 8).order(ByteOrder.LITTLE_ENDIAN)
              .putLong(INTERESTING[r.nextInt(INTERESTING.length)]);
        }
        return m;
      case 2: // truncate
        return Arrays.copyOf(m, r.nextInt(m.length + 1));
      case 3: // append garbage
        byte[] more = Arrays.copyOf(m, m.length + 1 + r.nextInt(64));
        for (int i = m.length; i < more.length; i++) {
          more[i] = (byte) r.nextInt();
        }
        return more;
      case 4: // header of the right shape, random rest
        byte[] rnd = new byte[16 + r.nextInt(400)];
        r.nextBytes(rnd);
        SealHeader.of(ComprMode.values()[r.nextInt(3)], r.nextBoolean() ? rnd.length : r.nextLong()).writeTo(rnd, 0);
        return rnd;
      default: // pure random bytes
        byte[] any = new byte[r.nextInt(300)];
        r.nextBytes(any);
        return any;
    }
  }

  /** Re-frames uncompressed object bytes with compression (so mutations reach the parser behind valid compression). */
  private static byte[] recompress(byte[] uncompressed, ComprMode mode) {
    if (mode == ComprMode.NONE || uncompressed.length < 16) {
      return uncompressed;
    }
    byte[] body = Arrays.copyOfRange(uncompressed, 16, uncompressed.length);
    byte[] packed =
        mode == ComprMode.ZLIB ? deflate(body) : com.github.luben.zstd.Zstd.compress(body);
    byte[] out = new byte[16 + packed.length];
    System.arraycopy(uncompressed, 0, out, 0, 16);
    out[5] = (byte) mode.value();
    ByteBuffer.wrap(out, 8, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(out.length);
    System.arraycopy(packed, 0, out, 16, packed.length);
    return out;
  }

  private static byte[] deflate(byte[] in) {
    java.util.zip.Deflater d = new java.util.zip.Deflater(1);
    d.setInput(in);
    d.finish();
    byte[] buf = new byte[in.length + 1024];
    int n = d.deflate(buf);
    d.end();
    return Arrays.copyOf(buf, n);
  }

  @Test
  void onlySealFormatExceptionComesOut() {
    Random r = new Random(20261127);
    List<byte[]> valid = validMembers(r);
    int iterations = 3000;
    int refused = 0;
    for (int it = 0; it < iterations; it++) {
      int type = r.nextInt(valid.size());
      ComprMode mode = ComprMode.values()[r.nextInt(3)];
      byte[] input;
      if (r.nextInt(3) == 0) {
        // mutate after compressing
        input = mutate(r, recompress(valid.get(type), mode));
      } else {
        // mutate the members, then compress validly
        input = recompress(mutate(r, valid.get(type)), mode);
      }
      // Mostly the matching reader, sometimes another one (type confusion).
      int readerIndex = r.nextInt(4) == 0 ? r.nextInt(READERS.size()) : type;
      try {
        READERS.get(readerIndex).read(input);
      } catch (SealFormatException e) {
        refused++;
      } catch (Throwable t) {
        fail("iteration " + it + " (type " + type + ", reader " + readerIndex + ", " + mode + ", "
            + input.length + " bytes) threw " + t, t);
      }
    }
    // Most mutations must be caught; a few (e.g. a flipped coefficient bit that stays below q) are valid objects.
    assertTrue(refused > iterations * 0.8, "only " + refused + " of " + iterations + " refused");
  }
}
