package org.cipherformer.he;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.SealFormatException;
import org.junit.jupiter.api.Test;

/**
 * {@link NativeHandle#liveHandles()} over real native objects of every kind: making them raises the count by one
 * each, closing them (or dropping them for the Cleaner) brings it back to the baseline.
 */
class NativeHandleLiveCountTest {
  /**
   * Objects made by {@link #makeOneOfEach}: context, key generator, 4 keys, encoder, encryptor, decryptor, evaluator,
   * plaintext, 3 ciphertexts (fresh, sum, loaded).
   */
  private static final int ONE_OF_EACH = 14;

  @Test
  void closingEveryKindReturnsToTheBaseline() throws Exception {
    long before = NativeHandle.settledLiveHandles();
    AutoCloseable[] made = makeOneOfEach();
    assertEquals(before + ONE_OF_EACH, NativeHandle.liveHandles(), NativeHandle.liveHandlesByKind().toString());
    Map<String, Long> kinds = NativeHandle.liveHandlesByKind();
    for (String kind : new String[] {"CkksContext", "KeyGenerator", "SecretKey", "PublicKey", "RelinKeys",
        "GaloisKeys", "CkksEncoder", "Encryptor", "Decryptor", "Evaluator", "Plaintext", "Ciphertext"}) {
      assertTrue(kinds.getOrDefault(kind, 0L) >= 1, kind + " not counted: " + kinds);
    }
    for (int i = made.length - 1; i >= 0; i--) {
      close(made[i]);
    }
    assertEquals(before, NativeHandle.liveHandles(), "left: " + NativeHandle.liveHandlesByKind());
  }

  @Test
  void droppedObjectsAreCountedUntilTheCleanerFreesThem() throws Exception {
    long before = NativeHandle.settledLiveHandles();
    makeOneOfEach(); // dropped without closing
    assertEquals(before + ONE_OF_EACH, NativeHandle.liveHandles());
    long after = NativeHandle.awaitLiveHandles(before, Duration.ofSeconds(30));
    assertEquals(before, after, "left: " + NativeHandle.liveHandlesByKind());
  }

  /** One object of every native kind (the newest last, so closing backwards closes users before what they use). */
  private static AutoCloseable[] makeOneOfEach() throws SealFormatException {
    int n = 4096;
    CkksContext context =
        CkksContext.create(EncryptionParameters.ckks(n, CoeffModulus.create(n, new int[] {40, 30, 39})));
    KeyGenerator keyGenerator = new KeyGenerator(context);
    SecretKey secretKey = keyGenerator.secretKey();
    PublicKey publicKey = keyGenerator.createPublicKey();
    RelinKeys relinKeys = keyGenerator.createRelinKeys();
    GaloisKeys galoisKeys = keyGenerator.createGaloisKeys(new int[] {1});
    CkksEncoder encoder = new CkksEncoder(context);
    Encryptor encryptor = new Encryptor(context, publicKey, secretKey);
    Decryptor decryptor = new Decryptor(context, secretKey);
    Evaluator evaluator = new Evaluator(context);
    Plaintext plain = encoder.encode(new double[] {1, 2, 3}, Math.pow(2, 30));
    Ciphertext fresh = encryptor.encrypt(plain);
    Ciphertext sum = evaluator.add(fresh, fresh);
    Ciphertext loaded = Ciphertext.load(context, sum.save(ComprMode.NONE));
    return new AutoCloseable[] {context, keyGenerator, secretKey, publicKey, relinKeys, galoisKeys, encoder,
        encryptor, decryptor, evaluator, plain, fresh, sum, loaded};
  }

  private static void close(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
