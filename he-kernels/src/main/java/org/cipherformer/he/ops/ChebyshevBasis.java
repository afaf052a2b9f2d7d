package org.cipherformer.he.ops;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Chebyshev polynomials {@code T_k(u)} of one value {@code u}, made on demand with integer constants only (so no
 * level is spent on constants) and kept at every level they were needed at:
 * <pre>
 *   T_1 = u,   T_2k = 2 T_k^2 - 1,   T_2k+1 = 2 T_k+1 T_k - T_1,
 * </pre>
 * from {@code 2 T_a T_b = T_a+b + T_|a-b|}; the doubling is an addition. {@code T_k} is made at its natural depth
 * {@code ceil(log2 k)} with one non-scalar multiplication. A copy at a lower level ({@link #at}) costs one
 * {@link HeBackend#dropToLevel} the first time and is reused afterwards. Owns every value it made ({@code u} stays the
 * caller's); {@link #release} frees them.
 *
 * @param <V> value type
 */
final class ChebyshevBasis<V> {
  private final HeBackend<V> be;
  private final V u;
  /** {@code T_k} by index, then by level; the highest level is the natural one. */
  private final Map<Integer, TreeMap<Integer, V>> copies = new HashMap<>();

  ChebyshevBasis(HeBackend<V> be, V u) {
    this.be = be;
    this.u = u;
    TreeMap<Integer, V> one = new TreeMap<>();
    one.put(be.level(u), u);
    copies.put(1, one);
  }

  /** The level {@code T_k} is made at (making it if needed), {@code k >= 1}. */
  int naturalLevel(int k) {
    TreeMap<Integer, V> byLevel = copies.get(k);
    if (byLevel == null) {
      byLevel = make(k); // recursive: not inside computeIfAbsent
      copies.put(k, byLevel);
    }
    return byLevel.lastKey();
  }

  /** Whether {@code T_k} is already kept at {@code level} (no drop needed to get it there). */
  boolean has(int k, int level) {
    TreeMap<Integer, V> byLevel = copies.get(k);
    return byLevel != null && byLevel.containsKey(level);
  }

  /**
   * {@code T_k} at exactly {@code level} (not to be released by the caller).
   *
   * @throws IllegalArgumentException if {@code level} is above the natural level of {@code T_k}
   */
  V at(int k, int level) {
    naturalLevel(k);
    TreeMap<Integer, V> byLevel = copies.get(k);
    V v = byLevel.get(level);
    if (v == null) {
      Map.Entry<Integer, V> above = byLevel.ceilingEntry(level);
      if (above == null) {
        throw new IllegalArgumentException(
            "T_" + k + " is made at level " + byLevel.lastKey() + ", asked for level " + level);
      }
      v = be.dropToLevel(above.getValue(), level);
      byLevel.put(level, v);
    }
    return v;
  }

  /** Frees every value made here. */
  void release() {
    List<V> all = new ArrayList<>();
    for (TreeMap<Integer, V> byLevel : copies.values()) {
      all.addAll(byLevel.values());
    }
    copies.clear();
    for (V v : all) {
      if (v != u) {
        be.release(v);
      }
    }
  }

  private TreeMap<Integer, V> make(int k) {
    if (k < 2) {
      throw new IllegalArgumentException("T_" + k + " is not made by a product");
    }
    int a = (k + 1) / 2;
    int b = k / 2;
    int level = Math.min(naturalLevel(a), naturalLevel(b));
    V product = a == b ? be.square(at(a, level)) : be.mul(at(a, level), at(b, level));
    V twice = be.add(product, product);
    be.release(product);
    V t;
    if (a == b) {
      t = be.addConst(twice, -1);
    } else {
      t = be.sub(twice, at(1, be.level(twice)));
    }
    be.release(twice);
    TreeMap<Integer, V> byLevel = new TreeMap<>();
    byLevel.put(be.level(t), t);
    return byLevel;
  }
}
