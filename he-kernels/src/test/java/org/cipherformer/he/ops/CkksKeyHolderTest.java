package org.cipherformer.he.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.CkksContext;
import org.cipherformer.he.io.ComprMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The key holder as a separate party: evaluation keys travel as SEAL bytes into a server with its own context,
 * ciphertexts are encrypted at the top level with the canonical scale, malformed input is refused with its index.
 */
class CkksKeyHolderTest {
  static CkksKeyHolder holder;

  @BeforeAll
  static void setUp() {
    holder = new CkksKeyHolder(CkksParameters.n16384());
  }

  @AfterAll
  static void tearDown() {
    holder.close();
  }

  @Test
  void serverWithItsOwnContextRunsOnUploadedKeys() throws Exception {
    CkksParameters p = holder.parameters();
    SortedSet<Integer> steps = new TreeSet<>(List.of(-2, 1));
    byte[] relin;
    byte[] galois;
    try (EvaluationKeys keys = holder.generateEvaluationKeys(steps)) {
      relin = keys.relinKeyBytes(ComprMode.NONE);
      galois = keys.galoisKeyBytes(ComprMode.NONE);
    }
    System.out.printf("CkksKeyHolderTest seeded key bytes at n16384: relinearization %.1f MB, Galois %.1f MB per step%n",
        relin.length / 1e6, galois.length / 1e6 / steps.size());
    try (CkksContext serverContext = p.createContext();
        CkksBackend server = new CkksBackend(p, serverContext, EvaluationKeys.load(serverContext, relin, galois, steps),
            holder)) {
      double[] x = new double[p.slotCount()];
      Random r = new Random(1);
      for (int i = 0; i < x.length; i++) {
        x[i] = 2 * r.nextDouble() - 1;
      }
      Ciphertext cx = server.input(holder.encrypt(x));
      assertEquals(p.topLevel(), server.level(cx));
      assertEquals(p.scale(p.topLevel()), cx.scale());
      Ciphertext rot = server.rotate(cx, -2);
      Ciphertext sq = server.square(rot);
      Ciphertext fresh = server.refresh(List.of(sq)).get(0);
      assertEquals(serverContext, fresh.context(), "refreshed values live in the server's context");
      double[] got = holder.decrypt(fresh);
      double worst = 0;
      for (int i = 0; i < x.length; i++) {
        double v = x[Math.floorMod(i - 2, x.length)];
        worst = Math.max(worst, Math.abs(v * v - got[i]));
      }
      // Squaring doubles the error of |x| <= 1 values; refresh adds its own (CkksRefreshTest): 3e-7 leaves margin.
      assertTrue(worst < 3e-7, "rotate, square, refresh: error " + worst);
      assertThrows(IllegalArgumentException.class, () -> server.rotate(cx, 2));
      for (Ciphertext c : List.of(cx, rot, sq, fresh)) {
        server.release(c);
      }
    }
    try (CkksContext serverContext = p.createContext()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> EvaluationKeys.load(serverContext, relin, galois, new TreeSet<>(List.of(1, 3))));
      assertTrue(e.getMessage().contains("step 3"), e.getMessage());
      assertThrows(org.cipherformer.he.io.SealFormatException.class,
          () -> EvaluationKeys.load(serverContext, galois, relin, steps));
    }
  }

  @Test
  void keysForNoRotationsAndBadSteps() {
    try (EvaluationKeys keys = holder.generateEvaluationKeys(new TreeSet<>())) {
      assertEquals(0, keys.galoisKeys().galoisElements().length);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> holder.generateEvaluationKeys(new TreeSet<>(List.of(0))));
    assertTrue(e.getMessage().contains("step 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> holder.generateEvaluationKeys(new TreeSet<>(List.of(8192))));
    assertTrue(e.getMessage().contains("8192"), e.getMessage());
  }

  @Test
  void encryptDecryptAndBadInput() {
    Ciphertext c = holder.encrypt(new double[] {1.5, -2.25, 3});
    assertTrue(c.hasSeed(), "fresh encryptions are seeded (half the bytes)");
    double[] d = holder.decrypt(c);
    assertEquals(holder.parameters().slotCount(), d.length);
    assertEquals(1.5, d[0], 1e-8);
    assertEquals(-2.25, d[1], 1e-8);
    assertEquals(3, d[2], 1e-8);
    assertEquals(0, d[3], 1e-8);
    c.close();
    assertThrows(IllegalArgumentException.class, () -> holder.encrypt(new double[holder.parameters().slotCount() + 1]));
    assertThrows(IllegalArgumentException.class, () -> holder.encrypt(new double[] {Double.NaN}));
    long rounds = holder.refreshRounds();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> holder.refresh(List.of(new byte[] {(byte) 0xA1, 0x5E, 4, 1})));
    assertTrue(e.getMessage().contains("ciphertext 0"), e.getMessage());
    assertEquals(rounds, holder.refreshRounds());
  }
}
