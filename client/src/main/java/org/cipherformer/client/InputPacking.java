package org.cipherformer.client;

import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.cipherformer.model.encrypted.InputPacker;
import org.cipherformer.model.encrypted.SlotLayout;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.proto.v1.ImageInput;
import org.cipherformer.proto.v1.InputLayout;

/**
 * Packs inputs into the slot vector the client encrypts, exactly as the server's {@link InputLayout} says
 * (models.proto): {@code slot(b, t, f) = b * tokens * d_model + t * d_model + f}.
 *
 * <ul>
 *   <li>Images need nothing but the layout: patch t of image b (row-major over the patch grid) goes to row t + 1,
 *       pixel (r, c) of channel ch of the patch to feature {@code (r * patch + c) * channels + ch}, with value
 *       {@code (pixel / 255 - mean) / std}; row 0 (the class token) stays 0, the server adds it.
 *   <li>Prompts need the LM's embedding tables, which the client holds: row t of prompt b is
 *       {@code tok_embed[id_t] + pos_embed[t]}. The local weights must hash to the server's {@code weights_sha256}.
 * </ul>
 */
public final class InputPacking {
  private InputPacking() {
  }

  /**
   * @param layout the model's input layout (must be an image layout)
   * @param images 1 .. batch images, each {@code height * width * channels} pixel values in [0, 255] (row-major,
   *               channel last)
   * @return the slot vector
   * @throws CipherformerException INVALID_ARGUMENT naming the image and value if a count, size or pixel is wrong
   */
  public static double[] images(InputLayout layout, List<double[]> images) {
    if (!layout.hasImage()) {
      throw invalid("the model does not take images");
    }
    checkCount(layout, images.size());
    ImageInput im = layout.getImage();
    int p = im.getPatch();
    int ch = im.getChannels();
    int width = im.getWidth();
    int height = im.getHeight();
    if (p < 1 || width % p != 0 || height % p != 0) {
      throw new CipherformerException(Status.Code.FAILED_PRECONDITION,
          "the server's image layout is inconsistent: " + width + "x" + height + " with patch " + p);
    }
    int perRow = width / p;
    int patches = (height / p) * perRow;
    int d = layout.getDModel();
    int tokens = layout.getTokens();
    if (patches + 1 > tokens || p * p * ch > d || (long) layout.getBatch() * tokens * d > layout.getSlotCount()) {
      throw new CipherformerException(Status.Code.FAILED_PRECONDITION, "the server's image layout does not fit: "
          + patches + " patches of " + (p * p * ch) + " values in " + tokens + " rows of " + d);
    }
    int expected = height * width * ch;
    double[] out = new double[layout.getSlotCount()];
    for (int b = 0; b < images.size(); b++) {
      double[] px = images.get(b);
      if (px.length != expected) {
        throw invalid("image " + b + " has " + px.length + " values, the model takes " + height + "x" + width + "x"
            + ch + " = " + expected);
      }
      for (int t = 0; t < patches; t++) {
        int top = (t / perRow) * p;
        int left = (t % perRow) * p;
        for (int r = 0; r < p; r++) {
          for (int c = 0; c < p; c++) {
            for (int k = 0; k < ch; k++) {
              int index = ((top + r) * width + left + c) * ch + k;
              double v = px[index];
              if (!(v >= 0 && v <= 255)) {
                throw invalid("image " + b + " value " + index + " is " + v + ", expected a pixel in [0, 255]");
              }
              int slot = b * tokens * d + (t + 1) * d + (r * p + c) * ch + k;
              out[slot] = (v / 255.0 - im.getPixelMean()) / im.getPixelStd();
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * @param layout   the model's input layout (must be a token layout)
   * @param lm       the LM loaded from the client's copy of the model directory (its embedding tables)
   * @param weights  the client's {@code model.safetensors} (checked against the server's SHA-256)
   * @param prompts  1 .. batch prompts of exactly {@code tokens} ids each
   * @return the slot vector
   * @throws CipherformerException FAILED_PRECONDITION if the local weights differ from the server's,
   *     INVALID_ARGUMENT naming the prompt and position for a wrong length or id
   */
  public static double[] prompts(InputLayout layout, ModelDirectory.Model lm, Path weights, List<int[]> prompts)
      throws IOException {
    if (!layout.hasTokensInput()) {
      throw invalid("the model does not take token ids");
    }
    checkCount(layout, prompts.size());
    byte[] want = layout.getTokensInput().getWeightsSha256().toByteArray();
    byte[] have = sha256(weights);
    if (!MessageDigest.isEqual(want, have)) {
      throw new CipherformerException(Status.Code.FAILED_PRECONDITION, "the local weights " + weights
          + " are not the server's model (SHA-256 " + hex(have) + ", server " + hex(want) + ")");
    }
    if (lm.config().architecture().dModel() != layout.getDModel()) {
      throw new CipherformerException(Status.Code.FAILED_PRECONDITION, "the local model has d_model "
          + lm.config().architecture().dModel() + ", the server's layout " + layout.getDModel());
    }
    SlotLayout slots = new SlotLayout(layout.getSlotCount(), layout.getTokens(), layout.getDModel(),
        layout.getBatch());
    try {
      return new InputPacker(lm, slots).prompts(prompts);
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  /** @return the SHA-256 of a file's bytes */
  static byte[] sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return md.digest();
  }

  static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x & 0xFF));
    }
    return s.length() > 16 ? s.substring(0, 16) + "..." : s.toString();
  }

  private static void checkCount(InputLayout layout, int n) {
    if (n < 1 || n > layout.getBatch()) {
      throw invalid(n + " inputs; one ciphertext of this model carries 1 to " + layout.getBatch());
    }
  }

  private static CipherformerException invalid(String message) {
    return new CipherformerException(Status.Code.INVALID_ARGUMENT, message);
  }
}
