package org.cipherformer.he;

import java.util.Arrays;

/**
 * BLAKE2b (RFC 7693) and BLAKE2Xb (the BLAKE2X extendable-output construction over BLAKE2b), in plain Java.
 *
 * <p>Why here: SEAL's {@code parms_id} is {@code blake2b(out = 32 bytes, in = little-endian uint64 words, no key)}
 * (seal/util/hash.h), and SEAL's default PRNG for seed expansion is BLAKE2Xb (seal/randomgen.cpp,
 * {@code Blake2xbPRNG::refill_buffer}). This class is the pure-Java reference for both; the native kernels
 * have their own copy, tested against this one.
 *
 * <p>BLAKE2b: state {@code h = IV xor parameter block}; each 128-byte block is compressed with the byte
 * counter {@code t} and, for the last block, the final flag {@code f0 = ~0}. 12 rounds of the G mixing
 * function with the SIGMA permutations and rotations 32, 24, 16, 63.
 *
 * <p>BLAKE2Xb (spec "BLAKE2X", Aumasson et al. 2016): a root hash {@code H0 = BLAKE2b(digest length 64,
 * xof length L)} of the input, then output block {@code i} is {@code BLAKE2b(H0)} with digest length
 * {@code min(64, L - 64 i)}, key length 0, fanout 0, depth 0, leaf length 64, node offset {@code i}, xof length
 * {@code L}, node depth 0, inner length 64. Output is the concatenation of those blocks.
 */
public final class Blake2b {
  /** Size in bytes of one compression block. */
  public static final int BLOCK_BYTES = 128;
  /** Largest digest BLAKE2b produces. */
  public static final int MAX_DIGEST_BYTES = 64;
  /** Largest key BLAKE2b accepts. */
  public static final int MAX_KEY_BYTES = 64;

  private static final long[] IV = {
    0x6a09e667f3bcc908L, 0xbb67ae8584caa73bL, 0x3c6ef372fe94f82bL, 0xa54ff53a5f1d36f1L,
    0x510e527fade682d1L, 0x9b05688c2b3e6c1fL, 0x1f83d9abfb41bd6bL, 0x5be0cd19137e2179L
  };

