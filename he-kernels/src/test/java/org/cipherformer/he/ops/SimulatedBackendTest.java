package org.cipherformer.he.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link SimulatedBackend}: level accounting, rotation direction, out-of-levels, counts, ownership. */
class SimulatedBackendTest {
  static SimulatedBackend backend() {
    return new SimulatedBackend(8, 3, 1);
  }

  static double[] ramp() {
    return new double[] {0, 1, 2, 3, 4, 5, 6, 7};
  }

  @Test
  void arithmeticIsExact() {
    SimulatedBackend b = backend();
    SimulatedBackend.Value x = b.input(ramp());
    SimulatedBackend.Value y = b.input(new double[] {1, 1});
    assertArrayEquals(new double[] {1, 2, 2, 3, 4, 5, 6, 7}, b.output(b.add(x, y)));
    assertArrayEquals(new double[] {-1, 0, 2, 3, 4, 5, 6, 7}, b.output(b.sub(x, y)));
    assertArrayEquals(new double[] {-0.0, -1, -2, -3, -4, -5, -6, -7}, b.output(b.negate(x)));
    assertArrayEquals(new double[] {0, 2, 2, 3, 4, 5, 6, 7}, b.output(b.addPlain(x, new double[] {0, 1})));
    assertArrayEquals(new double[] {.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5}, b.output(b.addConst(x, .5)));
    assertArrayEquals(new double[] {0, 2, 0, 0, 0, 0, 0, 0}, b.output(b.mulPlain(x, new double[] {5, 2})));
    assertArrayEquals(new double[] {0, 3, 6, 9, 12, 15, 18, 21}, b.output(b.mulConst(x, 3)));
    assertArrayEquals(new double[] {0, 1, 0, 0, 0, 0, 0, 0}, b.output(b.mul(x, y)));
    assertArrayEquals(new double[] {0, 1, 4, 9, 16, 25, 36, 49}, b.output(b.square(x)));
  }

  @Test
  void levelsAreAccountedLikeCkks() {
    SimulatedBackend b = backend();
    SimulatedBackend.Value x = b.input(ramp());
    assertEquals(3, b.level(x));
    assertEquals(3, b.level(b.add(x, x)));
    assertEquals(3, b.level(b.rotate(x, 1)));
    SimulatedBackend.Value x2 = b.square(x);
    assertEquals(2, b.level(x2));
    assertEquals(2, b.level(b.mulPlain(x, ramp())));
    assertEquals(2, b.level(b.mulConst(x, 2)));
    // Mixed levels: the result is at the lower level, after one DROP; a product consumes one more.
    assertEquals(0, b.stats().total(OpKind.DROP).count());
    assertEquals(2, b.level(b.add(x, x2)));
    assertEquals(1, b.stats().total(OpKind.DROP).count());
    assertEquals(1, b.level(b.mul(x2, x)));
    assertEquals(2, b.stats().total(OpKind.DROP).count());
    assertEquals(0, b.level(b.dropToLevel(x, 0)));
    assertEquals(3, b.stats().total(OpKind.DROP).count());
    assertEquals(3, b.level(b.dropToLevel(x, 3)));
    assertEquals(3, b.stats().total(OpKind.DROP).count(), "dropping to the same level is a copy");
    assertThrows(IllegalArgumentException.class, () -> b.dropToLevel(x2, 3));
    assertThrows(IllegalArgumentException.class, () -> b.dropToLevel(x2, -1));
  }

