package org.cipherformer.server;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS for the gRPC port: the server's certificate chain and private key (PEM; the key unencrypted PKCS#8, {@code
 * -----BEGIN PRIVATE KEY-----}), and for mutual TLS the CA certificates that client certificates must chain to.
 *
 * @param certChain         PEM file: the server certificate first, then intermediates
 * @param privateKey        PEM file: the server certificate's private key, PKCS#8 unencrypted
 * @param clientCa          PEM file of trusted client-certificate CAs, or null for server-only TLS
 * @param requireClientCert with a clientCa: true rejects clients without a valid certificate (mTLS); false accepts
 *                          them without one but still rejects a certificate that does not chain to clientCa
 */
public record TlsConfig(Path certChain, Path privateKey, Path clientCa, boolean requireClientCert) {
  public TlsConfig {
    Objects.requireNonNull(certChain, "certChain");
    Objects.requireNonNull(privateKey, "privateKey");
    if (requireClientCert && clientCa == null) {
      throw new IllegalArgumentException("requireClientCert needs clientCa: the CA that client certificates"
          + " must chain to");
    }
  }

  /** Server-only TLS: clients check the server, the server does not ask for client certificates. */
  public static TlsConfig serverOnly(Path certChain, Path privateKey) {
    return new TlsConfig(certChain, privateKey, null, false);
  }

  /** Mutual TLS: every client must present a certificate that chains to {@code clientCa}. */
  public static TlsConfig mutual(Path certChain, Path privateKey, Path clientCa) {
    return new TlsConfig(certChain, privateKey, clientCa, true);
  }
}