  private static final byte[][] SIGMA = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0}
  };

  private final long[] h = new long[8];
  private final byte[] buffer = new byte[BLOCK_BYTES];
  private int bufferLength;
  // 128-bit byte counter t = (t1:t0).
  private long t0;
  private long t1;
  private final int digestLength;
  private boolean finished;

  private Blake2b(byte[] parameterBlock, int digestLength) {
    this.digestLength = digestLength;
    for (int i = 0; i < 8; i++) {
      h[i] = IV[i] ^ readLong(parameterBlock, 8 * i);
    }
  }

  /**
   * Starts a sequential, unkeyed BLAKE2b with the given digest length.
   *
   * @param digestLength output length in bytes, 1..64
   * @throws IllegalArgumentException if the length is outside 1..64
   */
  public static Blake2b newDigest(int digestLength) {
    return newKeyedDigest(digestLength, new byte[0]);
  }

  /**
   * Starts a sequential keyed BLAKE2b (the key is padded to one block and absorbed first, as RFC 7693 says).
   *
   * @param digestLength output length in bytes, 1..64
   * @param key key bytes, 0..64 of them
   * @throws IllegalArgumentException if a length is out of range
   */
  public static Blake2b newKeyedDigest(int digestLength, byte[] key) {
    if (digestLength < 1 || digestLength > MAX_DIGEST_BYTES) {
      throw new IllegalArgumentException("BLAKE2b digest length must be 1..64, got " + digestLength);
    }
    if (key.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("BLAKE2b key length must be 0..64, got " + key.length);
    }
    byte[] p = new byte[64];
    p[0] = (byte) digestLength;
    p[1] = (byte) key.length;
    p[2] = 1; // fanout
    p[3] = 1; // depth
    Blake2b b = new Blake2b(p, digestLength);
    if (key.length > 0) {
      byte[] block = new byte[BLOCK_BYTES];
      System.arraycopy(key, 0, block, 0, key.length);
      b.update(block, 0, BLOCK_BYTES);
    }
    return b;
  }

  /** Absorbs {@code len} bytes of {@code in} starting at {@code off}. */
  public Blake2b update(byte[] in, int off, int len) {
    if (finished) {
      throw new IllegalStateException("BLAKE2b already finished");
    }
    while (len > 0) {
      // Keep the last block in the buffer: it must be compressed with the final flag.
      if (bufferLength == BLOCK_BYTES) {
        incrementCounter(BLOCK_BYTES);
        compress(buffer, 0, false);
        bufferLength = 0;
      }
      int take = Math.min(len, BLOCK_BYTES - bufferLength);
      System.arraycopy(in, off, buffer, bufferLength, take);
      bufferLength += take;
      off += take;
      len -= take;
    }
    return this;
  }

  /** Absorbs all of {@code in}. */
  public Blake2b update(byte[] in) {
    return update(in, 0, in.length);
  }

  /** Finishes and returns the digest (digestLength bytes). */
  public byte[] digest() {
    if (finished) {
      throw new IllegalStateException("BLAKE2b already finished");
    }
    finished = true;
    incrementCounter(bufferLength);
    Arrays.fill(buffer, bufferLength, BLOCK_BYTES, (byte) 0);
    compress(buffer, 0, true);
    byte[] out = new byte[digestLength];
    for (int i = 0; i < digestLength; i++) {
      out[i] = (byte) (h[i >>> 3] >>> (8 * (i & 7)));
    }
    return out;
  }

  /** One-shot unkeyed BLAKE2b of {@code in}. */
  public static byte[] hash(int digestLength, byte[] in) {
    return newDigest(digestLength).update(in).digest();
  }

  /**
   * BLAKE2Xb extendable output: {@code outLength} bytes derived from {@code in} (and an optional key).
   *
   * @param outLength output bytes, 1..2^32-2 (the value 2^32-1 means "unknown length" in BLAKE2X and is not used)
   * @param in message
   * @param key key, 0..64 bytes (SEAL's PRNG passes its 64-byte seed as the key and an 8-byte counter as input)
   * @throws IllegalArgumentException for lengths out of range
   */
  public static byte[] xof(long outLength, byte[] in, byte[] key) {
    if (outLength < 1 || outLength >= 0xFFFFFFFFL) {
      throw new IllegalArgumentException("BLAKE2Xb output length must be 1..2^32-2, got " + outLength);
    }
    if (outLength > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("BLAKE2Xb output length too large for one Java array: " + outLength);
    }
    if (key.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("BLAKE2Xb key length must be 0..64, got " + key.length);
    }
    // Root hash: a normal (possibly keyed) BLAKE2b with digest length 64 and the xof length in the parameter block.
    byte[] p = new byte[64];
    p[0] = MAX_DIGEST_BYTES;
    p[1] = (byte) key.length;
    p[2] = 1;
    p[3] = 1;
    writeInt(p, 12, (int) outLength); // xof_length (bytes 12..15), little-endian
    Blake2b root = new Blake2b(p, MAX_DIGEST_BYTES);
    if (key.length > 0) {
      byte[] block = new byte[BLOCK_BYTES];
      System.arraycopy(key, 0, block, 0, key.length);
      root.update(block, 0, BLOCK_BYTES);
    }
    byte[] h0 = root.update(in).digest();

    byte[] out = new byte[(int) outLength];
    int produced = 0;
    for (int node = 0; produced < out.length; node++) {
      int len = Math.min(MAX_DIGEST_BYTES, out.length - produced);
      byte[] q = new byte[64];
      q[0] = (byte) len; // digest length
      q[1] = 0; // key length
      q[2] = 0; // fanout
      q[3] = 0; // depth
      writeInt(q, 4, MAX_DIGEST_BYTES); // leaf length
      writeInt(q, 8, node); // node offset
      writeInt(q, 12, (int) outLength); // xof length
      q[16] = 0; // node depth
      q[17] = MAX_DIGEST_BYTES; // inner length
      byte[] block = new Blake2b(q, len).update(h0).digest();
      System.arraycopy(block, 0, out, produced, len);
      produced += len;
    }
    return out;
  }

  private void incrementCounter(int bytes) {
    long before = t0;
    t0 += bytes;
    if (Long.compareUnsigned(t0, before) < 0) {
      t1++;
    }
  }

  private void compress(byte[] block, int off, boolean last) {
    long[] m = new long[16];
    for (int i = 0; i < 16; i++) {
      m[i] = readLong(block, off + 8 * i);
    }
    long[] v = new long[16];
    System.arraycopy(h, 0, v, 0, 8);
    System.arraycopy(IV, 0, v, 8, 8);
    v[12] ^= t0;
    v[13] ^= t1;
    if (last) {
      v[14] = ~v[14];
    }
    for (int r = 0; r < 12; r++) {
      byte[] s = SIGMA[r % 10];
      mix(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
      mix(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
      mix(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
      mix(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
      mix(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
      mix(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
      mix(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
      mix(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++) {
      h[i] ^= v[i] ^ v[i + 8];
    }
  }

  private static void mix(long[] v, int a, int b, int c, int d, long x, long y) {
    v[a] = v[a] + v[b] + x;
    v[d] = Long.rotateRight(v[d] ^ v[a], 32);
    v[c] = v[c] + v[d];
    v[b] = Long.rotateRight(v[b] ^ v[c], 24);
    v[a] = v[a] + v[b] + y;
    v[d] = Long.rotateRight(v[d] ^ v[a], 16);
    v[c] = v[c] + v[d];
    v[b] = Long.rotateRight(v[b] ^ v[c], 63);
  }

  private static long readLong(byte[] b, int off) {
    long r = 0;
    for (int i = 7; i >= 0; i--) {
      r = (r << 8) | (b[off + i] & 0xFFL);
    }
    return r;
  }

  private static void writeInt(byte[] b, int off, int value) {
    for (int i = 0; i < 4; i++) {
      b[off + i] = (byte) (value >>> (8 * i));
    }
  }
}
