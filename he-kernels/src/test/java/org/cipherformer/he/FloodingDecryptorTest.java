package org.cipherformer.he;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Noise flooding on the real kernels: the decrypted polynomial changes by one discrete Gaussian integer polynomial of
 * the requested width (looked at in coefficient form through {@link RnsNtt}), the decoded slots move by the stated
 * amount and no more, and bad widths are refused with a message naming them.
 */
class FloodingDecryptorTest {
  private static final int N = 4096;
  private static final double SCALE = Math.pow(2, 30);
  private static CkksContext context;
  private static KeyGenerator keyGenerator;
  private static Encryptor encryptor;
  private static Decryptor decryptor;
  private static CkksEncoder encoder;

  @BeforeAll
  static void setUp() {
    context = CkksContext.create(EncryptionParameters.ckks(N, CoeffModulus.create(N, 39, 30, 40)));
    keyGenerator = new KeyGenerator(context);
    encryptor = new Encryptor(context, keyGenerator.secretKey());
    decryptor = new Decryptor(context, keyGenerator.secretKey());
    encoder = new CkksEncoder(context);
  }

  @AfterAll
  static void tearDown() {
    decryptor.close();
    encryptor.close();
    encoder.close();
    keyGenerator.close();
    context.close();
  }

  private static double[] randomValues(long seed) {
    Random r = new Random(seed);
    double[] v = new double[N / 2];
    for (int i = 0; i < v.length; i++) {
      v[i] = 2 * r.nextDouble() - 1;
    }
    return v;
  }

  /** Centered coefficients of (a - b) modulo prime 0, after checking every limb holds the same integer. */
  private static long[] centeredDifference(Plaintext a, Plaintext b) {
    int level = a.level();
    long[] da = a.data();
    long[] db = b.data();
    long[] diff = new long[da.length];
    long[] primes = context.parameters().coeffModulus();
    for (int i = 0; i <= level; i++) {
      for (int j = 0; j < N; j++) {
        diff[i * N + j] = Math.floorMod(da[i * N + j] - db[i * N + j], primes[i]);
      }
    }
    long[] coeffs = RnsNtt.toCoefficients(context, level, diff);
    long[] e = new long[N];
    for (int i = 0; i <= level; i++) {
      for (int j = 0; j < N; j++) {
        long c = coeffs[i * N + j];
        long centered = c > primes[i] / 2 ? c - primes[i] : c;
        if (i == 0) {
          e[j] = centered;
        } else {
          assertEquals(e[j], centered, "limb " + i + " coefficient " + j + " is not the same integer");
        }
      }
    }
    return e;
  }

  @Test
  void floodingAddsAGaussianPolynomialOfTheRequestedWidth() {
    double sigma = Math.pow(2, 20);
    try (Plaintext p = encoder.encode(randomValues(1), context.firstLevel(), SCALE);
        Ciphertext c = encryptor.encryptSymmetric(p);
        FloodingDecryptor flooding = new FloodingDecryptor(context, keyGenerator.secretKey(), sigma);
        Plaintext plain = decryptor.decrypt(c);
        Plaintext flooded = flooding.decrypt(c)) {
      assertEquals(plain.level(), flooded.level());
      assertEquals(plain.scale(), flooded.scale());
      long[] e = centeredDifference(flooded, plain);
      double sum = 0;
      double sq = 0;
      long maxAbs = 0;
      for (long x : e) {
        sum += x;
        sq += (double) x * x;
        maxAbs = Math.max(maxAbs, Math.abs(x));
      }
      double mean = sum / N;
      double std = Math.sqrt(sq / N - mean * mean);
      // N = 4096 samples: standard error of the mean 0.016 sigma, of the std 0.011 sigma; bounds are 5x and more.
      assertTrue(Math.abs(mean) < 0.08 * sigma, "mean " + mean);
      assertTrue(Math.abs(std / sigma - 1) < 0.06, "std " + std + " for sigma " + sigma);
      assertTrue(maxAbs <= Math.ceil(13 * sigma), "max |e| " + maxAbs);
      assertTrue(maxAbs > 2.5 * sigma, "max |e| only " + maxAbs + ": not a Gaussian of width " + sigma);
    }
  }

