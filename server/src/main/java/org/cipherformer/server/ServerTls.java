package org.cipherformer.server;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import javax.net.ssl.SSLException;

/**
 * Builds the Netty TLS context of the gRPC port from a {@link TlsConfig}. {@link GrpcSslContexts} sets what gRPC
 * needs on top of plain TLS: ALPN with h2 and HTTP/2-compatible cipher suites (TLS 1.2+).
 */
public final class ServerTls {
  private ServerTls() {
  }

  /**
   * The server-side TLS context.
   *
   * @throws ServerConfigException if the certificate chain, the key or the client CA cannot be loaded (e.g. an
   *                               encrypted or PKCS#1 key: Netty wants unencrypted PKCS#8, {@code BEGIN PRIVATE
   *                               KEY}); the message names the files
   */
  public static SslContext serverContext(TlsConfig tls) {
    File chain = file(tls.certChain().toFile(), "certChain");
    File key = file(tls.privateKey().toFile(), "privateKey");
    File clientCa = tls.clientCa() == null ? null : file(tls.clientCa().toFile(), "clientCa");
    SslContextBuilder builder;
    try {
      builder = GrpcSslContexts.forServer(chain, key);
    } catch (IllegalArgumentException e) {
      throw new ServerConfigException("tls: cannot load certChain " + tls.certChain() + " with privateKey "
          + tls.privateKey() + " (PEM; the key must be unencrypted PKCS#8, 'BEGIN PRIVATE KEY'): "
          + rootMessage(e), e);
    }
    if (clientCa != null) {
      try {
        builder.trustManager(clientCa);
      } catch (IllegalArgumentException e) {
        throw new ServerConfigException("tls.clientCa: cannot load CA certificates from " + tls.clientCa()
            + ": " + rootMessage(e), e);
      }
      builder.clientAuth(tls.requireClientCert() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
    }
    try {
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new ServerConfigException("tls: cannot build the TLS context from certChain " + tls.certChain()
          + ", privateKey " + tls.privateKey()
          + (tls.clientCa() == null ? "" : ", clientCa " + tls.clientCa()) + ": " + rootMessage(e), e);
    }
  }

  private static File file(File f, String field) {
    if (!f.isFile() || !f.canRead()) {
      throw new ServerConfigException("tls." + field + ": no readable file at " + f);
    }
    return f;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
  }
}
