package org.cipherformer.he.ops;

import java.util.Objects;

/**
 * Sums over windows of slots and replication of slots by rotate-and-add: {@code log2(width)} rotations and additions,
 * no level.
 *
 * <p>With {@code rot(a, s)[i] = a[i + s]} (indices mod n), doubling a partial window sum covers twice the window:
 * if {@code r[i] = sum_{j < 2^t} x[i + j s]} then {@code r + rot(r, 2^t s)} is the sum over {@code j < 2^(t+1)}.
 * Rotating by {@code -2^t s} instead sums {@code x[i - j s]}, which, for x zero between the slots being copied,
 * replicates each such slot forward.
 */
public final class SlotSums {
  private SlotSums() {}

  /**
   * {@code result[i] = sum_{j < width} x[i + j]} (indices mod n); steps 1, 2, 4, ..., width/2. {@code x} is not
   * released.
   *
   * @throws IllegalArgumentException if {@code width} is not a power of two or exceeds the slot count
   */
  public static <V> V sumWindow(HeBackend<V> be, V x, int width) {
    return sumWindow(be, x, width, 1);
  }

  /**
   * {@code result[i] = sum_{j < width} x[i + j*stride]} (indices mod n); steps stride, 2 stride, ...,
   * (width/2) stride. {@code x} is not released.
   *
   * @throws IllegalArgumentException if {@code width} is not a power of two, {@code stride} is 0, or
   *     {@code width * |stride|} exceeds the slot count
   */
  public static <V> V sumWindow(HeBackend<V> be, V x, int width, int stride) {
    return rotateAndAdd(be, x, sumWindowSteps(width, stride, be.slotCount()));
  }

  /**
   * {@code result[i] = sum_{j < width} x[i - j]} (indices mod n): slot i of x copied to slots i..i+width-1 when x is
   * zero in between; steps -1, -2, ..., -width/2. {@code x} is not released.
   *
   * @throws IllegalArgumentException if {@code width} is not a power of two or exceeds the slot count
   */
  public static <V> V replicate(HeBackend<V> be, V x, int width) {
    return replicate(be, x, width, 1);
  }

  /**
   * {@code result[i] = sum_{j < width} x[i - j*stride]} (indices mod n): slot i of x copied to slots i, i + stride,
   * ..., i + (width-1) stride when x is zero at those slots; steps -stride, -2 stride, ..., -(width/2) stride.
   * {@code x} is not released.
   *
   * @throws IllegalArgumentException if {@code width} is not a power of two, {@code stride} is 0, or
   *     {@code width * |stride|} exceeds the slot count
   */
  public static <V> V replicate(HeBackend<V> be, V x, int width, int stride) {
    return rotateAndAdd(be, x, replicateSteps(width, stride, be.slotCount()));
  }

  /** The rotation steps of {@link #sumWindow(HeBackend, Object, int)}: 1, 2, ..., width/2. */
  public static int[] sumWindowSteps(int width) {
    return sumWindowSteps(width, 1);
  }

  /** The rotation steps of {@link #replicate(HeBackend, Object, int)}: -1, -2, ..., -width/2. */
  public static int[] replicateSteps(int width) {
    return replicateSteps(width, 1);
  }

  /**
   * The rotation steps of {@link #sumWindow(HeBackend, Object, int, int)}: stride, 2 stride, ..., (width/2) stride.
   *
   * @throws IllegalArgumentException if {@code width} is not a power of two or {@code stride} is 0
   */
  public static int[] sumWindowSteps(int width, int stride) {
    return steps(width, stride, Integer.MAX_VALUE);
  }

  /**
   * The rotation steps of {@link #replicate(HeBackend, Object, int, int)}: -stride, -2 stride, ..., -(width/2) stride.
   *
   * @throws IllegalArgumentException if {@code width} is not a power of two or {@code stride} is 0
   */
  public static int[] replicateSteps(int width, int stride) {
    return negated(steps(width, stride, Integer.MAX_VALUE));
  }

  private static int[] sumWindowSteps(int width, int stride, int slotCount) {
    return steps(width, stride, slotCount);
  }

  private static int[] replicateSteps(int width, int stride, int slotCount) {
    return negated(steps(width, stride, slotCount));
  }

  private static int[] steps(int width, int stride, int slotCount) {
    if (width < 1 || Integer.bitCount(width) != 1) {
      throw new IllegalArgumentException("window width must be a power of two, got " + width);
    }
    if (stride == 0 || stride == Integer.MIN_VALUE) {
      throw new IllegalArgumentException("stride must be nonzero and > " + Integer.MIN_VALUE + ", got " + stride);
    }
    if ((long) width * Math.abs(stride) > slotCount) {
      throw new IllegalArgumentException(
          "window of " + width + " slots at stride " + stride + " spans more than the " + slotCount + " slots");
    }
    int[] s = new int[Integer.numberOfTrailingZeros(width)];
    for (int t = 0; t < s.length; t++) {
      s[t] = stride << t;
    }
    return s;
  }

  private static int[] negated(int[] steps) {
    for (int t = 0; t < steps.length; t++) {
      steps[t] = -steps[t];
    }
    return steps;
  }

  /** r = x, then r = r + rot(r, s) for each step s; releases every intermediate, not x (width 1: a copy of x). */
  private static <V> V rotateAndAdd(HeBackend<V> be, V x, int[] steps) {
    Objects.requireNonNull(x, "x");
    if (steps.length == 0) {
      return be.copy(x);
    }
    V r = x;
    for (int s : steps) {
      V rotated = be.rotate(r, s);
      V sum = be.add(r, rotated);
      if (r != x) {
        be.release(r);
      }
      be.release(rotated);
      r = sum;
    }
    return r;
  }
}
