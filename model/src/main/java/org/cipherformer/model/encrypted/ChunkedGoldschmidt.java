package org.cipherformer.model.encrypted;

import java.util.List;
import org.cipherformer.he.ops.HeBackend;
import org.cipherformer.he.ops.InverseOps;

/**
 * The Goldschmidt inverse of {@code InverseOps} when it needs more levels than one refresh gives (k = 9 takes
 * k + 2 = 11 levels; N = 16384 has 7 between refreshes): the same product computed by several calls of
 * {@link InverseOps#goldschmidtInverse}, with a refresh between them.
 *
 * <p>With {@code c = 2/(lo+hi)} and {@code b = 1 - c x}, k iterations compute
 * <pre>  Inv_k(x) = c prod_{i=0}^{k} (1 + b^(2^i)) = (1 - b^(2^(k+1))) / x.</pre>
 * A first call with {@code m} iterations gives {@code Inv_m(x)}, and then {@code z = x Inv_m(x) = 1 - b^(2^(m+1))}:
 * so the remaining factors {@code prod_{i=m+1}^{k} (1 + b^(2^i)) = prod_{i=0}^{k-m-1} (1 + (1 - z)^(2^i))} are a
 * Goldschmidt product on {@code z} with {@code c = 1}, i.e. {@code goldschmidtInverse(z, 1 - q, 1 + q, k - m - 1)} for
 * any domain symmetric about 1 (q only needs {@code 0 < q < 1}). Each further chunk multiplies into the result and
 * into {@code z}; a single remaining factor is {@code 1 + (1 - z) = 2 - z} (no level). In exact arithmetic the result
 * is the model's {@code GoldschmidtInverse} value; in doubles it differs by rounding only.
 *
 * <p>This is a composition of the building block (the recurrence stays in {@code InverseOps}) until the block
 * refreshes by itself (requested); when the whole recurrence fits it is one plain call.
 */
final class ChunkedGoldschmidt {
  private ChunkedGoldschmidt() {
  }

  /**
   * @param be         backend
   * @param guard      refresh placement
   * @param x          input (not released); at least {@code min(k + 2, budget)} levels above the floor
   * @param lo         domain start
   * @param hi         domain end
   * @param iterations k
   * @param <V>        value type
   * @return {@code Inv_k(x)}
   */
  static <V> V inverse(HeBackend<V> be, LevelGuard<V> guard, V x, double lo, double hi, int iterations) {
    int budget = guard.budget();
    if (InverseOps.goldschmidtDepth(iterations) <= be.level(x) - be.refreshFloor()) {
      return InverseOps.goldschmidtInverse(be, x, lo, hi, iterations);
    }
    // Largest chunk m with depth(m) + 1 <= budget (one more product follows each chunk), at least 1.
    int chunk = 1;
    while (chunk < iterations && InverseOps.goldschmidtDepth(chunk + 1) + 1 <= budget) {
      chunk++;
    }
    if (InverseOps.goldschmidtDepth(chunk) + 1 > budget) {
      throw new IllegalStateException("a Goldschmidt chunk needs " + (InverseOps.goldschmidtDepth(chunk) + 1)
          + " levels, a refresh gives " + budget);
    }
    int first = Math.min(chunk, iterations);
    V xx = guard.ensure(be.copy(x), InverseOps.goldschmidtDepth(first) + 1);
    V inv = InverseOps.goldschmidtInverse(be, xx, lo, hi, first);
    V z = be.mul(xx, inv);
    be.release(xx);
    int remaining = iterations - first; // factors still to multiply in
    double q = (hi - lo) / (hi + lo);
    double spread = Math.pow(q, Math.pow(2, first + 1)); // 1 - z lies in [0, spread]
    while (remaining > 0) {
      V p;
      int m = Math.min(remaining - 1, chunk);
      boolean more = remaining - (m + 1) > 0;
      if (m == 0) {
        List<V> r = guard.ensure(List.of(inv, z), 1, 0);
        inv = r.get(0);
        z = r.get(1);
        V nz = be.negate(z);
        p = be.addConst(nz, 2);
        be.release(nz);
      } else {
        List<V> r = guard.ensure(List.of(inv, z), 1, InverseOps.goldschmidtDepth(m) + 1);
        inv = r.get(0);
        z = r.get(1);
        double zlo = 1 - Math.max(spread, 1e-3);
        p = InverseOps.goldschmidtInverse(be, z, zlo, 2 - zlo, m);
      }
      V next = be.mul(inv, p);
      be.release(inv);
      inv = next;
      if (more) {
        V nz = be.mul(z, p);
        be.release(z);
        z = nz;
        spread = spread * spread;
        for (int i = 0; i < m; i++) {
          spread = spread * spread;
        }
      }
      be.release(p);
      remaining -= m + 1;
    }
    be.release(z);
    return inv;
  }
}
