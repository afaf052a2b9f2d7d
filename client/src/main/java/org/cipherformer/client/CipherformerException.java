package org.cipherformer.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A failed call or a client-side check that failed: carries the gRPC status code (the server's, or the code the
 * client assigns to its own check, e.g. {@code INVALID_ARGUMENT} for an image of the wrong size) and a message that
 * names the problem. {@link #getMessage()} is one line meant for people: {@code "NOT_FOUND: no model 'vit'"}.
 */
public final class CipherformerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Status.Code code;
  private final String description;

  /**
   * @param code        the status code
   * @param description what went wrong (no code prefix)
   * @param cause       the underlying exception, or null
   */
  public CipherformerException(Status.Code code, String description, Throwable cause) {
    super(code + ": " + description, cause);
    this.code = code;
    this.description = description;
  }

  /**
   * @param code        the status code
   * @param description what went wrong (no code prefix)
   */
  public CipherformerException(Status.Code code, String description) {
    this(code, description, null);
  }

  /** The gRPC status code. */
  public Status.Code code() {
    return code;
  }

  /** The message without the code prefix. */
  public String description() {
    return description;
  }

  /**
   * Converts any exception from a call into a {@code CipherformerException}: a gRPC status keeps its code and
   * description (the server's message); an {@link IllegalArgumentException} from a client-side check becomes
   * {@code INVALID_ARGUMENT}, an {@link IllegalStateException} (e.g. a closed key set) {@code FAILED_PRECONDITION};
   * anything else becomes {@code INTERNAL} with its message.
   *
   * @param e the exception
   * @return e itself if it already is one
   */
  public static CipherformerException from(Throwable e) {
    if (e instanceof CipherformerException ce) {
      return ce;
    }
    Status status = null;
    if (e instanceof StatusRuntimeException sre) {
      status = sre.getStatus();
    } else if (e instanceof io.grpc.StatusException se) {
      status = se.getStatus();
    }
    if (status != null) {
      String d = status.getDescription();
      if (d == null || d.isEmpty()) {
        d = status.getCause() != null && status.getCause().getMessage() != null
            ? status.getCause().getMessage()
            : describe(status.getCode());
      }
      return new CipherformerException(status.getCode(), d, e);
    }
    if (e instanceof IllegalArgumentException) {
      return new CipherformerException(Status.Code.INVALID_ARGUMENT, String.valueOf(e.getMessage()), e);
    }
    if (e instanceof IllegalStateException) {
      // E.g. a key set used after it was closed: the client's own state, not the server's.
      return new CipherformerException(Status.Code.FAILED_PRECONDITION, String.valueOf(e.getMessage()), e);
    }
    String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return new CipherformerException(Status.Code.INTERNAL, m, e);
  }

  private static String describe(Status.Code code) {
    return switch (code) {
      case UNAVAILABLE -> "server unavailable";
      case DEADLINE_EXCEEDED -> "deadline exceeded";
      case CANCELLED -> "call cancelled";
      case UNAUTHENTICATED -> "not authenticated (missing or unknown API key)";
      default -> "call failed";
    };
  }
}
