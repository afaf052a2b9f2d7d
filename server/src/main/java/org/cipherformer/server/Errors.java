package org.cipherformer.server;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The statuses the services answer with. Every message names the offending value; no stack trace ever goes to a
 * client: anything unexpected is logged here in full and answered as INTERNAL with a one-line summary.
 */
final class Errors {
  private static final Logger LOG = Logger.getLogger(Errors.class.getName());

  private Errors() {
  }

  static StatusRuntimeException invalidArgument(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  static StatusRuntimeException failedPrecondition(String message) {
    return Status.FAILED_PRECONDITION.withDescription(message).asRuntimeException();
  }

  static StatusRuntimeException notFound(String message) {
    return Status.NOT_FOUND.withDescription(message).asRuntimeException();
  }

  static StatusRuntimeException resourceExhausted(String message) {
    return Status.RESOURCE_EXHAUSTED.withDescription(message).asRuntimeException();
  }

  /**
   * The status to answer a failure with: a {@link StatusRuntimeException} or {@link StatusException} as it is,
   * anything else as INTERNAL (logged with its stack trace, which the client never sees).
   *
   * @param what what was being done, for the log and the client's message (e.g. "CKKS inference")
   */
  static Status toStatus(Throwable t, String what) {
    if (t instanceof StatusRuntimeException e) {
      return e.getStatus();
    }
    if (t instanceof StatusException e) {
      return e.getStatus();
    }
    LOG.log(Level.WARNING, what + " failed", t);
    return Status.INTERNAL.withDescription(what + " failed on the server (" + t.getClass().getSimpleName() + ")");
  }
}
