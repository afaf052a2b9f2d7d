package org.cipherformer.he.ops;

/**
 * A homomorphic program asked for more multiplicative depth than a value has left (or for a refresh of a value below
 * the refresh floor). The message names the operation and the levels involved.
 */
public final class OutOfLevelsException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** @param message what was asked and at which level */
  public OutOfLevelsException(String message) {
    super(message);
  }
}
