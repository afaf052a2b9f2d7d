package org.cipherformer.model.encrypted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.cipherformer.he.ops.LinearTransform;
import org.junit.jupiter.api.Test;

class RowDiagonalsTest {
  @Test
  void transformAppliesTheMatrixToEveryKeptRowAndNothingElse() {
    SlotLayout layout = new SlotLayout(512, 3, 16, 4);
    Random rnd = new Random(7);
    double[][] w = new double[10][12];
    for (double[] row : w) {
      for (int i = 0; i < row.length; i++) {
        row[i] = rnd.nextGaussian();
      }
    }
    double[] x = new double[512];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian(); // garbage beyond the used slots and features must not leak in
    }
    double[] y = new LinearTransform(512, RowDiagonals.of(layout, w, t -> t != 1), 4).applyPlain(x);
    for (int b = 0; b < 4; b++) {
      for (int t = 0; t < 3; t++) {
        for (int o = 0; o < 16; o++) {
          double want = 0;
          if (t != 1 && o < 10) {
            for (int i = 0; i < 12; i++) {
              want += w[o][i] * x[layout.slot(b, t, i)];
            }
          }
          assertEquals(want, y[layout.slot(b, t, o)], 1e-12, "(" + b + "," + t + "," + o + ")");
        }
      }
    }
    for (int i = layout.usedSlots(); i < 512; i++) {
      assertEquals(0, y[i], "slot " + i);
    }
  }

  @Test
  void tooWideMatrixIsRejected() {
    SlotLayout layout = new SlotLayout(512, 3, 16, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RowDiagonals.of(layout, new double[17][4], t -> true));
    assertEquals("17 x 4 matrix does not fit rows of 16 slots", e.getMessage());
  }
}
