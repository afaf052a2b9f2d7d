package org.cipherformer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.data.RepoPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shipped sample written as PNG, binary PGM and ASCII PGM reads back as the same pixels; bad files name the problem. */
class ImageFilesTest {
  @TempDir
  Path dir;

  @Test
  void pngAndPgmOfASampleReadBackExactly() throws Exception {
    double[] px = FashionMnist.shippedSamples(RepoPaths.root()).image(3);
    BufferedImage im = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < px.length; i++) {
      im.getRaster().setSample(i % 28, i / 28, 0, (int) px[i]);
    }
    Path png = dir.resolve("s.png");
    ImageIO.write(im, "png", png.toFile());
    assertArrayEquals(px, ImageFiles.read(png).sized(28, 28), 0.0);

    ByteArrayOutputStream p5 = new ByteArrayOutputStream();
    p5.writeBytes("P5\n# a comment\n28 28\n255\n".getBytes(StandardCharsets.US_ASCII));
    for (double v : px) {
      p5.write((int) v);
    }
    Path binary = dir.resolve("s.pgm");
    Files.write(binary, p5.toByteArray());
    assertArrayEquals(px, ImageFiles.read(binary).sized(28, 28), 0.0);

    StringBuilder p2 = new StringBuilder("P2 28 28 255\n");
    for (double v : px) {
      p2.append((int) v).append(' ');
    }
    Path ascii = dir.resolve("a.pgm");
    Files.writeString(ascii, p2);
    assertArrayEquals(px, ImageFiles.read(ascii).sized(28, 28), 0.0);

    // Colour PNG: converted to luma; a gray colour stays its value.
    BufferedImage rgb = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(2, 1, 0x808080);
    Path colour = dir.resolve("c.png");
    ImageIO.write(rgb, "png", colour.toFile());
    assertEquals(128.0, ImageFiles.read(colour).pixels()[28 + 2]);
  }

  @Test
  void badFilesNameTheFileAndTheProblem() throws Exception {
    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "hello");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFiles.read(text));
    assertTrue(e.getMessage().contains("notes.txt") && e.getMessage().contains("not a PNG or PGM"), e.getMessage());

    Path truncated = dir.resolve("t.pgm");
    Files.write(truncated, "P5 28 28 255\n\u0001\u0002".getBytes(StandardCharsets.ISO_8859_1));
    e = assertThrows(IllegalArgumentException.class, () -> ImageFiles.read(truncated));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());

    Path big = dir.resolve("big.pgm");
    Files.writeString(big, "P2 2 1 255\n1 300\n");
    e = assertThrows(IllegalArgumentException.class, () -> ImageFiles.read(big));
    assertTrue(e.getMessage().contains("pixel 1 is 300"), e.getMessage());

    Path small = dir.resolve("small.pgm");
    Files.writeString(small, "P2 2 1 255\n1 2\n");
    e = assertThrows(IllegalArgumentException.class, () -> ImageFiles.read(small).sized(28, 28));
    assertTrue(e.getMessage().contains("is 2x1, the model takes 28x28"), e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> ImageFiles.read(dir.resolve("missing.png")));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }
}
