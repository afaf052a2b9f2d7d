package org.cipherformer.he;

/**
 * A parameter set whose total coefficient-modulus bit count (special prime included) exceeds the security
 * level's limit for its ring degree.
 */
public final class InsecureParametersException extends InvalidParametersException {
  private static final long serialVersionUID = 1L;
  private final int polyModulusDegree;
  private final int totalBits;
  private final int maxBits;

  public InsecureParametersException(
      int polyModulusDegree, int totalBits, int maxBits, SecurityLevel level) {
    super(
        "coefficient modulus has "
            + totalBits
            + " bits in total, more than the "
            + maxBits
            + "-bit limit for N = "
            + polyModulusDegree
            + " at "
            + level);
    this.polyModulusDegree = polyModulusDegree;
    this.totalBits = totalBits;
    this.maxBits = maxBits;
  }

  public int polyModulusDegree() {
    return polyModulusDegree;
  }

  public int totalBits() {
    return totalBits;
  }

  public int maxBits() {
    return maxBits;
  }
}
