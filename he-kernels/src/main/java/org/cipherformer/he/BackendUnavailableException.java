package org.cipherformer.he;

/** The CUDA backend was requested explicitly ({@code cuda}, not {@code auto}) but cannot run here. */
public final class BackendUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public BackendUnavailableException(String message) {
    super(message);
  }
}
