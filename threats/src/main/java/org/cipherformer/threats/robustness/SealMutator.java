package org.cipherformer.threats.robustness;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;

/**
 * Mutations of serialized SEAL 4.1 objects (ciphertexts and key-switching keys) for the fuzzer: the 16-byte
 * SEALHeader (magic 0xA15E at bytes 0-1, header size 0x10 at 2, version 4.1 at 3-4, compression mode at 5 with
 * none = 0, zlib = 1, zstd = 2, reserved 6-7, total size as uint64 LE at 8-15), the members of an uncompressed
 * ciphertext (parms_id at 16, is_ntt_form at 48, size at 49, poly_modulus_degree at 57, coeff_modulus_size at 65,
 * scale at 73, correction_factor at 81, then the coefficient DynArray: its own 16-byte header at 89, count at 105,
 * words from 113), coefficients at or above their prime, truncation, trailing bytes, and decompression bombs (a
 * zlib stream and a zstd frame that inflate to hundreds of megabytes or gigabytes from a few hundred kilobytes).
 */
final class SealMutator {
  static final int HEADER = 16;
  static final int PARMS_ID = 16;
  static final int NTT_FORM = 48;
  static final int SIZE = 49;
  static final int POLY_DEGREE = 57;
  static final int COEFF_COUNT = 65;
  static final int SCALE = 73;
  static final int CORRECTION = 81;
  static final int DYN_COUNT = 105;
  static final int DATA = 113;

  private static final String[] GENERIC = {"header_magic", "header_size_byte", "header_version", "header_compr_mode",
      "header_reserved", "header_total_size", "truncate", "trailing_bytes", "payload_bit_flips", "word_all_ones",
      "zlib_bomb", "zstd_bomb"};
  private static final String[] CIPHERTEXT = {"parms_id", "ntt_flag", "ct_size", "poly_degree", "coeff_count",
      "scale", "correction_factor", "dyn_count", "coeff_ge_q", "coeff_ge_q"};

  private static byte[] zlibBomb;

  private SealMutator() {
  }

  /**
   * One random mutation.
   *
   * @param object              a valid serialized object
   * @param uncompressedCiphertext true if {@code object} is an uncompressed, unseeded ciphertext (then member-level
   *                            mutations at the offsets above are possible)
   */
  static ProtoMutator.Mutant mutate(byte[] object, boolean uncompressedCiphertext, Random rnd) {
    String kind;
    if (uncompressedCiphertext && rnd.nextInt(2) == 0) {
      kind = CIPHERTEXT[rnd.nextInt(CIPHERTEXT.length)];
    } else {
      kind = GENERIC[rnd.nextInt(GENERIC.length)];
    }
    return new ProtoMutator.Mutant("seal:" + kind, apply(kind, object, rnd));
  }

