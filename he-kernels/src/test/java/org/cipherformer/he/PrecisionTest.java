package org.cipherformer.he;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Precision of every operation on random inputs in [-1, 1]: the mean over all slots of {@code -log2|error|} must reach
 * {@code log2(scale) - (log2 N + 2)} bits (the engine issue's bound). Prints one line per operation so the figures
 * appear in the build log.
 */
class PrecisionTest {
  /** Errors below 2^-64 count as 64 bits, so an exact slot does not make the mean infinite. */
  private static final double FLOOR = Math.pow(2, -64);

  @ParameterizedTest(name = "N={0}, scale=2^{2}")
  @CsvSource({"8192, '60,40,40,60', 40", "16384, '60,50,50,50,60', 50"})
  void everyOperationMeetsThePrecisionBound(int n, String bits, int logScale) {
    int[] bitSizes = java.util.Arrays.stream(bits.split(",")).mapToInt(Integer::parseInt).toArray();
    double scale = Math.pow(2, logScale);
    double required = logScale - (Math.log(n) / Math.log(2) + 2);
    try (CkksTestFixture f = new CkksTestFixture(n, bitSizes, new int[] {1, 2, 3, 4, -1})) {
      double[] x = f.randomValues(101);
      double[] y = f.randomValues(202);
      Map<String, Double> precision = new LinkedHashMap<>();
      List<AutoCloseable> owned = new ArrayList<>();
      try {
        Plaintext px = own(owned, f.encoder.encode(x, scale));
        Plaintext py = own(owned, f.encoder.encode(y, scale));
        Ciphertext cx = own(owned, f.encryptor.encrypt(px));
        Ciphertext cy = own(owned, f.encryptor.encrypt(py));
        Ciphertext sx = own(owned, f.encryptor.encryptSymmetric(px));
        Evaluator ev = f.evaluator;

        precision.put("encode/decode", bitsOf(x, f.encoder.decode(px)));
        precision.put("encrypt (public)/decrypt", bitsOf(x, decrypt(f, cx)));
        precision.put("encrypt (symmetric)/decrypt", bitsOf(x, decrypt(f, sx)));
        precision.put("add", bitsOf(map(x, y, Double::sum), decrypt(f, own(owned, ev.add(cx, cy)))));
        precision.put("sub", bitsOf(map(x, y, (a, b) -> a - b), decrypt(f, own(owned, ev.sub(cx, cy)))));
        precision.put("negate", bitsOf(map(x, y, (a, b) -> -a), decrypt(f, own(owned, ev.negate(cx)))));
        precision.put("add_plain", bitsOf(map(x, y, Double::sum), decrypt(f, own(owned, ev.addPlain(cx, py)))));
        precision.put(
            "sub_plain", bitsOf(map(x, y, (a, b) -> a - b), decrypt(f, own(owned, ev.subPlain(cx, py)))));
        double[] product = map(x, y, (a, b) -> a * b);
        Ciphertext prod = own(owned, ev.multiply(cx, cy));
        precision.put("multiply", bitsOf(product, decrypt(f, prod)));
        Ciphertext relin = own(owned, ev.relinearize(prod, f.relinKeys));
        precision.put("multiply+relinearize", bitsOf(product, decrypt(f, relin)));
        precision.put(
            "multiply+relinearize+rescale_to_next",
            bitsOf(product, decrypt(f, own(owned, ev.rescaleToNext(relin)))));
        Ciphertext sq = own(owned, ev.relinearize(own(owned, ev.square(cx)), f.relinKeys));
        precision.put(
            "square+relinearize+rescale_to_next",
            bitsOf(map(x, x, (a, b) -> a * b), decrypt(f, own(owned, ev.rescaleToNext(sq)))));
        precision.put(
            "multiply_plain+rescale_to_next",
            bitsOf(product, decrypt(f, own(owned, ev.rescaleToNext(own(owned, ev.multiplyPlain(cx, py)))))));
        precision.put("mod_switch_to_next", bitsOf(x, decrypt(f, own(owned, ev.modSwitchToNext(cx)))));
        precision.put(
            "rotate_vector(1)", bitsOf(rotate(x, 1), decrypt(f, own(owned, ev.rotateVector(cx, 1, f.galoisKeys)))));
        precision.put(
            "rotate_vector(-1)",
            bitsOf(rotate(x, -1), decrypt(f, own(owned, ev.rotateVector(cx, -1, f.galoisKeys)))));
        Ciphertext[] hoisted = ev.rotateHoisted(cx, new int[] {1, 2, 3, 4}, f.galoisKeys);
        double worstHoisted = Double.POSITIVE_INFINITY;
        for (int i = 0; i < hoisted.length; i++) {
          own(owned, hoisted[i]);
          worstHoisted = Math.min(worstHoisted, bitsOf(rotate(x, i + 1), decrypt(f, hoisted[i])));
        }
        precision.put("rotate_hoisted(1..4), worst step", worstHoisted);
        // Conjugation keys are separate from step keys; real inputs are their own conjugates.
        try (GaloisKeys conj = f.keyGenerator.createConjugationKeys()) {
          precision.put(
              "complex_conjugate", bitsOf(x, decrypt(f, own(owned, ev.complexConjugate(cx, conj)))));
        }
      } finally {
        for (AutoCloseable c : owned) {
          try {
            c.close();
          } catch (Exception ignored) {
            // closing native handles does not throw
          }
        }
      }

      System.out.printf("precision at N=%d, scale 2^%d (required mean >= %.1f bits):%n", n, logScale, required);
      precision.forEach((op, b) -> System.out.printf("  %-40s %5.1f bits%n", op, b));
      precision.forEach(
          (op, b) ->
              assertTrue(
                  b >= required,
                  () -> String.format("%s at N=%d: mean precision %.2f bits < required %.2f", op, n, b, required)));
    }
  }

  private static <T extends AutoCloseable> T own(List<AutoCloseable> owned, T handle) {
    owned.add(handle);
    return handle;
  }

  private static double[] decrypt(CkksTestFixture f, Ciphertext ct) {
    try (Plaintext p = f.decryptor.decrypt(ct)) {
      return f.encoder.decode(p);
    }
  }

  /** Mean over slots of -log2|expected - actual| (errors floored at 2^-64). */
  static double bitsOf(double[] expected, double[] actual) {
    double sum = 0;
    for (int i = 0; i < expected.length; i++) {
      double err = Math.max(Math.abs(expected[i] - actual[i]), FLOOR);
      sum += -Math.log(err) / Math.log(2);
    }
    return sum / expected.length;
  }

  private interface Slotwise {
    double apply(double a, double b);
  }

  private static double[] map(double[] x, double[] y, Slotwise fn) {
    double[] out = new double[x.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = fn.apply(x[i], y[i]);
    }
    return out;
  }

  /** SEAL's rotate_vector(k): slot i receives slot i + k (left rotation for k > 0). */
  private static double[] rotate(double[] v, int steps) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[Math.floorMod(i + steps, v.length)];
    }
    return out;
  }

}
