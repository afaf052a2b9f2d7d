package org.cipherformer.he;

import static org.cipherformer.he.CkksTestFixture.SCALE;
import static org.cipherformer.he.CkksTestFixture.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Encode / encrypt / decrypt round trips and object metadata through the Java API, with the real native code. */
class CkksApiTest {
  private static CkksTestFixture f;

  @BeforeAll
  static void setUp() {
    f = CkksTestFixture.standard();
  }

  @AfterAll
  static void tearDown() {
    f.close();
  }

  @Test
  void contextMapsLevelsToSealParmsIds() {
    CkksContext c = f.context;
    assertEquals(8192, c.polyModulusDegree());
    assertEquals(4096, c.slotCount());
    assertEquals(4, c.levelCount());
    assertEquals(3, c.keyLevel());
    assertEquals(2, c.firstLevel());
    assertEquals(c.chain().keyLevel().parmsId(), c.keyParmsId());
    assertEquals(c.chain().firstDataLevel().parmsId(), c.firstParmsId());
    for (int level = 0; level < c.levelCount(); level++) {
      assertEquals(level, c.level(c.parmsId(level)));
      // The parms_id of level l is the hash of the parameters with the first l + 1 primes.
      long[] q = new long[level + 1];
      System.arraycopy(c.parameters().coeffModulus(), 0, q, 0, level + 1);
      assertEquals(EncryptionParameters.ckks(8192, q).parmsId(), c.parmsId(level));
    }
  }

  @Test
  void insecureParametersAreRefused() {
    // 8192 allows 218 bits; 4 x 60 = 240.
    long[] q = CoeffModulus.create(8192, 60, 60, 60, 60);
    InsecureParametersException e =
        assertThrows(InsecureParametersException.class, () -> CkksContext.create(EncryptionParameters.ckks(8192, q)));
    assertTrue(e.getMessage().contains("218"), e.getMessage());
  }

  @Test
  void publicKeyRoundTrip() {
    double[] v = f.randomValues(1);
    try (Ciphertext ct = f.encrypt(v)) {
      assertEquals(2, ct.level());
      assertEquals(2, ct.size());
      assertEquals(SCALE, ct.scale());
      assertEquals(f.context.firstParmsId(), ct.parmsId());
      assertFalse(ct.hasSeed());
      assertClose(v, f.decrypt(ct), 1e-5, "public-key round trip");
    }
  }

  @Test
  void symmetricRoundTripsAndSeed() {
    double[] v = f.randomValues(2);
    try (Plaintext p = f.encoder.encode(v, SCALE);
        Ciphertext plain = f.encryptor.encryptSymmetric(p);
        Ciphertext seeded = f.encryptor.encryptSymmetricSeeded(p)) {
      assertFalse(plain.hasSeed());
      assertTrue(seeded.hasSeed());
      assertClose(v, f.decrypt(plain), 1e-5, "symmetric");
      assertClose(v, f.decrypt(seeded), 1e-5, "symmetric seeded");
      try (Ciphertext sum = f.evaluator.add(seeded, seeded)) {
        assertFalse(sum.hasSeed(), "an evaluator result has no seed");
      }
    }
  }

  @Test
  void encodeAtLowerLevelAndByParmsId() {
    double[] v = f.randomValues(3);
    try (Plaintext p = f.encoder.encode(v, f.context.parmsId(1), SCALE)) {
      assertEquals(1, p.level());
      assertEquals(f.context.parmsId(1), p.parmsId());
      assertClose(v, f.encoder.decode(p), 1e-6, "decode at level 1");
      try (Ciphertext ct = f.encryptor.encrypt(p)) {
        assertEquals(1, ct.level());
        assertClose(v, f.decrypt(ct), 1e-5, "encrypt at level 1");
      }
    }
  }

  @Test
  void complexAndConstantEncodings() {
    int slots = f.context.slotCount();
    double[] re = f.randomValues(4);
    double[] im = f.randomValues(5);
    try (Plaintext p = f.encoder.encode(re, im, 2, SCALE)) {
      Complex[] out = f.encoder.decodeComplex(p);
      for (int i = 0; i < slots; i++) {
        assertEquals(re[i], out[i].re(), 1e-6);
        assertEquals(im[i], out[i].im(), 1e-6);
      }
    }
    Complex[] values = {new Complex(1, 2), new Complex(-3, 0.5)};
    try (Plaintext p = f.encoder.encode(values, 2, SCALE)) {
      Complex[] out = f.encoder.decodeComplex(p);
      assertEquals(1, out[0].re(), 1e-6);
      assertEquals(0.5, out[1].im(), 1e-6);
      assertEquals(0, out[2].re(), 1e-6);
    }
    try (Plaintext p = f.encoder.encode(0.25, 2, SCALE)) {
      double[] out = f.encoder.decode(p);
      for (double x : out) {
        assertEquals(0.25, x, 1e-6);
      }
    }
    try (Plaintext p = f.encoder.encode(new Complex(0.5, -1), 1, SCALE)) {
      Complex[] out = f.encoder.decodeComplex(p);
      assertEquals(0.5, out[17].re(), 1e-6);
      assertEquals(-1, out[17].im(), 1e-6);
    }
  }

