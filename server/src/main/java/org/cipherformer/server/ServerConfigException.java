package org.cipherformer.server;

/**
 * A server configuration that cannot be used: unreadable file, malformed JSON, or a field with a bad value. The
 * message names the file (when there is one) and the field, e.g. {@code config/server.json: tenants[1].id: duplicate
 * tenant id 'alice'}.
 */
public final class ServerConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ServerConfigException(String message) {
    super(message);
  }

  public ServerConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
