package org.cipherformer.he.examples;

import java.io.PrintStream;
import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.CkksContext;
import org.cipherformer.he.CkksEncoder;
import org.cipherformer.he.CoeffModulus;
import org.cipherformer.he.Decryptor;
import org.cipherformer.he.EncryptionParameters;
import org.cipherformer.he.Encryptor;
import org.cipherformer.he.Evaluator;
import org.cipherformer.he.GaloisKeys;
import org.cipherformer.he.KeyGenerator;
import org.cipherformer.he.Plaintext;
import org.cipherformer.he.PublicKey;
import org.cipherformer.he.RelinKeys;
import org.cipherformer.he.SecretKey;

/**
 * A tour of the CKKS API: keys, encryption of a vector, an encrypted square (multiply, relinearize, rescale), a slot
 * rotation, and decryption, printing each result beside the plaintext computation and the largest error.
 *
 * <p>Run: {@code java -cp he-kernels/target/classes org.cipherformer.he.examples.CkksExample}
 */
public final class CkksExample {
  private static final int SHOWN = 6;

  private CkksExample() {}

  public static void main(String[] args) {
    double worst = run(System.out);
    System.out.printf("largest error over all slots and steps: %.2e%n", worst);
  }

  /** Runs the tour, printing to out; returns the largest absolute error seen. */
  public static double run(PrintStream out) {
    // N = 8192 (4096 slots); primes of 60, 40, 40 and 60 bits (200 of the 218 bits allowed at 128-bit security):
    // two 40-bit primes = two rescales at scale 2^40, the last 60-bit prime is the key-switching special prime.
    int n = 8192;
    double scale = Math.pow(2, 40);
    EncryptionParameters parms = EncryptionParameters.ckks(n, CoeffModulus.create(n, 60, 40, 40, 60));
    try (CkksContext context = CkksContext.create(parms);
        KeyGenerator keygen = new KeyGenerator(context);
        SecretKey secretKey = keygen.secretKey();
        PublicKey publicKey = keygen.createPublicKey();
        RelinKeys relinKeys = keygen.createRelinKeys();
        GaloisKeys galoisKeys = keygen.createGaloisKeys(new int[] {1});
        CkksEncoder encoder = new CkksEncoder(context);
        Encryptor encryptor = new Encryptor(context, publicKey);
        Decryptor decryptor = new Decryptor(context, secretKey);
        Evaluator evaluator = new Evaluator(context)) {
      out.println("context: " + context + ", first parms_id " + context.firstParmsId());
      double[] x = new double[context.slotCount()];
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.sin(0.001 * i);
      }
      double worst = 0;
      try (Plaintext plain = encoder.encode(x, scale);
          Ciphertext encrypted = encryptor.encrypt(plain)) {
        worst = Math.max(worst, report(out, "x", x, decrypt(decryptor, encoder, encrypted)));

        // x^2: the product has 3 polynomials and scale 2^80; relinearize back to 2, rescale back to about 2^40.
        try (Ciphertext square = evaluator.square(encrypted)) {
          evaluator.relinearizeInplace(square, relinKeys);
          evaluator.rescaleToNextInplace(square);
          out.printf("x^2: level %d, size %d, scale 2^%.4f%n", square.level(), square.size(),
              Math.log(square.scale()) / Math.log(2));
          double[] expected = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            expected[i] = x[i] * x[i];
          }
          worst = Math.max(worst, report(out, "x^2", expected, decrypt(decryptor, encoder, square)));

          // Rotate the squares left by one slot.
          try (Ciphertext rotated = evaluator.rotateVector(square, 1, galoisKeys)) {
            double[] shifted = new double[x.length];
            for (int i = 0; i < x.length; i++) {
              shifted[i] = expected[(i + 1) % x.length];
            }
            worst = Math.max(worst, report(out, "rotate(x^2, 1)", shifted, decrypt(decryptor, encoder, rotated)));
          }
        }
      }
      return worst;
    }
  }

  private static double[] decrypt(Decryptor decryptor, CkksEncoder encoder, Ciphertext ct) {
    try (Plaintext p = decryptor.decrypt(ct)) {
      return encoder.decode(p);
    }
  }

  private static double report(PrintStream out, String name, double[] expected, double[] actual) {
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    StringBuilder sb = new StringBuilder(name).append(":");
    for (int i = 0; i < SHOWN; i++) {
      sb.append(String.format(" %.6f", actual[i]));
    }
    sb.append(String.format(" ...  (max error %.2e)", worst));
    out.println(sb);
    return worst;
  }
}
