package org.cipherformer.he.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import org.cipherformer.he.ChainLevel;
import org.cipherformer.he.ParameterChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Untrusted-input checks of SealReader: each malformed input gives a SealFormatException naming the problem. */
class SealReaderValidationTest {
  static final ParameterChain CHAIN = TestObjects.CHAIN;
  static final SealReader READER = new SealReader(CHAIN);
  static final ChainLevel DATA = CHAIN.firstDataLevel();

  // Offsets in an uncompressed ciphertext.
  static final int PARMS_ID = 16;
  static final int NTT = 48;
  static final int SIZE = 49;
  static final int DEGREE = 57;
  static final int MODULI = 65;
  static final int SCALE = 73;
  static final int CORRECTION = 81;
  static final int ARRAY_HEADER = 89;
  static final int ARRAY_COUNT = 105;
  static final int WORDS = 113;

  private static byte[] validCiphertext() {
    return SealWriter.write(TestObjects.ciphertext(new Random(1), DATA, 2), ComprMode.NONE);
  }

  private static void putLong(byte[] b, int off, long v) {
    ByteBuffer.wrap(b, off, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
  }

  private static void assertRefused(String expectedInMessage, Executable e) {
    SealFormatException ex = assertThrows(SealFormatException.class, e);
    assertTrue(
        ex.getMessage().contains(expectedInMessage),
        "message should mention '" + expectedInMessage + "': " + ex.getMessage());
  }

  private static void assertCiphertextRefused(String expectedInMessage, byte[] bytes) {
    assertRefused(expectedInMessage, () -> READER.readCiphertext(bytes));
  }

  @Test
  void validObjectsRoundTripInEveryMode() throws Exception {
    Random r = new Random(2);
    for (ComprMode mode : ComprMode.values()) {
      CiphertextData ct = TestObjects.ciphertext(r, DATA, 3);
      CiphertextData back = READER.readCiphertext(SealWriter.write(ct, mode));
      assertArrayEquals(ct.data(), back.data());
      assertEquals(ct.scale(), back.scale());
      CiphertextData seeded = TestObjects.seededCiphertext(r, DATA);
      assertEquals(seeded.seed(), READER.readCiphertext(SealWriter.write(seeded, mode)).seed());
      PlaintextData pt = TestObjects.plaintext(r, CHAIN.lastLevel());
      assertArrayEquals(pt.data(), READER.readPlaintext(SealWriter.write(pt, mode)).data());
      PlaintextData sk = TestObjects.plaintext(r, CHAIN.keyLevel());
      assertArrayEquals(sk.data(), READER.readSecretKey(SealWriter.write(sk, mode)).data());
      KSwitchKeysData gk = TestObjects.kswitch(r, 5, 1, 4);
      byte[] gkBytes = SealWriter.write(gk, mode);
      assertArrayEquals(SealWriter.write(gk, ComprMode.NONE), SealWriter.write(READER.readGaloisKeys(gkBytes), ComprMode.NONE));
    }
  }

  @Test
  void headerFieldsAreChecked() {
    byte[] b = validCiphertext();
    byte[] m = b.clone();
    m[0] = 0x5F;
    assertCiphertextRefused("magic", m);
    m = b.clone();
    m[2] = 0x20;
    assertCiphertextRefused("header size", m);
    m = b.clone();
    m[3] = 3;
    assertCiphertextRefused("version 3.1", m);
    m = b.clone();
    m[4] = 2;
    assertCiphertextRefused("version 4.2", m);
    m = b.clone();
    m[5] = 3;
    assertCiphertextRefused("compression mode 3", m);
    m = b.clone();
    m[6] = 1;
    assertCiphertextRefused("reserved", m);
  }

  @Test
  void totalSizeMustMatchTheData() {
    byte[] b = validCiphertext();
    for (long size : new long[] {b.length - 8, b.length + 8, 15, 1L << 31, 1L << 63, -1L}) {
      byte[] m = b.clone();
      putLong(m, 8, size);
      assertThrows(SealFormatException.class, () -> READER.readCiphertext(m), "total size " + size);
    }
    // Declared smaller than the data: the members run past the declared end.
    byte[] smaller = b.clone();
    putLong(smaller, 8, b.length - 8);
    assertCiphertextRefused("truncated", smaller);
    // Declared larger: the members end before the declared end.
    byte[] larger = b.clone();
    putLong(larger, 8, b.length + 8);
    assertCiphertextRefused("but the object ends after " + b.length, larger);
    byte[] largerWithPadding = Arrays.copyOf(larger, b.length + 8);
    assertCiphertextRefused("but the object ends after " + b.length, largerWithPadding);
    byte[] huge = b.clone();
    putLong(huge, 8, 1L << 63);
    assertCiphertextRefused("more than the", huge);
  }

  @Test
  void truncatedStreamsAreRefused() {
    byte[] b = validCiphertext();
    for (int len : new int[] {0, 1, 15, 16, 40, WORDS, WORDS + 7, b.length - 1}) {
      byte[] m = Arrays.copyOf(b, len);
      SealFormatException e = assertThrows(SealFormatException.class, () -> READER.readCiphertext(m));
      assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("header"), e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 17, 1L << 31, 1L << 63, -1})
  void ciphertextSizeOutside2To16IsRefused(long size) {
    byte[] m = validCiphertext();
    putLong(m, SIZE, size);
    assertCiphertextRefused("size " + Long.toUnsignedString(size), m);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 4096, 8191, 1L << 31, 1L << 63})
  void arrayCountMustEqualWhatTheMetadataImplies(long count) {
    byte[] m = validCiphertext();
    putLong(m, ARRAY_COUNT, count);
    assertCiphertextRefused("declares " + Long.toUnsignedString(count) + " words", m);
  }

