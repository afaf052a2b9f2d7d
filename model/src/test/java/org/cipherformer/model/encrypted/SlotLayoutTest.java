package org.cipherformer.model.encrypted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlotLayoutTest {
  @Test
  void rowMajorStrideAndBatchesOfTheShippedModels() {
    assertEquals(7, SlotLayout.maxBatch(8192, 17, 64));
    assertEquals(15, SlotLayout.maxBatch(16384, 17, 64));
    assertEquals(8, SlotLayout.maxBatch(8192, 16, 64));
    SlotLayout l = new SlotLayout(8192, 17, 64, 7);
    assertEquals(2 * 17 * 64 + 3 * 64 + 5, l.slot(2, 3, 5));
    assertEquals(7616, l.usedSlots());
    double[] v = l.vector((b, t, f) -> b * 1000 + t * 100 + f);
    assertEquals(6 * 1000 + 16 * 100 + 63, v[l.slot(6, 16, 63)]);
    assertEquals(0, v[7616]);
  }

  @Test
  void badSizesAreRejectedWithTheValue() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new SlotLayout(8192, 17, 64, 8))
        .getMessage().contains("batch 8 outside [1, 7]"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new SlotLayout(8192, 17, 48, 1))
        .getMessage().contains("48"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new SlotLayout(8000, 17, 64, 1))
        .getMessage().contains("8000"));
    SlotLayout l = new SlotLayout(8192, 17, 64, 2);
    assertThrows(IndexOutOfBoundsException.class, () -> l.slot(2, 0, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> l.slot(0, 17, 0));
  }
}
