package org.cipherformer.he.io;

import java.io.IOException;

/**
 * Bytes that are not a valid SEAL 4.1 serialization of the expected object for the given parameters. The message
 * names the offending field and value. Every failure of {@link SealReader} on untrusted input is one of these
 * (never an unchecked exception, an OutOfMemoryError or a hang).
 */
public class SealFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public SealFormatException(String message) {
    super(message);
  }

  public SealFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