  @Test
  void badEncoderInputIsRejectedWithTheValue() {
    double[] tooMany = new double[f.context.slotCount() + 1];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.encoder.encode(tooMany, SCALE));
    assertTrue(e.getMessage().contains("4097"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> f.encoder.encode(new double[] {Double.NaN}, SCALE));
    assertTrue(e.getMessage().toLowerCase().contains("finite") || e.getMessage().contains("NaN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> f.encoder.encode(new double[] {1}, 3, SCALE));
    assertTrue(e.getMessage().contains("level 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> f.encoder.encode(new double[] {1}, Math.pow(2, 200)));
    assertTrue(e.getMessage().contains("scale"), e.getMessage());
  }

  @Test
  void keyGeneratorFromSecretKeyMakesCompatibleKeys() {
    double[] v = f.randomValues(6);
    try (KeyGenerator again = new KeyGenerator(f.context, f.secretKey);
        PublicKey pk = again.createPublicKeySeeded();
        Encryptor enc = new Encryptor(f.context, pk);
        Plaintext p = f.encoder.encode(v, SCALE);
        Ciphertext ct = enc.encrypt(p)) {
      assertTrue(pk.isSeededForm());
      assertClose(v, f.decrypt(ct), 1e-5, "public key from a second generator with the same secret");
    }
  }

  @Test
  void galoisKeyElements() {
    int n = f.context.polyModulusDegree();
    int[] elements = f.galoisKeys.galoisElements();
    assertEquals(5, elements.length);
    assertTrue(f.galoisKeys.hasKey(2 * n - 1));
    assertTrue(f.galoisKeys.hasKey(3));
    assertTrue(f.galoisKeys.hasKey(GaloisKeys.galoisElementFromStep(f.context, -1)));
    assertEquals(27, GaloisKeys.galoisElementFromStep(f.context, 3));
    assertFalse(f.galoisKeys.hasKey(27));
    try (GaloisKeys conj = f.keyGenerator.createConjugationKeys()) {
      assertEquals(1, conj.galoisElements().length);
      assertEquals(2 * n - 1, conj.galoisElements()[0]);
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> f.keyGenerator.createGaloisKeysByElements(new int[] {4}));
    assertTrue(e.getMessage().contains("4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> f.keyGenerator.createGaloisKeys(new int[] {4096}));
    assertTrue(e.getMessage().contains("4096"), e.getMessage());
  }

  @Test
  void objectsOutliveTheirContext() {
    CkksTestFixture g = new CkksTestFixture(8192, new int[] {60, 40, 60}, new int[] {1});
    double[] v = g.randomValues(7);
    Ciphertext ct = g.encrypt(v);
    g.context.close();
    assertTrue(g.context.isClosed());
    // The native context lives on while objects made from it exist.
    assertClose(v, g.decrypt(ct), 1e-5, "after closing the Java context");
    ct.close();
    g.close();
  }

  @Test
  void useAfterCloseIsAClearException() {
    Ciphertext ct = f.encrypt(f.randomValues(8));
    ct.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, ct::level);
    assertTrue(e.getMessage().contains("Ciphertext is closed"), e.getMessage());
    e = assertThrows(IllegalStateException.class, () -> f.evaluator.negate(ct));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    e = assertThrows(IllegalStateException.class, () -> f.decryptor.decrypt(ct));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void objectsOfOtherParametersAreRejected() {
    try (CkksTestFixture g = new CkksTestFixture(8192, new int[] {60, 40, 60}, new int[] {1});
        Ciphertext foreign = g.encrypt(g.randomValues(9));
        Ciphertext mine = f.encrypt(f.randomValues(9))) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> f.evaluator.add(mine, foreign));
      assertTrue(e.getMessage().contains("other parameters"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> f.decryptor.decrypt(foreign));
      assertTrue(e.getMessage().contains("other parameters"), e.getMessage());
    }
  }
}
