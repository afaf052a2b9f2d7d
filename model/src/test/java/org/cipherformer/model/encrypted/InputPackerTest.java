package org.cipherformer.model.encrypted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.format.ModelDirectory;
import org.junit.jupiter.api.Test;

class InputPackerTest {
  @Test
  void imagePatchesLandAtTheirTokenRowsNormalized() throws Exception {
    Path root = RepoPaths.root();
    ModelDirectory.Model vit = ModelDirectory.load(root.resolve("models/vit-fmnist"));
    SlotLayout layout = new SlotLayout(8192, 17, 64, 2);
    double[] img = new double[784];
    img[0] = 255; // patch 0, offset 0
    img[7 * 28 + 8] = 51; // row 7, column 8: patch 5 (second patch row, second column), inside (0, 1)
    double[] v = new InputPacker(vit, layout).images(List.of(new double[784], img));
    double zero = (0 - 0.286) / 0.353;
    assertEquals((1 - 0.286) / 0.353, v[layout.slot(1, 1, 0)], 1e-12);
    assertEquals((51 / 255.0 - 0.286) / 0.353, v[layout.slot(1, 1 + 5, 1)], 1e-12);
    assertEquals(zero, v[layout.slot(0, 3, 48)], 1e-12);
    assertEquals(0, v[layout.slot(0, 0, 0)]); // class-token row is the server's
    assertEquals(0, v[layout.slot(1, 3, 49)]); // past the patch dimension
  }

  @Test
  void badInputsAreRejectedWithTheValue() throws Exception {
    Path root = RepoPaths.root();
    ModelDirectory.Model vit = ModelDirectory.load(root.resolve("models/vit-fmnist"));
    InputPacker p = new InputPacker(vit, new SlotLayout(8192, 17, 64, 1));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> p.images(List.of(new double[784],
        new double[784]))).getMessage().contains("2 inputs"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> p.images(List.of(new double[10])))
        .getMessage().contains("10 values"));
    double[] nan = new double[784];
    nan[3] = Double.NaN;
    assertTrue(assertThrows(IllegalArgumentException.class, () -> p.images(List.of(nan))).getMessage()
        .contains("NaN"));
    ModelDirectory.Model lm = ModelDirectory.load(root.resolve("models/tiny-lm"));
    InputPacker q = new InputPacker(lm, new SlotLayout(8192, 4, 64, 1));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> q.prompts(List.of(new int[] {2, 5, 9999, 1})))
        .getMessage().contains("9999"));
    assertThrows(IllegalStateException.class, () -> q.images(List.of(new double[784])));
  }
}
