package org.cipherformer.he;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The JNI import entry points check every argument themselves (the last line of defence behind the SEAL-format
 * reader): wrong lengths, levels, sizes, seeds and coefficients >= q_i are IllegalArgumentExceptions naming the value.
 */
class NativeImportValidationTest {
  private static CkksTestFixture f;
  private static Ciphertext ct;
  private static long[] data;

  @BeforeAll
  static void setUp() {
    f = new CkksTestFixture(8192, new int[] {60, 40, 60}, new int[] {1});
    ct = f.encrypt(f.randomValues(1));
    data = ct.data();
  }

  @AfterAll
  static void tearDown() {
    ct.close();
    f.close();
  }

  private static void rejects(Executable call, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment), "message \"" + e.getMessage() + "\" lacks \"" + fragment + "\"");
    }
  }

  @Test
  void validImportReproducesTheCiphertext() {
    try (Ciphertext back = Ciphertext.fromData(f.context, 1, 2, ct.scale(), data, null)) {
      assertArrayEquals(data, back.data());
    }
  }

  @Test
  void ciphertextArgumentsAreChecked() {
    rejects(() -> Ciphertext.fromData(f.context, 1, 2, 1.0, new long[5], null), "5 words", "32768");
    rejects(() -> Ciphertext.fromData(f.context, 1, 2, 1.0, null, null), "null");
    rejects(() -> Ciphertext.fromData(f.context, 2, 2, 1.0, data, null), "level 2");
    rejects(() -> Ciphertext.fromData(f.context, -1, 2, 1.0, data, null), "level -1");
    rejects(() -> Ciphertext.fromData(f.context, 1, 17, 1.0, data, null), "size 17");
    rejects(() -> Ciphertext.fromData(f.context, 1, 1, 1.0, data, null), "size 1");
    rejects(() -> Ciphertext.fromData(f.context, 1, 3, 1.0, new long[24576], new long[8]), "seeded", "got 3");
    rejects(() -> Ciphertext.fromData(f.context, 1, 2, 1.0, new long[16384], new long[7]), "seed", "7 words");
    rejects(() -> Ciphertext.fromData(f.context, 1, 2, Double.NaN, data, null), "scale");
    rejects(() -> Ciphertext.fromData(f.context, 1, 2, -1.0, data, null), "scale");
    long[] bad = data.clone();
    long q1 = f.context.parameters().coeffModulus(1);
    bad[8192 + 77] = q1;
    rejects(() -> Ciphertext.fromData(f.context, 1, 2, 1.0, bad, null), "coefficient 77", "q_1", String.valueOf(q1));
  }

  @Test
  void plaintextAndSecretKeyArgumentsAreChecked() {
    rejects(() -> Plaintext.fromData(f.context, 1, 1.0, new long[3]), "3 words");
    rejects(() -> Plaintext.fromData(f.context, 5, 1.0, new long[8192]), "level 5");
    rejects(() -> SecretKey.fromData(f.context, new long[8192]), "8192 words", "24576");
    long[] sk = f.secretKey.data();
    sk[2 * 8192] = -1L;
    rejects(() -> SecretKey.fromData(f.context, sk), "q_2", "18446744073709551615");
    rejects(() -> PublicKey.fromData(f.context, new long[10], null), "10 words");
  }

  @Test
  void keySwitchingKeyPartsAreChecked() {
    try (RelinKeys rk = new RelinKeys(f.context, f.context.withPointer(RelinKeys::nativeCreateEmpty), false)) {
      rejects(() -> rk.withPointer(p -> {
        RelinKeys.nativeValidate(p);
        return null;
      }), "empty");
      rejects(() -> rk.withPointer(p -> {
        RelinKeys.nativeAppendPart(p, 1, new long[0], null);
        return null;
      }), "index 1");
      rejects(() -> rk.withPointer(p -> {
        RelinKeys.nativeAppendPart(p, 0, new long[3], null);
        return null;
      }), "3 words");
      rejects(() -> rk.withPointer(p -> RelinKeys.nativePartData(p, 4, 0)), "index 4");
    }
    try (GaloisKeys gk = new GaloisKeys(f.context, f.context.withPointer(GaloisKeys::nativeCreateEmpty), false)) {
      rejects(() -> gk.withPointer(p -> {
        GaloisKeys.nativeAppendPart(p, 4, new long[0], null);
        return null;
      }), "Galois element 4");
      rejects(() -> gk.withPointer(p -> {
        GaloisKeys.nativeAppendPart(p, 16385, new long[0], null);
        return null;
      }), "16385");
      rejects(() -> gk.withPointer(p -> GaloisKeys.nativePartData(p, 3, 0)), "no Galois key for element 3");
    }
  }
}
