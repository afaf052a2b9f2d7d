package org.cipherformer.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Call credentials that send the tenant's API key as {@code authorization: Bearer <key>} on every call (the header
 * the server's API-key interceptor reads; see models.proto). Sent on plaintext channels too: the project's demo and
 * tests run on loopback; use TLS for anything else.
 */
final class BearerToken extends CallCredentials {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final String header;

  /**
   * @param apiKey the API key: printable ASCII without spaces
   * @throws IllegalArgumentException if the key is empty or has characters a header cannot carry
   */
  BearerToken(String apiKey) {
    Objects.requireNonNull(apiKey, "apiKey");
    if (apiKey.isEmpty()) {
      throw new IllegalArgumentException("API key is empty");
    }
    for (int i = 0; i < apiKey.length(); i++) {
      char c = apiKey.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new IllegalArgumentException("API key has a character a header cannot carry at index " + i);
      }
    }
    this.header = "Bearer " + apiKey;
  }

  @Override
  public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
    try {
      Metadata m = new Metadata();
      m.put(AUTHORIZATION, header);
      applier.apply(m);
    } catch (RuntimeException e) {
      applier.fail(Status.UNAUTHENTICATED.withDescription("cannot attach the API key").withCause(e));
    }
  }
}
