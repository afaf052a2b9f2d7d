package org.cipherformer.he;

/** Encryption parameters that cannot be used: a bad degree, bit size, modulus, or an unknown level. */
public class InvalidParametersException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidParametersException(String message) {
    super(message);
  }
}
