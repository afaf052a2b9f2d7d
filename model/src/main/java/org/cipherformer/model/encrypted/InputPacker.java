package org.cipherformer.model.encrypted;

import java.util.List;
import org.cipherformer.model.format.ImageSpec;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.Task;

/**
 * Client side: turns inputs into the slot vector that the client encrypts (docs/encrypted-inference.md).
 *
 * <ul>
 *   <li>ViT: input b's normalized patches {@code ((pixel/255 - mean)/std)} at {@code (b, t, f)}, t = 1..patches,
 *       f < patch_dim (pixels inside a patch row-major, then channel); token 0 and features past patch_dim are 0.
 *       The server adds the class token and position embeddings.
 *   <li>Causal LM: the client holds the embedding table (it ships with the tokenizer) and sends
 *       {@code tok_embed[id_t] + pos_embed[t]} at row t of input b.
 * </ul>
 */
public final class InputPacker {
  private final ModelDirectory.Model model;
  private final SlotLayout layout;

  /**
   * @param model  the model (its image spec or embedding tables)
   * @param layout the slot layout the program was built for
   */
  public InputPacker(ModelDirectory.Model model, SlotLayout layout) {
    this.model = model;
    this.layout = layout;
  }

  /**
   * @param images up to {@code layout.batch()} images of {@code height * width * channels} pixels in [0, 255]
   * @return the slot vector
   * @throws IllegalArgumentException on a wrong image count or size, or a pixel that is not finite
   */
  public double[] images(List<double[]> images) {
    if (model.config().task() != Task.IMAGE_CLASSIFICATION) {
      throw new IllegalStateException("model " + model.config().name() + " does not take images");
    }
    checkCount(images.size());
    ImageSpec im = model.config().architecture().image();
    int p = im.patch();
    int ch = im.channels();
    int perRow = im.width() / p;
    int expected = im.height() * im.width() * ch;
    double[] out = new double[layout.slotCount()];
    for (int b = 0; b < images.size(); b++) {
      double[] px = images.get(b);
      if (px.length != expected) {
        throw new IllegalArgumentException("image " + b + " has " + px.length + " values, expected " + expected);
      }
      for (int t = 0; t < im.patchCount(); t++) {
        int top = (t / perRow) * p;
        int left = (t % perRow) * p;
        for (int r = 0; r < p; r++) {
          for (int col = 0; col < p; col++) {
            for (int c = 0; c < ch; c++) {
              double v = px[((top + r) * im.width() + left + col) * ch + c];
              if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("image " + b + " pixel " + ((top + r) * im.width() + left + col)
                    + " is " + v);
              }
              out[layout.slot(b, t + 1, (r * p + col) * ch + c)] = (v / 255.0 - im.pixelMean()) / im.pixelStd();
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * @param prompts up to {@code layout.batch()} token-id sequences of exactly {@code layout.tokens()} ids
   * @return the slot vector
   * @throws IllegalArgumentException on a wrong count or length, or an id outside the vocabulary
   */
  public double[] prompts(List<int[]> prompts) {
    if (model.config().task() != Task.CAUSAL_LM) {
      throw new IllegalStateException("model " + model.config().name() + " does not take token ids");
    }
    checkCount(prompts.size());
    double[][] tok = model.tensor("tok_embed.weight").toMatrix();
    double[][] pos = model.tensor("pos_embed").toMatrix();
    double[] out = new double[layout.slotCount()];
    for (int b = 0; b < prompts.size(); b++) {
      int[] ids = prompts.get(b);
      if (ids.length != layout.tokens()) {
        throw new IllegalArgumentException("prompt " + b + " has " + ids.length + " ids, the layout "
            + layout.tokens());
      }
      for (int t = 0; t < ids.length; t++) {
        if (ids[t] < 0 || ids[t] >= tok.length) {
          throw new IllegalArgumentException("token id " + ids[t] + " at position " + t + " of prompt " + b
              + " outside [0, " + tok.length + ")");
        }
        for (int f = 0; f < layout.dModel(); f++) {
          out[layout.slot(b, t, f)] = tok[ids[t]][f] + pos[t][f];
        }
      }
    }
    return out;
  }

  private void checkCount(int n) {
    if (n < 1 || n > layout.batch()) {
      throw new IllegalArgumentException(n + " inputs for a layout of " + layout.batch() + " per ciphertext");
    }
  }
}
