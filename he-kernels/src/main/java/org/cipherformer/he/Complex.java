package org.cipherformer.he;

/** A complex number, the value of one CKKS slot. */
public record Complex(double re, double im) {
  /** The real number re. */
  public static Complex ofReal(double re) {
    return new Complex(re, 0);
  }
}
