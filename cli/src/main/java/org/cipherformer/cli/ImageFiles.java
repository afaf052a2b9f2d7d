package org.cipherformer.cli;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Reads a grayscale image file into pixel values in [0, 255] (row-major): PNG (any type ImageIO reads; colour is
 * converted to luma 0.299 R + 0.587 G + 0.114 B) or PGM (P2 ASCII or P5 binary, maxval up to 65535, rescaled to
 * 255). Every failure is an {@link IllegalArgumentException} that names the file and the problem.
 */
final class ImageFiles {
  /** Largest file read (a 28x28 image is under 1 KB; this stops a wrong path to a huge file early). */
  static final long MAX_BYTES = 16 << 20;

  private ImageFiles() {
  }

  /** A decoded grayscale image: {@code width * height} values in [0, 255], row-major. */
  record Image(Path file, int width, int height, double[] pixels) {
    /**
     * @return the pixels if the size is the model's
     * @throws IllegalArgumentException naming the file and both sizes otherwise
     */
    double[] sized(int w, int h) {
      if (w != width || h != height) {
        throw new IllegalArgumentException("image " + file + " is " + width + "x" + height + ", the model takes "
            + w + "x" + h + " grayscale");
      }
      return pixels;
    }
  }

  /**
   * @param file the image
   * @return the decoded image (any size; {@link Image#sized} checks it against the model)
   */
  static Image read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("image " + file + ": no such file");
    }
    long size = Files.size(file);
    if (size > MAX_BYTES) {
      throw new IllegalArgumentException("image " + file + ": " + size + " bytes, too large for an image here");
    }
    byte[] bytes = Files.readAllBytes(file);
    double[] px;
    int w;
    int h;
    if (bytes.length >= 2 && bytes[0] == 'P' && (bytes[1] == '2' || bytes[1] == '5')) {
      Pgm p = Pgm.parse(file, bytes);
      px = p.pixels;
      w = p.width;
      h = p.height;
    } else {
      BufferedImage im;
      try {
        im = ImageIO.read(new ByteArrayInputStream(bytes));
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("image " + file + ": not a readable PNG/PGM (" + e.getMessage() + ")");
      }
      if (im == null) {
        throw new IllegalArgumentException("image " + file + ": not a PNG or PGM image");
      }
      w = im.getWidth();
      h = im.getHeight();
      if ((long) w * h > (1 << 22)) {
        throw new IllegalArgumentException("image " + file + ": " + w + "x" + h + " is too large");
      }
      px = new double[w * h];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          px[y * w + x] = luma(im, x, y);
        }
      }
    }
    return new Image(file, w, h, px);
  }

  private static double luma(BufferedImage im, int x, int y) {
    if (im.getRaster().getNumBands() == 1 && im.getColorModel().getPixelSize() <= 8) {
      return im.getRaster().getSample(x, y, 0);
    }
    int rgb = im.getRGB(x, y);
    int r = (rgb >> 16) & 0xFF;
    int g = (rgb >> 8) & 0xFF;
    int b = rgb & 0xFF;
    return Math.rint(0.299 * r + 0.587 * g + 0.114 * b);
  }

  /** A parsed PGM (netpbm's grayscale format). */
  private record Pgm(int width, int height, double[] pixels) {
    static Pgm parse(Path file, byte[] b) {
      boolean binary = b[1] == '5';
      int[] pos = {2};
      int w = number(file, b, pos, "width");
      int h = number(file, b, pos, "height");
      int max = number(file, b, pos, "maxval");
      if (w < 1 || h < 1 || (long) w * h > (1 << 22)) {
        throw new IllegalArgumentException("image " + file + ": PGM size " + w + "x" + h + " out of range");
      }
      if (max < 1 || max > 65535) {
        throw new IllegalArgumentException("image " + file + ": PGM maxval " + max + " outside [1, 65535]");
      }
      double[] px = new double[w * h];
      if (binary) {
        int start = pos[0] + 1; // exactly one whitespace byte after maxval
        int bytesPer = max < 256 ? 1 : 2;
        if ((long) b.length - start < (long) px.length * bytesPer) {
          throw new IllegalArgumentException("image " + file + ": PGM data truncated (" + (b.length - start)
              + " bytes for " + px.length + " pixels)");
        }
        for (int i = 0; i < px.length; i++) {
          int v = bytesPer == 1 ? b[start + i] & 0xFF
              : ((b[start + 2 * i] & 0xFF) << 8) | (b[start + 2 * i + 1] & 0xFF);
          px[i] = scale(file, v, max, i);
        }
      } else {
        for (int i = 0; i < px.length; i++) {
          px[i] = scale(file, number(file, b, pos, "pixel " + i), max, i);
        }
      }
      return new Pgm(w, h, px);
    }

    private static double scale(Path file, int v, int max, int i) {
      if (v > max) {
        throw new IllegalArgumentException("image " + file + ": pixel " + i + " is " + v + " > maxval " + max);
      }
      return max == 255 ? v : Math.rint(v * 255.0 / max);
    }

    /** The next decimal number, skipping whitespace and # comments. */
    private static int number(Path file, byte[] b, int[] pos, String what) {
      int i = pos[0];
      while (i < b.length) {
        if (b[i] == '#') {
          while (i < b.length && b[i] != '\n') {
            i++;
          }
        } else if (Character.isWhitespace(b[i])) {
          i++;
        } else {
          break;
        }
      }
      int start = i;
      long v = 0;
      while (i < b.length && b[i] >= '0' && b[i] <= '9' && i - start < 9) {
        v = v * 10 + (b[i] - '0');
        i++;
      }
      if (i == start) {
        String got = i < b.length ? "'" + new String(b, i, Math.min(8, b.length - i), StandardCharsets.ISO_8859_1)
            .split("\\s")[0] + "'" : "end of file";
        throw new IllegalArgumentException("image " + file + ": PGM " + what + " expected, found " + got);
      }
      pos[0] = i;
      return (int) v;
    }
  }
}