  @Test
  void floodedDecodeStaysWithinTheStatedSlotBound() {
    double slotStd = 1e-3;
    double sigma = NoiseFlooding.sigmaForSlotStandardDeviation(slotStd, N, SCALE);
    assertEquals(slotStd, NoiseFlooding.slotStandardDeviation(sigma, N, SCALE), 1e-15);
    double[] v = randomValues(2);
    double sq = 0;
    double max = 0;
    int count = 0;
    try (FloodingDecryptor flooding = new FloodingDecryptor(context, keyGenerator.secretKey(), sigma)) {
      for (int round = 0; round < 4; round++) {
        try (Plaintext p = encoder.encode(v, context.firstLevel(), SCALE);
            Ciphertext c = encryptor.encryptSymmetric(p);
            Plaintext flooded = flooding.decrypt(c)) {
          double[] out = encoder.decode(flooded);
          for (int i = 0; i < v.length; i++) {
            double err = out[i] - v[i];
            sq += err * err;
            max = Math.max(max, Math.abs(err));
            count++;
          }
        }
      }
    }
    double rms = Math.sqrt(sq / count);
    // The fresh-encryption noise (~1e-7 at this scale) is negligible; the slot error is the flooding's Gaussian.
    // 8192 real slot parts: rms within 5% of the stated std (standard error 0.8%), max below 7 std (a Gaussian
    // exceeds 7 std with probability 2.6e-12 per slot; the expected max is about 4 std).
    assertTrue(Math.abs(rms / slotStd - 1) < 0.05, "slot error rms " + rms + ", stated " + slotStd);
    assertTrue(max < 7 * slotStd, "slot error max " + max + " above 7 x " + slotStd);
  }

  @Test
  void twoFloodedDecryptionsDiffer() {
    try (Plaintext p = encoder.encode(randomValues(3), context.firstLevel(), SCALE);
        Ciphertext c = encryptor.encryptSymmetric(p);
        FloodingDecryptor flooding = new FloodingDecryptor(context, keyGenerator.secretKey(), 1000);
        Plaintext a = flooding.decrypt(c);
        Plaintext b = flooding.decrypt(c)) {
      assertNotEquals(java.util.Arrays.hashCode(a.data()), java.util.Arrays.hashCode(b.data()));
    }
  }

  @Test
  void badWidthsAreRefused() {
    for (double sigma : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, NoiseFlooding.MAX_SIGMA * 2}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new FloodingDecryptor(context, keyGenerator.secretKey(), sigma));
      assertTrue(e.getMessage().contains("sigma"), e.getMessage());
    }
    // 13 sigma must stay below a quarter of the level's modulus: at level 0 (one 39-bit prime) 2^34 is too large.
    try (Plaintext p = encoder.encode(randomValues(4), 0, SCALE);
        Ciphertext c = encryptor.encryptSymmetric(p);
        FloodingDecryptor flooding = new FloodingDecryptor(context, keyGenerator.secretKey(), Math.pow(2, 34))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> flooding.decrypt(c));
      assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }
  }

  @Test
  void nttRoundTripsAndIsTheNegacyclicRing() {
    long[] primes = context.parameters().coeffModulus();
    int level = context.keyLevel();
    Random r = new Random(5);
    long[] x = new long[(level + 1) * N];
    for (int i = 0; i <= level; i++) {
      for (int j = 0; j < N; j++) {
        x[i * N + j] = Math.floorMod(r.nextLong(), primes[i]);
      }
    }
    assertArrayEquals(x, RnsNtt.toCoefficients(context, level, RnsNtt.toNtt(context, level, x)));
    // X^a * X^b = X^(a+b) for a + b < N and -X^(a+b-N) otherwise: pointwise products in NTT form are ring products.
    int[][] cases = {{3, 5}, {4000, 200}, {N - 1, 1}};
    for (int[] ab : cases) {
      long[] xa = RnsNtt.toNtt(context, 0, monomial(ab[0], 1));
      long[] xb = RnsNtt.toNtt(context, 0, monomial(ab[1], 1));
      long[] prod = new long[N];
      for (int j = 0; j < N; j++) {
        prod[j] = java.math.BigInteger.valueOf(xa[j]).multiply(java.math.BigInteger.valueOf(xb[j]))
            .mod(java.math.BigInteger.valueOf(primes[0])).longValue();
      }
      int k = ab[0] + ab[1];
      long[] expected = k < N ? monomial(k, 1) : monomial(k - N, primes[0] - 1);
      assertArrayEquals(expected, RnsNtt.toCoefficients(context, 0, prod), "X^" + ab[0] + " * X^" + ab[1]);
    }
    // The constant encoding of 0.5 is the constant polynomial round(0.5 * scale).
    try (Plaintext half = encoder.encode(0.5, 0, SCALE)) {
      long[] expected = monomial(0, (long) (0.5 * SCALE));
      assertArrayEquals(expected, RnsNtt.toCoefficients(context, 0, half.data()));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RnsNtt.toCoefficients(context, 0, new long[N - 1]));
    assertTrue(e.getMessage().contains(String.valueOf(N - 1)), e.getMessage());
    long[] big = new long[N];
    big[7] = primes[0];
    e = assertThrows(IllegalArgumentException.class, () -> RnsNtt.toNtt(context, 0, big));
    assertTrue(e.getMessage().contains("coefficient 7"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RnsNtt.toNtt(context, level + 1, new long[N]));
  }

  private static long[] monomial(int degree, long coefficient) {
    long[] m = new long[N];
    m[degree] = coefficient;
    return m;
  }
}
