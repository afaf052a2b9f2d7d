package org.cipherformer.model.encrypted;

/**
 * Where the activations of a transformer sit in the slots of one ciphertext (docs/encrypted-inference.md): row-major
 * with stride {@code d = d_model}, {@code batch} inputs one after the other,
 * <pre>  slot(b, t, f) = b T d + t d + f,   0 <= b < batch, 0 <= t < T = tokens, 0 <= f < d.</pre>
 * Slots from {@code batch T d} on are zero. A d x d linear layer is then block-diagonal on the slots (generalized
 * diagonals with offsets -(d-1)..d-1), a per-token reduction is a window sum over d consecutive slots, and moving a
 * token by s positions is a rotation by s d.
 */
public final class SlotLayout {
  private final int slotCount;
  private final int tokens;
  private final int dModel;
  private final int batch;

  /**
   * @param slotCount slots per ciphertext (a power of two)
   * @param tokens    tokens per input, T >= 1
   * @param dModel    features per token, a power of two (the window sums need it)
   * @param batch     inputs per ciphertext, {@code 1 <= batch <= maxBatch(slotCount, tokens, dModel)}
   * @throws IllegalArgumentException if the inputs do not fit or a size is not a power of two
   */
  public SlotLayout(int slotCount, int tokens, int dModel, int batch) {
    if (slotCount < 1 || Integer.bitCount(slotCount) != 1) {
      throw new IllegalArgumentException("slot count must be a power of two, got " + slotCount);
    }
    if (dModel < 1 || Integer.bitCount(dModel) != 1) {
      throw new IllegalArgumentException("d_model must be a power of two for the slot layout, got " + dModel);
    }
    if (tokens < 1) {
      throw new IllegalArgumentException("token count must be >= 1, got " + tokens);
    }
    int max = maxBatch(slotCount, tokens, dModel);
    if (batch < 1 || batch > max) {
      throw new IllegalArgumentException("batch " + batch + " outside [1, " + max + "] for " + tokens
          + " tokens x " + dModel + " features in " + slotCount + " slots");
    }
    this.slotCount = slotCount;
    this.tokens = tokens;
    this.dModel = dModel;
    this.batch = batch;
  }

  /**
   * The most inputs of {@code tokens x dModel} values that fit in {@code slotCount} slots.
   *
   * @return {@code floor(slotCount / (tokens dModel))}
   */
  public static int maxBatch(int slotCount, int tokens, int dModel) {
    return slotCount / (tokens * dModel);
  }

  /** Slots per ciphertext. */
  public int slotCount() {
    return slotCount;
  }

  /** Tokens per input, T. */
  public int tokens() {
    return tokens;
  }

  /** Features per token, d (also the stride between tokens). */
  public int dModel() {
    return dModel;
  }

  /** Inputs per ciphertext, B. */
  public int batch() {
    return batch;
  }

  /** Slots one input occupies, T d. */
  public int blockSize() {
    return tokens * dModel;
  }

  /** Rows in use, B T. */
  public int rows() {
    return batch * tokens;
  }

  /** Slots in use, B T d. */
  public int usedSlots() {
    return batch * blockSize();
  }

  /**
   * @return {@code b T d + t d + f}
   * @throws IndexOutOfBoundsException if an index is out of range
   */
  public int slot(int b, int t, int f) {
    if (b < 0 || b >= batch || t < 0 || t >= tokens || f < 0 || f >= dModel) {
      throw new IndexOutOfBoundsException("(input " + b + ", token " + t + ", feature " + f + ") outside "
          + batch + " x " + tokens + " x " + dModel);
    }
    return b * blockSize() + t * dModel + f;
  }

  /** Predicate on (input, token, feature). */
  @FunctionalInterface
  public interface SlotFunction {
    /** @return the value at (b, t, f) */
    double at(int b, int t, int f);
  }

  /**
   * A plain slot vector with {@code fn(b, t, f)} at every used slot and 0 elsewhere.
   *
   * @param fn the value per slot
   * @return {@code slotCount} values
   */
  public double[] vector(SlotFunction fn) {
    double[] v = new double[slotCount];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < tokens; t++) {
        int base = b * blockSize() + t * dModel;
        for (int f = 0; f < dModel; f++) {
          v[base + f] = fn.at(b, t, f);
        }
      }
    }
    return v;
  }

  @Override
  public String toString() {
    return batch + " input(s) x " + tokens + " tokens x " + dModel + " features in " + slotCount + " slots";
  }
}
