package org.cipherformer.he.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.cipherformer.he.Ciphertext;
import org.junit.jupiter.api.Test;

/**
 * Why {@link ChebyshevSeries#evaluate} spends one level on {@code u = a x + b} when {@code a} is not an integer: the
 * alternative at optimal depth, evaluating directly on {@code x} with the unnormalized basis
 * {@code T_k(a x + b) = alpha_k B_k + beta_k} (every {@code B_k} made without a non-integer constant on a tight operand;
 * {@code alpha_g} of each giant step folded into the coefficients it multiplies), is exact in real arithmetic but
 * useless on CKKS: the giant steps reach {@code 1/alpha_g} (2.6e5 for GELU on [-8, 8]) and the folded constants
 * {@code c alpha_g alpha_i} are far below the constant encoding's resolution (2^-40). This test keeps that
 * counter-example runnable: it must be exact on {@link SimulatedBackend} and at depth {@code unitDepth()}, and on
 * CKKS (n16384) far worse than {@code evaluate} (measured 23:15 UTC: GELU 0.8 vs 2.3e-7, 1/sqrt 0.03 vs 3.8e-7).
 */
class UnnormalizedOptimalDepthTest {

  /** T_k(a x + b) = alpha_k B_k + beta_k, B_1 = x, products of shifted B's only. */
  static final class UnnormalizedBasis<V> {
    final HeBackend<V> be;
    final Map<Integer, V> values = new HashMap<>();
    final Map<Integer, double[]> affine = new HashMap<>(); // {alpha, beta}

    UnnormalizedBasis(HeBackend<V> be, V x, double a, double b) {
      this.be = be;
      values.put(1, x);
      affine.put(1, new double[] {a, b});
    }

    V get(int k) {
      V v = values.get(k);
      if (v != null) {
        return v;
      }
      int p = (k + 1) / 2;
      int q = k / 2;
      double[] sp = affine(p);
      double[] sq = affine(q);
      V fp = be.addConst(get(p), sp[1] / sp[0]); // T_p / alpha_p
      V product = p == q ? be.square(fp) : be.mul(fp, be.addConst(get(q), sq[1] / sq[0]));
      double alpha = 2 * sp[0] * sq[0];
      double beta = -1;
      if (p != q) { // T_k = alpha P - T_1 = alpha (P - (a / alpha) x) - b: the constant lands on x (slack)
        double[] s1 = affine.get(1);
        product = be.sub(product, be.mulConst(get(1), s1[0] / alpha));
        beta = -s1[1];
      }
      values.put(k, product);
      affine.put(k, new double[] {alpha, beta});
      return product;
    }

    double[] affine(int k) {
      get(k);
      return affine.get(k);
    }
  }

  /** The same block recursion as ChebyshevSeries, with alpha_g folded into the divided-off block. */
  static <V> V evaluate(HeBackend<V> be, UnnormalizedBasis<V> basis, double[] q, int budget, int m) {
    int n = q.length - 1;
    while (n > 0 && q[n] == 0) {
      n--;
    }
    if (n == 0) {
      return null;
    }
    if (n < m && n <= (1 << (budget - 1))) {
      V acc = null;
      double constant = q[0];
      for (int i = 1; i <= n; i++) {
        if (q[i] != 0) {
          double[] s = basis.affine(i);
          V t = be.mulConst(basis.get(i), q[i] * s[0]);
          constant += q[i] * s[1];
          acc = acc == null ? t : be.add(acc, t);
        }
      }
      return be.addConst(acc, constant);
    }
    int g = Integer.highestOneBit(n);
    double[] a = new double[g];
    double[] b = new double[n - g + 1];
    System.arraycopy(q, 0, a, 0, g);
    b[0] = q[g];
    for (int k = g + 1; k <= n; k++) {
      b[k - g] += 2 * q[k];
      a[2 * g - k] -= q[k];
    }
    double[] sg = basis.affine(g);
    for (int i = 0; i < b.length; i++) {
      b[i] *= sg[0]; // T_g B = (B_g + beta_g / alpha_g) (alpha_g B)
    }
    V high = evaluate(be, basis, b, budget - 1, m);
    V shifted = be.addConst(basis.get(g), sg[1] / sg[0]);
    V product = high == null ? be.mulConst(shifted, b[0]) : be.mul(shifted, high);
    V low = evaluate(be, basis, a, budget, m);
    return low == null ? be.addConst(product, a[0]) : be.add(low, product);
  }

  static double[] withoutNegligible(double[] c) {
    double[] r = c.clone();
    for (int k = 0; k < r.length; k++) {
      if (Math.abs(r[k]) < 1e-12) {
        r[k] = 0;
      }
    }
    return r;
  }

  @Test
  void optimalDepthOnXIsExactButDestroysCkksPrecision() {
    double[][] cases = {ShippedPolynomials.GELU, ShippedPolynomials.INV_SQRT};
    double[][] domains = {{ShippedPolynomials.GELU_LO, ShippedPolynomials.GELU_HI},
        {ShippedPolynomials.INV_SQRT_LO, ShippedPolynomials.INV_SQRT_HI}};
    try (CkksKeyHolder holder = new CkksKeyHolder(CkksParameters.n16384());
        CkksBackend ckks = CkksBackend.inProcess(holder, new TreeSet<>())) {
      for (int t = 0; t < cases.length; t++) {
        double lo = domains[t][0];
        double hi = domains[t][1];
        double[] c = withoutNegligible(cases[t]);
        ChebyshevSeries p = new ChebyshevSeries(cases[t], lo, hi);
        double a = 2 / (hi - lo);
        double b = -(lo + hi) / (hi - lo);
        double[] x = new double[ckks.slotCount()];
        Random rnd = new Random(t);
        for (int i = 0; i < x.length; i++) {
          x[i] = lo + (hi - lo) * rnd.nextDouble();
        }

        SimulatedBackend sim = new SimulatedBackend(ckks.slotCount(), ckks.topLevel(), ckks.refreshFloor());
        SimulatedBackend.Value sx = sim.input(x);
        SimulatedBackend.Value sr = evaluate(sim, new UnnormalizedBasis<>(sim, sx, a, b), c, p.unitDepth(), 4);
        assertEquals(p.unitDepth(), sim.level(sx) - sim.level(sr), "optimal depth on x");
        double[] so = sim.output(sr);
        for (int i = 0; i < x.length; i++) {
          assertEquals(p.value(x[i]), so[i], 1e-12 * 16, "exact in real arithmetic");
        }

        Ciphertext cx = ckks.input(holder.encrypt(x));
        double folded = maxError(p, x, holder.decrypt(
            evaluate(ckks, new UnnormalizedBasis<>(ckks, cx, a, b), c, p.unitDepth(), 4)));
        double normalized = maxError(p, x, holder.decrypt(p.evaluate(ckks, cx)));
        System.out.printf("CKKS n16384 degree 15 on [%s, %s]: unnormalized at depth %d: max abs error %.3g, "
            + "largest slot %.3g; ChebyshevSeries.evaluate at depth %d: %.3g%n", lo, hi, p.unitDepth(), folded,
            sim.stats().maxMagnitude(), p.depth(), normalized);
        assertTrue(folded > 1000 * normalized, folded + " vs " + normalized);
        assertTrue(normalized < 1e-5, "normalized " + normalized);
      }
    }
  }

  static double maxError(ChebyshevSeries p, double[] x, double[] out) {
    double worst = 0;
    for (int i = 0; i < x.length; i++) {
      worst = Math.max(worst, Math.abs(out[i] - p.value(x[i])));
    }
    return worst;
  }
}
