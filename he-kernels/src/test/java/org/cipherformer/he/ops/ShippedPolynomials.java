package org.cipherformer.he.ops;

/**
 * The polynomial components of the shipped model {@code models/vit-fmnist/config.json} (copied: he-kernels cannot
 * depend on model/).
 */
final class ShippedPolynomials {
  private ShippedPolynomials() {}

  /** {@code components.activation}: GELU, Chebyshev degree 15 on [-8, 8]. */
  static final double GELU_LO = -8.0;
  static final double GELU_HI = 8.0;
  static final double[] GELU = {
    2.5263826688055024, 4.0, 1.7358952779175492, 4.915960340333465e-17, -0.3723082337399518,
    3.684909839320575e-16, 0.170326756457538, -3.1357210471652096e-16, -0.09647026171553072,
    4.718100074395456e-16, 0.05777480830998229, 3.5252869356806227e-16, -0.033111267022248585,
    1.3596400159455188e-16, 0.01512161941986213, 1.2714077698097275e-16
  };

  /** {@code components.layernorm.inv_sqrt}: 1/sqrt(v), Chebyshev degree 15 on [0.1, 10], then 2 Newton steps. */
  static final double INV_SQRT_LO = 0.1;
  static final double INV_SQRT_HI = 10.0;
  static final int NEWTON_STEPS = 2;
  static final double[] INV_SQRT = {
    0.7436759645756594, -0.6909866998113365, 0.44412081341972387, -0.3103278616096041, 0.22547611309568508,
    -0.167541724180701, 0.12625381193415325, -0.09598006699012573, 0.07330871385078028, -0.0560299821652151,
    0.04264134542105255, -0.03208122446685088, 0.02357396673537497, -0.01653364112942761, 0.010500827844521735,
    -0.005098632351934251
  };

  /** {@code components.attention.inverse}: Goldschmidt on [1, 129] with 9 iterations. */
  static final double INVERSE_LO = 1.0;
  static final double INVERSE_HI = 129.0;
  static final int INVERSE_ITERATIONS = 9;

  /** {@code n} equally spaced points of {@code [lo, hi]}, ends included. */
  static double[] grid(double lo, double hi, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = lo + (hi - lo) * i / (n - 1);
    }
    return x;
  }
}
