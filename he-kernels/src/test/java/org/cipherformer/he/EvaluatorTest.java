package org.cipherformer.he;

import static org.cipherformer.he.CkksTestFixture.SCALE;
import static org.cipherformer.he.CkksTestFixture.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cipherformer.he.io.ComprMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every Evaluator operation against the same computation on the plaintext values, with real native code. */
class EvaluatorTest {
  private static final double TOL = 1e-4;
  private static CkksTestFixture f;
  private static double[] x;
  private static double[] y;
  private static Ciphertext cx;
  private static Ciphertext cy;
  private static Plaintext py;

  @BeforeAll
  static void setUp() {
    f = CkksTestFixture.standard();
    x = f.randomValues(11);
    y = f.randomValues(12);
    cx = f.encrypt(x);
    cy = f.encrypt(y);
    py = f.encoder.encode(y, SCALE);
  }

  @AfterAll
  static void tearDown() {
    py.close();
    cy.close();
    cx.close();
    f.close();
  }

  private interface Slotwise {
    double apply(double a, double b);
  }

  private static double[] map(Slotwise fn) {
    double[] out = new double[x.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = fn.apply(x[i], y[i]);
    }
    return out;
  }

  private static double[] rotated(double[] v, int steps) {
    int n = v.length;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = v[Math.floorMod(i + steps, n)];
    }
    return out;
  }

  @Test
  void additiveOperations() {
    try (Ciphertext sum = f.evaluator.add(cx, cy);
        Ciphertext diff = f.evaluator.sub(cx, cy);
        Ciphertext neg = f.evaluator.negate(cx);
        Ciphertext sumPlain = f.evaluator.addPlain(cx, py);
        Ciphertext diffPlain = f.evaluator.subPlain(cx, py)) {
      assertClose(map((a, b) -> a + b), f.decrypt(sum), TOL, "add");
      assertClose(map((a, b) -> a - b), f.decrypt(diff), TOL, "sub");
      assertClose(map((a, b) -> -a), f.decrypt(neg), TOL, "negate");
      assertClose(map((a, b) -> a + b), f.decrypt(sumPlain), TOL, "add_plain");
      assertClose(map((a, b) -> a - b), f.decrypt(diffPlain), TOL, "sub_plain");
    }
  }

  @Test
  void multiplyRelinearizeRescale() {
    try (Ciphertext product = f.evaluator.multiply(cx, cy)) {
      assertEquals(3, product.size());
      assertEquals(SCALE * SCALE, product.scale());
      assertClose(map((a, b) -> a * b), f.decrypt(product), TOL, "multiply (size 3)");
      try (Ciphertext relin = f.evaluator.relinearize(product, f.relinKeys)) {
        assertEquals(2, relin.size());
        assertClose(map((a, b) -> a * b), f.decrypt(relin), TOL, "relinearize");
        try (Ciphertext rescaled = f.evaluator.rescaleToNext(relin)) {
          assertEquals(1, rescaled.level());
          long lastPrime = f.context.parameters().coeffModulus(2);
          assertEquals(SCALE * SCALE / lastPrime, rescaled.scale(), 1e-3);
          assertClose(map((a, b) -> a * b), f.decrypt(rescaled), TOL, "rescale_to_next");
        }
      }
    }
    try (Ciphertext square = f.evaluator.square(cx)) {
      assertEquals(3, square.size());
      assertClose(map((a, b) -> a * a), f.decrypt(square), TOL, "square");
    }
    try (Ciphertext productPlain = f.evaluator.multiplyPlain(cx, py)) {
      assertEquals(2, productPlain.size());
      assertClose(map((a, b) -> a * b), f.decrypt(productPlain), TOL, "multiply_plain");
    }
  }

  @Test
  void modulusSwitching() {
    try (Ciphertext down = f.evaluator.modSwitchToNext(cx)) {
      assertEquals(1, down.level());
      assertEquals(SCALE, down.scale());
      assertClose(x, f.decrypt(down), TOL, "mod_switch_to_next");
      try (Plaintext pDown = f.evaluator.modSwitchToNext(py);
          Ciphertext sum = f.evaluator.addPlain(down, pDown)) {
        assertEquals(1, pDown.level());
        assertClose(y, f.encoder.decode(pDown), 1e-6, "plaintext mod_switch_to_next");
        assertClose(map((a, b) -> a + b), f.decrypt(sum), TOL, "add_plain after mod switches");
      }
    }
    try (Ciphertext bottom = f.evaluator.modSwitchTo(cx, f.context.lastParmsId());
        Plaintext pBottom = f.evaluator.modSwitchTo(py, f.context.lastParmsId())) {
      assertEquals(0, bottom.level());
      assertEquals(0, pBottom.level());
      assertClose(x, f.decrypt(bottom), TOL, "mod_switch_to last");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.evaluator.rescaleToNext(bottom));
      assertTrue(e.getMessage().contains("end of modulus switching chain"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> f.evaluator.modSwitchTo(bottom, f.context.firstParmsId()));
      assertTrue(e.getMessage().contains("level"), e.getMessage());
    }
  }

  @Test
  void rotationsAndConjugation() {
    for (int steps : new int[] {1, -1, 4, 7, 3, 0}) {
      // 3 has no key of its own: SEAL's rotate_vector uses its non-adjacent form 4 - 1.
      try (Ciphertext r = f.evaluator.rotateVector(cx, steps, f.galoisKeys)) {
        assertClose(rotated(x, steps), f.decrypt(r), TOL, "rotate_vector by " + steps);
      }
    }
    double[] im = f.randomValues(13);
    try (Plaintext p = f.encoder.encode(x, im, 2, SCALE);
        Ciphertext c = f.encryptor.encrypt(p);
        Ciphertext conj = f.evaluator.complexConjugate(c, f.galoisKeys);
        Plaintext d = f.decryptor.decrypt(conj)) {
      Complex[] out = f.encoder.decodeComplex(d);
      for (int i = 0; i < out.length; i++) {
        assertEquals(x[i], out[i].re(), TOL);
        assertEquals(-im[i], out[i].im(), TOL);
      }
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> f.evaluator.rotateVector(cx, 2, f.galoisKeys));
    assertTrue(e.getMessage().toLowerCase().contains("galois key"), e.getMessage());
  }

  @Test
  void hoistedRotations() {
    int[] steps = {1, 4, 7, 0, -1};
    Ciphertext[] rs = f.evaluator.rotateHoisted(cx, steps, f.galoisKeys);
    assertEquals(steps.length, rs.length);
    for (int i = 0; i < steps.length; i++) {
      assertClose(rotated(x, steps[i]), f.decrypt(rs[i]), TOL, "rotate_hoisted by " + steps[i]);
      rs[i].close();
    }
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> f.evaluator.rotateHoisted(cx, new int[] {1, 3}, f.galoisKeys));
    assertTrue(e.getMessage().contains("27") || e.getMessage().contains("3"), e.getMessage());
  }

  @Test
  void hoistedRotationsEqualSingleRotationsByteForByte() {
    // Hoisting shares one decomposition of c_1 between the steps; each result must still be exactly the ciphertext
    // rotateVector makes (SEAL's bits), for left and right steps, step 0 (a copy), repeated steps and below the top
    // level.
    int[] steps = {1, -1, 4, 0, 7, 1, -1};
    try (Ciphertext low = f.evaluator.modSwitchToNext(cx)) {
      for (Ciphertext source : new Ciphertext[] {cx, low}) {
        Ciphertext[] hoisted = f.evaluator.rotateHoisted(source, steps, f.galoisKeys);
        assertEquals(steps.length, hoisted.length);
        for (int i = 0; i < steps.length; i++) {
          try (Ciphertext h = hoisted[i];
              Ciphertext single = f.evaluator.rotateVector(source, steps[i], f.galoisKeys)) {
            assertArrayEquals(single.save(ComprMode.NONE), h.save(ComprMode.NONE),
                "rotateHoisted step " + steps[i] + " (index " + i + ") equals rotateVector byte for byte");
          }
        }
      }
    }
  }

  @Test
  void inPlaceVariantsMatchOutOfPlaceByteForByte() {
    try (Ciphertext a = cx.copy()) {
      check(a, f.evaluator.add(cx, cy), () -> f.evaluator.addInplace(a, cy), "add");
    }
    try (Ciphertext a = cx.copy()) {
      check(a, f.evaluator.sub(cx, cy), () -> f.evaluator.subInplace(a, cy), "sub");
    }
    try (Ciphertext a = cx.copy()) {
      check(a, f.evaluator.negate(cx), () -> f.evaluator.negateInplace(a), "negate");
    }
    try (Ciphertext a = cx.copy()) {
      check(a, f.evaluator.addPlain(cx, py), () -> f.evaluator.addPlainInplace(a, py), "add_plain");
    }
    try (Ciphertext a = cx.copy()) {
      check(a, f.evaluator.subPlain(cx, py), () -> f.evaluator.subPlainInplace(a, py), "sub_plain");
    }
    try (Ciphertext a = cx.copy()) {
      check(a, f.evaluator.multiplyPlain(cx, py), () -> f.evaluator.multiplyPlainInplace(a, py), "multiply_plain");
    }
    try (Ciphertext a = cx.copy(); Ciphertext product = f.evaluator.multiply(cx, cy)) {
      check(a, product.copy(), () -> f.evaluator.multiplyInplace(a, cy), "multiply");
      check(a, f.evaluator.relinearize(product, f.relinKeys), () -> f.evaluator.relinearizeInplace(a, f.relinKeys),
          "relinearize");
      try (Ciphertext relin = a.copy()) {
        check(a, f.evaluator.rescaleToNext(relin), () -> f.evaluator.rescaleToNextInplace(a), "rescale_to_next");
      }
    }
    try (Ciphertext a = cx.copy()) {
      check(a, f.evaluator.square(cx), () -> f.evaluator.squareInplace(a), "square");
    }
    try (Ciphertext a = cx.copy()) {
      // Squaring via multiplyInplace(a, a): the operand aliases the destination.
      check(a, f.evaluator.square(cx), () -> f.evaluator.multiplyInplace(a, a), "multiply(a, a) in place");
    }
    try (Ciphertext a = cx.copy()) {
      check(a, f.evaluator.modSwitchToNext(cx), () -> f.evaluator.modSwitchToNextInplace(a), "mod_switch_to_next");
    }
    try (Ciphertext a = cx.copy()) {
      check(a, f.evaluator.rotateVector(cx, 7, f.galoisKeys), () -> f.evaluator.rotateVectorInplace(a, 7, f.galoisKeys),
          "rotate_vector");
    }
    try (Ciphertext a = cx.copy()) {
      check(a, f.evaluator.complexConjugate(cx, f.galoisKeys), () -> f.evaluator.complexConjugateInplace(a,
          f.galoisKeys), "complex_conjugate");
    }
    try (Plaintext p = py.copy(); Plaintext expected = f.evaluator.modSwitchToNext(py)) {
      f.evaluator.modSwitchToNextInplace(p);
      assertArrayEquals(expected.data(), p.data(), "plaintext mod_switch_to_next in place");
    }
  }

  private static void check(Ciphertext inPlace, Ciphertext expected, Runnable op, String what) {
    try (expected) {
      op.run();
      assertEquals(expected.level(), inPlace.level(), what + ": level");
      assertEquals(expected.size(), inPlace.size(), what + ": size");
      assertEquals(expected.scale(), inPlace.scale(), what + ": scale");
      assertArrayEquals(expected.data(), inPlace.data(), what + ": data");
    }
  }

  @Test
  void mismatchedOperandsNameTheValues() {
    try (Ciphertext down = f.evaluator.modSwitchToNext(cy)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.evaluator.add(cx, down));
      assertTrue(e.getMessage().contains("level"), e.getMessage());
    }
    try (Ciphertext other = cy.copy()) {
      other.setScale(SCALE * 2);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.evaluator.sub(cx, other));
      assertTrue(e.getMessage().contains("scale"), e.getMessage());
    }
    try (Ciphertext product = f.evaluator.multiply(cx, cy)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> f.evaluator.rotateVector(product, 1, f.galoisKeys));
      assertTrue(e.getMessage().contains("size"), e.getMessage());
    }
  }
}
