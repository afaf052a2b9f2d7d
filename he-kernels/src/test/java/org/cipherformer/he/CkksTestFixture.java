package org.cipherformer.he;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

/** Keys and helpers shared by the CKKS API tests: N = 8192, primes 60, 40, 40, 60 bits, scale 2^40. */
final class CkksTestFixture implements AutoCloseable {
  static final double SCALE = Math.pow(2, 40);

  final CkksContext context;
  final KeyGenerator keyGenerator;
  final SecretKey secretKey;
  final PublicKey publicKey;
  final RelinKeys relinKeys;
  final GaloisKeys galoisKeys;
  final CkksEncoder encoder;
  final Encryptor encryptor;
  final Decryptor decryptor;
  final Evaluator evaluator;

  CkksTestFixture(int n, int[] bitSizes, int[] rotationSteps) {
    context = CkksContext.create(EncryptionParameters.ckks(n, CoeffModulus.create(n, bitSizes)));
    keyGenerator = new KeyGenerator(context);
    secretKey = keyGenerator.secretKey();
    publicKey = keyGenerator.createPublicKey();
    relinKeys = keyGenerator.createRelinKeys();
    galoisKeys = keyGenerator.createGaloisKeys(rotationSteps);
    encoder = new CkksEncoder(context);
    encryptor = new Encryptor(context, publicKey, secretKey);
    decryptor = new Decryptor(context, secretKey);
    evaluator = new Evaluator(context);
  }

  static CkksTestFixture standard() {
    return new CkksTestFixture(8192, new int[] {60, 40, 40, 60}, new int[] {0, 1, -1, 4, 7});
  }

  /** Random values in [-1, 1], one per slot. */
  double[] randomValues(long seed) {
    Random random = new Random(seed);
    double[] v = new double[context.slotCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = 2 * random.nextDouble() - 1;
    }
    return v;
  }

  Ciphertext encrypt(double[] values) {
    try (Plaintext p = encoder.encode(values, SCALE)) {
      return encryptor.encrypt(p);
    }
  }

  double[] decrypt(Ciphertext ct) {
    try (Plaintext p = decryptor.decrypt(ct)) {
      return encoder.decode(p);
    }
  }

  static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double worst = 0;
    int worstIndex = -1;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs(expected[i] - actual[i]);
      if (!(d <= worst)) {
        worst = d;
        worstIndex = i;
      }
    }
    if (!(worst <= tolerance)) {
      throw new AssertionError(what + ": slot " + worstIndex + " expected " + expected[worstIndex] + " got "
          + actual[worstIndex] + " (error " + worst + " > " + tolerance + ")");
    }
  }

  @Override
  public void close() {
    evaluator.close();
    decryptor.close();
    encryptor.close();
    encoder.close();
    galoisKeys.close();
    relinKeys.close();
    publicKey.close();
    secretKey.close();
    keyGenerator.close();
    context.close();
  }
}