  /**
   * SEAL's rotate_vector(a, k): slot i of the result is slot (i + k) mod n of a (left for k > 0). The CKKS backend is
   * checked against this on real ciphertexts in {@link CkksBackendTest}.
   */
  @Test
  void rotationDirectionIsSealRotateVector() {
    SimulatedBackend b = backend();
    SimulatedBackend.Value x = b.input(ramp());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 0}, b.output(b.rotate(x, 1)));
    assertArrayEquals(new double[] {7, 0, 1, 2, 3, 4, 5, 6}, b.output(b.rotate(x, -1)));
    assertArrayEquals(new double[] {3, 4, 5, 6, 7, 0, 1, 2}, b.output(b.rotate(x, 3)));
    assertArrayEquals(ramp(), b.output(b.rotate(x, 8)));
    List<SimulatedBackend.Value> h = b.rotateHoisted(x, new int[] {0, 2, -2});
    assertArrayEquals(ramp(), b.output(h.get(0)));
    assertArrayEquals(new double[] {2, 3, 4, 5, 6, 7, 0, 1}, b.output(h.get(1)));
    assertArrayEquals(new double[] {6, 7, 0, 1, 2, 3, 4, 5}, b.output(h.get(2)));
    assertEquals(Set.of(-2, -1, 1, 2, 3), b.stats().rotationSteps());
    assertEquals(5, b.stats().total(OpKind.ROTATE).count(), "steps 0 and 8 are copies");
  }

  @Test
  void outOfLevels() {
    SimulatedBackend b = backend();
    SimulatedBackend.Value x = b.input(ramp());
    SimulatedBackend.Value low = b.dropToLevel(x, 0);
    OutOfLevelsException e = assertThrows(OutOfLevelsException.class, () -> b.mul(low, x));
    assertTrue(e.getMessage().contains("mul") && e.getMessage().contains("level 0"), e.getMessage());
    assertThrows(OutOfLevelsException.class, () -> b.square(low));
    assertThrows(OutOfLevelsException.class, () -> b.mulPlain(low, ramp()));
    assertThrows(OutOfLevelsException.class, () -> b.mulConst(low, 2));
    e = assertThrows(OutOfLevelsException.class, () -> b.refresh(List.of(x, low)));
    assertTrue(e.getMessage().contains("refresh floor is level 1"), e.getMessage());
    assertEquals(0, b.stats().total(OpKind.REFRESH_ROUND).count());
    List<SimulatedBackend.Value> fresh = b.refresh(List.of(b.dropToLevel(x, 1), x));
    assertEquals(3, b.level(fresh.get(0)));
    assertArrayEquals(ramp(), b.output(fresh.get(0)));
    assertEquals(1, b.stats().total(OpKind.REFRESH_ROUND).count());
    assertEquals(2, b.stats().total(OpKind.REFRESH).count());
  }

  @Test
  void countsPerKindAndSection() {
    SimulatedBackend b = backend();
    SimulatedBackend.Value x = b.input(ramp());
    try (OpStats.Section s = b.stats().enter("a")) {
      b.mul(x, x); // MUL, RELINEARIZE, RESCALE
      try (OpStats.Section t = b.stats().enter("b")) {
        b.mulPlain(x, ramp()); // ENCODE, MUL_PLAIN, RESCALE
        b.addPlain(x, ramp()); // ENCODE, ADD
      }
      b.addConst(x, 1); // ENCODE, ADD
    }
    b.add(x, x);
    OpStats st = b.stats();
    assertEquals(1, st.total(OpKind.MUL).count());
    assertEquals(1, st.total(OpKind.RELINEARIZE).count());
    assertEquals(2, st.total(OpKind.RESCALE).count());
    assertEquals(3, st.total(OpKind.ENCODE).count());
    assertEquals(1, st.total(OpKind.MUL_PLAIN).count());
    assertEquals(3, st.total(OpKind.ADD).count());
    assertEquals(List.of("a", "b", OpStats.NO_SECTION), List.copyOf(st.bySection().keySet()));
    assertEquals(1, st.bySection().get("a").get(OpKind.ADD).count());
    assertEquals(1, st.bySection().get("b").get(OpKind.ADD).count());
    assertEquals(1, st.bySection().get(OpStats.NO_SECTION).get(OpKind.ADD).count());
    assertEquals(49, st.maxMagnitude());
  }

  @Test
  void fusedSumsAreExactWithOneRescaleAndAlignLevels() {
    SimulatedBackend b = backend();
    SimulatedBackend.Value x = b.input(ramp());
    SimulatedBackend.Value y = b.input(new double[] {1, -1, 2});
    SimulatedBackend.Value low = b.square(y); // level 2
    OpStats before = b.stats();
    long rescales = before.total(OpKind.RESCALE).count();
    long drops = before.total(OpKind.DROP).count();
    long adds = before.total(OpKind.ADD).count();
    long encodes = before.total(OpKind.ENCODE).count();
    long products = before.total(OpKind.MUL_PLAIN).count();
    SimulatedBackend.Value s =
        b.mulPlainSum(List.of(x, y, low), List.of(new double[] {1, 1, 1}, new double[] {2, 0, 0, 5}, ramp()));
    // x*[1,1,1] + y*[2,0,0,5] + y^2*ramp
    assertArrayEquals(new double[] {0 + 2 + 0, 1 + 0 + 1, 2 + 0 + 8, 0, 0, 0, 0, 0}, b.output(s));
    assertEquals(1, b.level(s), "one level below the lowest input");
    assertEquals(rescales + 1, b.stats().total(OpKind.RESCALE).count());
    assertEquals(drops + 2, b.stats().total(OpKind.DROP).count(), "x and y dropped to level 2");
    assertEquals(adds + 2, b.stats().total(OpKind.ADD).count());
    assertEquals(encodes + 3, b.stats().total(OpKind.ENCODE).count());
    assertEquals(products + 3, b.stats().total(OpKind.MUL_PLAIN).count());

    SimulatedBackend.Value c = b.mulConstSum(List.of(x, y), new double[] {0.5, -2});
    assertArrayEquals(new double[] {-2, 2.5, -3, 1.5, 2, 2.5, 3, 3.5}, b.output(c));
    assertEquals(2, b.level(c));
    assertEquals(rescales + 2, b.stats().total(OpKind.RESCALE).count());
    assertEquals(drops + 2, b.stats().total(OpKind.DROP).count(), "same levels: no drop");
    assertArrayEquals(b.output(b.mulConst(x, 3)), b.output(b.mulConstSum(List.of(x), new double[] {3})));

    assertThrows(IllegalArgumentException.class, () -> b.mulConstSum(List.of(), new double[0]));
    assertThrows(IllegalArgumentException.class, () -> b.mulConstSum(List.of(x), new double[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> b.mulPlainSum(List.of(x, y), List.of(ramp())));
    assertThrows(IllegalArgumentException.class, () -> b.mulPlainSum(List.of(x), List.of(new double[9])));
    SimulatedBackend.Value bottom = b.dropToLevel(x, 0);
    OutOfLevelsException e =
        assertThrows(OutOfLevelsException.class, () -> b.mulConstSum(List.of(x, bottom), new double[] {1, 1}));
    assertTrue(e.getMessage().contains("mulConstSum") && e.getMessage().contains("level 0"), e.getMessage());
  }

  @Test
  void ownershipAndLiveValues() {
    SimulatedBackend b = backend();
    SimulatedBackend.Value x = b.input(ramp());
    SimulatedBackend.Value y = b.copy(x);
    SimulatedBackend.Value z = b.add(x, y);
    assertEquals(3, b.stats().liveValues());
    b.release(y);
    b.release(y);
    assertEquals(2, b.stats().liveValues());
    assertThrows(IllegalStateException.class, () -> b.add(x, y));
    assertThrows(IllegalStateException.class, () -> b.level(y));
    b.release(z);
    b.release(x);
    assertEquals(0, b.stats().liveValues());
    assertEquals(3, b.stats().peakLiveValues());
  }

  @Test
  void badArguments() {
    assertThrows(IllegalArgumentException.class, () -> new SimulatedBackend(6, 3, 1));
    assertThrows(IllegalArgumentException.class, () -> new SimulatedBackend(8, 1, 2));
    SimulatedBackend b = backend();
    SimulatedBackend.Value x = b.input(ramp());
    assertThrows(IllegalArgumentException.class, () -> b.addPlain(x, new double[9]));
    assertThrows(ArithmeticException.class, () -> b.mulConst(x, Double.POSITIVE_INFINITY));
  }
}
