package org.cipherformer.he;

import static org.cipherformer.he.CkksTestFixture.SCALE;
import static org.cipherformer.he.CkksTestFixture.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.SealFormatException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** save/load of every object type through the SEAL 4.1 format, seeded forms, and rejection of bad bytes. */
class SerializationTest {
  private static CkksTestFixture f;

  @BeforeAll
  static void setUp() {
    f = new CkksTestFixture(8192, new int[] {60, 40, 60}, new int[] {1});
  }

  @AfterAll
  static void tearDown() {
    f.close();
  }

  @Test
  void ciphertextsRoundTripInEveryMode() throws Exception {
    double[] v = f.randomValues(1);
    try (Ciphertext ct = f.encrypt(v)) {
      for (ComprMode mode : ComprMode.values()) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ct.save(out, mode);
        try (Ciphertext back = Ciphertext.load(f.context, new ByteArrayInputStream(out.toByteArray()))) {
          assertEquals(ct.level(), back.level());
          assertEquals(ct.scale(), back.scale());
          assertArrayEquals(ct.data(), back.data(), mode.toString());
        }
      }
      // SEAL's exact size with no compression: header 16, parms_id 32, is_ntt_form 1, size/N/k/scale/correction
      // 5 x 8, the nested coefficient array's header 16 and count 8, then the words.
      long words = 2L * 2 * 8192;
      assertEquals(16 + 32 + 1 + 8 * 5 + 16 + 8 + 8 * words, ct.save(ComprMode.NONE).length);
    }
  }

  @Test
  void seededCiphertextIsHalfTheSizeAndExpandsIdentically() throws Exception {
    double[] v = f.randomValues(2);
    try (Plaintext p = f.encoder.encode(v, SCALE);
        Ciphertext seeded = f.encryptor.encryptSymmetricSeeded(p)) {
      byte[] compact = seeded.save(ComprMode.NONE);
      try (Ciphertext full = seeded.copy()) {
        byte[] fullBytes = Ciphertext.load(f.context, compact).save(ComprMode.NONE);
        assertTrue(compact.length < fullBytes.length * 0.51, compact.length + " vs " + fullBytes.length);
        try (Ciphertext back = Ciphertext.load(f.context, compact)) {
          assertFalse(back.hasSeed(), "as in SEAL, a loaded seeded ciphertext is expanded");
          assertArrayEquals(full.data(), back.data(), "c_1 re-expanded from the seed");
          assertClose(v, f.decrypt(back), 1e-5, "decrypt after seeded round trip");
        }
      }
    }
  }

  @Test
  void keysAndPlaintextsRoundTrip() throws Exception {
    for (ComprMode mode : ComprMode.values()) {
      try (SecretKey sk = SecretKey.load(f.context, f.secretKey.save(mode))) {
        assertArrayEquals(f.secretKey.data(), sk.data());
      }
      try (PublicKey pk = PublicKey.load(f.context, f.publicKey.save(mode))) {
        assertArrayEquals(f.publicKey.data(), pk.data());
      }
      try (RelinKeys rk = RelinKeys.load(f.context, f.relinKeys.save(mode))) {
        assertEquals(1, rk.keyCount());
        assertArrayEquals(f.relinKeys.save(ComprMode.NONE), rk.save(ComprMode.NONE));
      }
      try (GaloisKeys gk = GaloisKeys.load(f.context, f.galoisKeys.save(mode))) {
        assertArrayEquals(f.galoisKeys.galoisElements(), gk.galoisElements());
        assertArrayEquals(f.galoisKeys.save(ComprMode.NONE), gk.save(ComprMode.NONE));
      }
      try (Plaintext p = f.encoder.encode(f.randomValues(3), SCALE);
          Plaintext back = Plaintext.load(f.context, p.save(mode))) {
        assertArrayEquals(p.data(), back.data());
        assertEquals(p.scale(), back.scale());
      }
    }
  }

  @Test
  void seededKeysLoadAndWork() throws Exception {
    double[] v = f.randomValues(4);
    try (PublicKey pks = f.keyGenerator.createPublicKeySeeded();
        RelinKeys rks = f.keyGenerator.createRelinKeysSeeded();
        GaloisKeys gks = f.keyGenerator.createGaloisKeysSeeded(new int[] {1})) {
      byte[] pkBytes = pks.save(ComprMode.NONE);
      byte[] rkBytes = rks.save(ComprMode.NONE);
      byte[] gkBytes = gks.save(ComprMode.ZSTD);
      assertTrue(rkBytes.length < f.relinKeys.save(ComprMode.NONE).length * 0.51);
      try (PublicKey pk = PublicKey.load(f.context, pkBytes);
          RelinKeys rk = RelinKeys.load(f.context, rkBytes);
          GaloisKeys gk = GaloisKeys.load(f.context, gkBytes);
          Encryptor enc = new Encryptor(f.context, pk);
          Plaintext p = f.encoder.encode(v, SCALE);
          Ciphertext ct = enc.encrypt(p);
          Ciphertext sq = f.evaluator.square(ct)) {
        assertArrayEquals(pks.data(), pk.data(), "public key c_1 re-expanded from its seed");
        f.evaluator.relinearizeInplace(sq, rk);
        f.evaluator.rescaleToNextInplace(sq);
        double[] squares = new double[v.length];
        for (int i = 0; i < v.length; i++) {
          squares[i] = v[i] * v[i];
        }
        assertClose(squares, f.decrypt(sq), 1e-4, "square with loaded seeded relin keys");
        try (Ciphertext r = f.evaluator.rotateVector(ct, 1, gk)) {
          double[] rotated = new double[v.length];
          for (int i = 0; i < v.length; i++) {
            rotated[i] = v[(i + 1) % v.length];
          }
          assertClose(rotated, f.decrypt(r), 1e-4, "rotation with loaded seeded Galois keys");
        }
      }
    }
  }

  @Test
  void invalidBytesAreRejectedBeforeNativeCode() throws Exception {
    try (Ciphertext ct = f.encrypt(f.randomValues(5))) {
      byte[] good = ct.save(ComprMode.NONE);
      // A coefficient >= q_0: the first data word (after header 16, parms_id 32, ntt 1, 5 words, DynArray 16+8).
      int firstWord = 16 + 32 + 1 + 40 + 16 + 8;
      byte[] bad = good.clone();
      ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(firstWord, -1L);
      SealFormatException e = assertThrows(SealFormatException.class, () -> Ciphertext.load(f.context, bad));
      assertTrue(e.getMessage().contains("18446744073709551615") || e.getMessage().contains("-1"), e.getMessage());
      byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
      assertThrows(SealFormatException.class, () -> Ciphertext.load(f.context, truncated));
      // A ciphertext of other parameters: unknown parms_id.
      try (CkksTestFixture g = new CkksTestFixture(8192, new int[] {60, 40, 40, 60}, new int[] {1});
          Ciphertext foreign = g.encrypt(g.randomValues(6))) {
        SealFormatException e2 =
            assertThrows(SealFormatException.class, () -> Ciphertext.load(f.context, foreign.save(ComprMode.NONE)));
        assertTrue(e2.getMessage().contains("parms_id"), e2.getMessage());
      }
    }
  }
}
