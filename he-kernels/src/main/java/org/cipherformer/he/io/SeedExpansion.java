package org.cipherformer.he.io;

import java.util.Arrays;
import org.cipherformer.he.Blake2b;

/**
 * Pure-Java reference of SEAL 4.1's expansion of a seeded ciphertext's c1 (Ciphertext::expand_seed), the
 * behaviour the native layer must reproduce bit for bit. Checked against node-seal in SeedExpansionTest.
 *
 * <p>PRNG (SEAL's Blake2xbPRNG): a buffer of {@value #BUFFER_BYTES} bytes is refilled with
 * {@code BLAKE2Xb(out = 4096 bytes, input = counter as 8 little-endian bytes, key = the 8 seed words as 64
 * little-endian bytes)}, the counter starting at 0 and incremented after each refill; bytes are consumed in
 * order, across refills.
 *
 * <p>Sampling (SEAL's sample_poly_uniform): first k·N words (little-endian 8-byte groups) are drawn in one go;
 * then for limb j = 0..k-1 and each of its N words w: while {@code w >= 2^64 - 1 - ((2^64 - 1) mod q_j) - 1},
 * replace w by the next 8 bytes of the PRNG (these extra draws come after the k·N bulk words); the coefficient is
 * {@code w mod q_j}. The result is c1 directly in NTT form.
 */
public final class SeedExpansion {
  /** Bytes produced per BLAKE2Xb call. */
  public static final int BUFFER_BYTES = 4096;

  private SeedExpansion() {}

  /** SEAL's Blake2xbPRNG as a byte stream. */
  public static final class Blake2xbPrng {
    private final byte[] key = new byte[64];
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int head = BUFFER_BYTES;
    private long counter;

    public Blake2xbPrng(long[] seed) {
      if (seed.length != PrngSeed.SEED_WORDS) {
        throw new IllegalArgumentException("seed must have 8 words, got " + seed.length);
      }
      for (int w = 0; w < 8; w++) {
        for (int i = 0; i < 8; i++) {
          key[8 * w + i] = (byte) (seed[w] >>> (8 * i));
        }
      }
    }

    /** Fills {@code dst} with the next bytes. */
    public void generate(byte[] dst, int off, int len) {
      while (len > 0) {
        if (head == BUFFER_BYTES) {
          byte[] in = new byte[8];
          for (int i = 0; i < 8; i++) {
            in[i] = (byte) (counter >>> (8 * i));
          }
          System.arraycopy(Blake2b.xof(BUFFER_BYTES, in, key), 0, buffer, 0, BUFFER_BYTES);
          counter++;
          head = 0;
        }
        int take = Math.min(len, BUFFER_BYTES - head);
        System.arraycopy(buffer, head, dst, off, take);
        head += take;
        off += take;
        len -= take;
      }
    }

    /** The next 8 bytes as a little-endian word. */
    public long nextWord() {
      byte[] b = new byte[8];
      generate(b, 0, 8);
      return SealInput.getLong(b, 0);
    }
  }

  /**
   * c1 of a seeded ciphertext: k limbs of N words, limb j below {@code moduli[j]}.
   *
   * @param seed the ciphertext's PRNG info
   * @param n ring degree
   * @param moduli the primes of the ciphertext's level
   * @throws IllegalArgumentException for a SHAKE256 seed (not implemented here; SEAL's default is BLAKE2Xb)
   */
  public static long[] expandC1(PrngSeed seed, int n, long[] moduli) {
    if (seed.type() != PrngType.BLAKE2XB) {
      throw new IllegalArgumentException("only BLAKE2Xb seeds are expanded here, got " + seed.type());
    }
    Blake2xbPrng prng = new Blake2xbPrng(seed.seed());
    int k = moduli.length;
    byte[] bulk = new byte[8 * n * k];
    prng.generate(bulk, 0, bulk.length);
    long[] c1 = new long[n * k];
    for (int j = 0; j < k; j++) {
      long q = moduli[j];
      // max_multiple = (2^64 - 1) - ((2^64 - 1) mod q) - 1, compared unsigned.
      long maxMultiple = -1L - Long.remainderUnsigned(-1L, q) - 1;
      for (int i = 0; i < n; i++) {
        long w = SealInput.getLong(bulk, 8 * (j * n + i));
        while (Long.compareUnsigned(w, maxMultiple) >= 0) {
          w = prng.nextWord();
        }
        c1[j * n + i] = Long.remainderUnsigned(w, q);
      }
    }
    return c1;
  }

  /** The same ciphertext with c1 expanded and no seed (what SEAL holds in memory after loading it). */
  public static CiphertextData expand(CiphertextData seeded, long[] moduli) {
    if (!seeded.isSeeded()) {
      return seeded;
    }
    long[] c1 = expandC1(seeded.seed(), seeded.polyModulusDegree(), moduli);
    long[] data = Arrays.copyOf(seeded.data(), seeded.data().length + c1.length);
    System.arraycopy(c1, 0, data, seeded.data().length, c1.length);
    return new CiphertextData(
        seeded.parmsId(), seeded.nttForm(), 2, seeded.polyModulusDegree(), seeded.coeffModulusSize(),
        seeded.scale(), seeded.correctionFactor(), data, null);
  }
}