  static byte[] apply(String kind, byte[] o, Random rnd) {
    byte[] b = o.clone();
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    switch (kind) {
      case "header_magic" -> b[rnd.nextInt(2)] ^= (byte) (1 + rnd.nextInt(255));
      case "header_size_byte" -> b[2] = (byte) pick(rnd, 0, 15, 17, 0xFF);
      case "header_version" -> b[3 + rnd.nextInt(2)] = (byte) pick(rnd, 0, 3, 5, 0xFF);
      case "header_compr_mode" -> b[5] = (byte) pick(rnd, 0, 1, 2, 3, 0x80, 0xFF);
      case "header_reserved" -> b[6 + rnd.nextInt(2)] = (byte) (1 + rnd.nextInt(255));
      case "header_total_size" -> le.putLong(8, pickLong(rnd, 0, 15, 16, b.length - 1, b.length + 1,
          (long) b.length * 1000, Long.MAX_VALUE, -1L, 1L << 40));
      case "truncate" -> {
        return Arrays.copyOf(b, rnd.nextInt(b.length));
      }
      case "trailing_bytes" -> {
        return ProtoMutator.concat(b, ProtoMutator.randomBytes(rnd, 1 + rnd.nextInt(64)));
      }
      case "payload_bit_flips" -> {
        int flips = 1 + rnd.nextInt(16);
        for (int i = 0; i < flips; i++) {
          int at = HEADER + rnd.nextInt(b.length - HEADER);
          b[at] ^= (byte) (1 << rnd.nextInt(8));
        }
      }
      case "word_all_ones" -> {
        int words = (b.length - HEADER) / 8;
        le.putLong(HEADER + 8 * rnd.nextInt(words), -1L);
      }
      case "zlib_bomb" -> {
        return framed(1, zlibBomb());
      }
      case "zstd_bomb" -> {
        return framed(2, zstdBomb(1L << 32));
      }
      case "parms_id" -> b[PARMS_ID + rnd.nextInt(32)] ^= (byte) (1 + rnd.nextInt(255));
      case "ntt_flag" -> b[NTT_FORM] = (byte) pick(rnd, 0, 2, 0xFF);
      case "ct_size" -> le.putLong(SIZE, pickLong(rnd, 0, 1, 3, 16, 17, (1L << 32) + 2, Long.MAX_VALUE, -1L));
      case "poly_degree" -> le.putLong(POLY_DEGREE, pickLong(rnd, 0, 1, 8192, 32768, 16383, 1L << 40, -1L));
      case "coeff_count" -> le.putLong(COEFF_COUNT, pickLong(rnd, 0, 1, 8, 10, 11, 64, 1L << 33, -1L));
      case "scale" -> le.putDouble(SCALE, pickDouble(rnd, Double.NaN, Double.POSITIVE_INFINITY, -1.0, 0.0,
          Math.scalb(1.0, 300), Double.MIN_VALUE, Math.scalb(1.0, 41), -0.0));
      case "correction_factor" -> le.putLong(CORRECTION, pickLong(rnd, 0, 2, -1L));
      case "dyn_count" -> le.putLong(DYN_COUNT, pickLong(rnd, 0, 1, (b.length - DATA) / 8 + 1,
          (b.length - DATA) / 8 - 1, 1L << 40, -1L));
      case "coeff_ge_q" -> {
        // 2^64 - 1 and 2^63 are above every prime of the chain (at most 61 bits).
        int words = (b.length - DATA) / 8;
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
          le.putLong(DATA + 8 * rnd.nextInt(words), rnd.nextBoolean() ? -1L : Long.MIN_VALUE);
        }
      }
      default -> throw new IllegalArgumentException("unknown SEAL mutation " + kind);
    }
    return b;
  }

  /** A SEAL header for a compressed object (version 4.1) in front of {@code payload}. */
  static byte[] framed(int comprMode, byte[] payload) {
    ByteBuffer h = ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN);
    h.put((byte) 0x5E).put((byte) 0xA1).put((byte) 0x10).put((byte) 4).put((byte) 1).put((byte) comprMode)
        .putShort((short) 0).putLong(HEADER + payload.length).put(payload);
    return h.array();
  }

  /** A zlib stream of 512 MiB of zeros (about half a megabyte), made once. */
  static synchronized byte[] zlibBomb() {
    if (zlibBomb == null) {
      Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
      byte[] zeros = new byte[1 << 20];
      byte[] buf = new byte[1 << 16];
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 0; i < 512; i++) {
        d.setInput(zeros);
        while (!d.needsInput()) {
          out.write(buf, 0, d.deflate(buf));
        }
      }
      d.finish();
      while (!d.finished()) {
        out.write(buf, 0, d.deflate(buf));
      }
      d.end();
      zlibBomb = out.toByteArray();
    }
    return zlibBomb;
  }

  /**
   * A zstd frame that inflates to {@code bytes} zeros: a frame header without content size (window 1 MiB), then RLE
   * blocks of 128 KiB (3-byte block header + 1 byte each), so 4 GiB take 128 KiB.
   */
  static byte[] zstdBomb(long bytes) {
    int block = 128 << 10;
    long blocks = (bytes + block - 1) / block;
    ByteBuffer b = ByteBuffer.allocate((int) (6 + 4 * blocks)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0xFD2FB528);
    b.put((byte) 0x00);            // frame header descriptor: no content size, no checksum, no dictionary
    b.put((byte) (10 << 3));       // window descriptor: 2^(10 + 10) bytes
    for (long i = 0; i < blocks; i++) {
      int last = i == blocks - 1 ? 1 : 0;
      int header = last | (1 << 1) | (block << 3); // block type 1 = RLE, block size = repetitions
      b.put((byte) header).put((byte) (header >>> 8)).put((byte) (header >>> 16));
      b.put((byte) 0);
    }
    return b.array();
  }

  private static int pick(Random rnd, int... v) {
    return v[rnd.nextInt(v.length)];
  }

  private static long pickLong(Random rnd, long... v) {
    return v[rnd.nextInt(v.length)];
  }

  private static double pickDouble(Random rnd, double... v) {
    return v[rnd.nextInt(v.length)];
  }
}