  @Test
  void arrayHeaderSizeMustMatchCount() {
    byte[] m = validCiphertext();
    putLong(m, ARRAY_HEADER + 8, 1L << 40);
    assertCiphertextRefused("array header declares", m);
  }

  @Test
  void metadataMustMatchTheParameters() {
    byte[] b = validCiphertext();
    byte[] m = b.clone();
    m[PARMS_ID] ^= 1;
    assertCiphertextRefused("unknown parms_id", m);
    m = b.clone();
    putLong(m, DEGREE, 8192);
    assertCiphertextRefused("poly modulus degree 8192", m);
    m = b.clone();
    putLong(m, MODULI, 3);
    assertCiphertextRefused("coeff modulus size 3", m);
    m = b.clone();
    putLong(m, MODULI, 1L << 62);
    assertCiphertextRefused("coeff modulus size", m);
    m = b.clone();
    m[NTT] = 2;
    assertCiphertextRefused("is_ntt_form byte is 2", m);
    m = b.clone();
    m[NTT] = 0;
    assertCiphertextRefused("not in NTT form", m);
    m = b.clone();
    putLong(m, CORRECTION, 2);
    assertCiphertextRefused("correction factor 2", m);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, 1e-310})
  void scaleMustBePositiveFiniteAndNormal(double scale) {
    byte[] m = validCiphertext();
    putLong(m, SCALE, Double.doubleToRawLongBits(scale));
    assertCiphertextRefused("scale " + scale, m);
  }

  @Test
  void coefficientsMustBeBelowTheirPrime() {
    byte[] b = validCiphertext();
    long[] q = DATA.coeffModulus();
    // First word of limb 0 of c0, first word of limb 1 of c1, the last word of all; value q_j and 2^64 - 1.
    int[] words = {0, (2 + 1) * TestObjects.N, 2 * 2 * TestObjects.N - 1};
    long[] primes = {q[0], q[1], q[1]};
    for (int i = 0; i < words.length; i++) {
      byte[] m = b.clone();
      putLong(m, WORDS + 8 * words[i], primes[i]);
      assertCiphertextRefused("not below q = " + primes[i], m);
      putLong(m, WORDS + 8 * words[i], -1L);
      assertCiphertextRefused("18446744073709551615, not below", m);
    }
  }

  @Test
  void levelsMustFitTheObjectKind() {
    Random r = new Random(3);
    byte[] keyLevelCiphertext = SealWriter.write(TestObjects.ciphertext(r, CHAIN.keyLevel(), 2), ComprMode.NONE);
    assertCiphertextRefused("key level", keyLevelCiphertext);
    byte[] dataLevelSecretKey = SealWriter.write(TestObjects.plaintext(r, DATA), ComprMode.NONE);
    assertRefused("keys must be at the key level", () -> READER.readSecretKey(dataLevelSecretKey));
    byte[] dataLevelPublicKey = SealWriter.write(TestObjects.ciphertext(r, DATA, 2), ComprMode.NONE);
    assertRefused("keys must be at the key level", () -> READER.readPublicKey(dataLevelPublicKey));
    byte[] sizeThreeKey = SealWriter.write(TestObjects.ciphertext(r, CHAIN.keyLevel(), 2), ComprMode.NONE);
    putLong(sizeThreeKey, SIZE, 3);
    assertRefused("size 3 is not 2", () -> READER.readPublicKey(sizeThreeKey));
    byte[] tooBigKey = SealWriter.write(TestObjects.ciphertext(r, CHAIN.keyLevel(), 3), ComprMode.NONE);
    assertRefused("more than the", () -> READER.readPublicKey(tooBigKey));
    PlaintextData zero = new PlaintextData(org.cipherformer.he.ParmsId.ZERO, 4, 1.0, new long[4]);
    assertRefused("parms_id is zero", () -> READER.readPlaintext(SealWriter.write(zero, ComprMode.NONE)));
  }

  @Test
  void seedInfoIsChecked() {
    byte[] b = SealWriter.write(TestObjects.seededCiphertext(new Random(4), DATA), ComprMode.NONE);
    int info = b.length - SealReader.PRNG_INFO_BYTES;
    byte[] m = b.clone();
    m[info + 16] = 0;
    assertCiphertextRefused("PRNG type 0", m);
    m = b.clone();
    m[info + 16] = 3;
    assertCiphertextRefused("PRNG type 3", m);
    m = b.clone();
    putLong(m, info + 8, 80);
    assertCiphertextRefused("PRNG info declares 80", m);
    assertCiphertextRefused("truncated", Arrays.copyOf(b, b.length - 10));
    // A seed is only meaningful for size 2: size 3 with a half-length array is refused.
    m = b.clone();
    putLong(m, SIZE, 3);
    assertCiphertextRefused("declares", m);
  }

  @Test
  void keySwitchingKeyCountsAreChecked() throws Exception {
    Random r = new Random(5);
    byte[] rk = SealWriter.write(TestObjects.kswitch(r, 1, 0), ComprMode.NONE);
    assertEquals(1, READER.readRelinKeys(rk).keys().size());
    // Outer count at offset 16 + 32.
    byte[] m = rk.clone();
    putLong(m, 48, 1L << 31);
    assertRefused("key slots", () -> READER.readRelinKeys(m));
    byte[] g = SealWriter.write(TestObjects.kswitch(r, 3, 2), ComprMode.NONE);
    byte[] tooMany = g.clone();
    putLong(tooMany, 48, TestObjects.N + 1);
    assertRefused("more than the 4096 allowed", () -> READER.readGaloisKeys(tooMany));
    byte[] badInner = g.clone();
    putLong(badInner, 56, 5); // slot 0 declares 5 keys
    assertRefused("expected 0 or 2", () -> READER.readGaloisKeys(badInner));
    byte[] emptyRelin = SealWriter.write(TestObjects.kswitch(r, 1), ComprMode.NONE);
    assertRefused("no key for s^2", () -> READER.readRelinKeys(emptyRelin));
    byte[] wrongParms = g.clone();
    wrongParms[16] ^= 4;
    assertRefused("unknown parms_id", () -> READER.readGaloisKeys(wrongParms));
  }

  /** Valid ciphertext members, then {@code zeros} zero bytes, zlib-compressed. */
  private static byte[] zlibBomb(long zeros) {
    byte[] valid = validCiphertext();
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    d.setInput(valid, 16, valid.length - 16);
    while (!d.needsInput()) {
      out.write(buf, 0, d.deflate(buf));
    }
    byte[] zero = new byte[1 << 20];
    for (long left = zeros; left > 0; left -= zero.length) {
      d.setInput(zero, 0, (int) Math.min(zero.length, left));
      while (!d.needsInput()) {
        out.write(buf, 0, d.deflate(buf));
      }
    }
    d.finish();
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return frame(ComprMode.ZLIB, out.toByteArray());
  }

  private static byte[] frame(ComprMode mode, byte[] body) {
    byte[] result = new byte[16 + body.length];
    SealHeader.of(mode, result.length).writeTo(result, 0);
    System.arraycopy(body, 0, result, 16, body.length);
    return result;
  }

  /**
   * A zstd frame of {@code blocks} RLE blocks of 128 KiB zeros: 4 bytes of input per 128 KiB of output, so
   * 25 GiB of output from 800 KB of input for 200000 blocks.
   */
  private static byte[] zstdRleZeros(int blocks) {
    ByteBuffer b = ByteBuffer.allocate(4 + 2 + 4 * blocks).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0xFD2FB528);
    b.put((byte) 0x00); // frame header descriptor: no content size, not single segment, no checksum
    b.put((byte) (7 << 3)); // window descriptor: 2^(10+7) = 128 KiB
    for (int i = 0; i < blocks; i++) {
      int last = i == blocks - 1 ? 1 : 0;
      int header = last | (1 << 1) | ((128 * 1024) << 3); // RLE block of 131072 repeats
      b.put((byte) header).put((byte) (header >>> 8)).put((byte) (header >>> 16));
      b.put((byte) 0);
    }
    return b.array();
  }

  @Test
  void zlibBombIsStoppedAtTheBound() {
    byte[] bomb = zlibBomb(256L << 20);
    assertTrue(bomb.length < (1 << 20), "bomb is small: " + bomb.length);
    assertCiphertextRefused("continues after the end", bomb);
    // A bomb of zeros only: the zero parms_id is refused at once.
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
    d.setInput(new byte[64 << 20]);
    d.finish();
    byte[] buf = new byte[1 << 20];
    int n = d.deflate(buf);
    assertTrue(d.finished());
    d.end();
    assertCiphertextRefused("unknown parms_id", frame(ComprMode.ZLIB, Arrays.copyOf(buf, n)));
  }

  @Test
  void zstdBombOf25GiBIsStoppedWithoutInflatingIt() {
    byte[] valid = validCiphertext();
    byte[] head = Zstd.compress(Arrays.copyOfRange(valid, 16, valid.length));
    byte[] rle = zstdRleZeros(200_000); // 25 GiB of zeros in 800 KB, under the compressed-size bound
    byte[] body = new byte[head.length + rle.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(rle, 0, body, head.length, rle.length);
    byte[] bomb = frame(ComprMode.ZSTD, body);
    long t0 = System.nanoTime();
    assertCiphertextRefused("continues after the end", bomb);
    // Only the zeros as the whole object: the first member (parms_id zero) is refused.
    assertCiphertextRefused("unknown parms_id", frame(ComprMode.ZSTD, rle));
    double seconds = (System.nanoTime() - t0) / 1e9;
    // Inflating 25 GiB would take many seconds at memory bandwidth; stopping at the bound takes milliseconds.
    assertTrue(seconds < 5, "took " + seconds + " s");
  }

  @ParameterizedTest
  @EnumSource(ComprMode.class)
  void corruptCompressedDataIsATypedError(ComprMode mode) {
    // zlib has an Adler-32 and our zstd frames carry a content checksum, so every flipped byte is detected.
    byte[] b = SealWriter.write(TestObjects.ciphertext(new Random(6), DATA, 2), mode);
    if (mode == ComprMode.NONE) {
      return;
    }
    for (int pos : new int[] {16, 17, 20, b.length / 2, b.length - 1}) {
      byte[] m = b.clone();
      m[pos] ^= 0x5A;
      assertThrows(SealFormatException.class, () -> READER.readCiphertext(m), mode + " byte " + pos);
    }
  }

  @Test
  void encryptionParametersAreValidated() {
    byte[] p = SealWriter.write(CHAIN.keyLevel().parms(), ComprMode.NONE);
    byte[] m = p.clone();
    m[16] = 7;
    assertRefused("unknown scheme type value 7", () -> SealReader.readEncryptionParameters(m));
    byte[] n = p.clone();
    putLong(n, 17, 3000);
    assertRefused("poly modulus degree 3000", () -> SealReader.readEncryptionParameters(n));
    byte[] k = p.clone();
    putLong(k, 25, 1L << 40);
    assertRefused("coeff modulus count", () -> SealReader.readEncryptionParameters(k));
    byte[] q = p.clone();
    putLong(q, 33 + 16, 1);
    assertRefused("is not 0 or in 2..2^61-1", () -> SealReader.readEncryptionParameters(q));
  }
}
