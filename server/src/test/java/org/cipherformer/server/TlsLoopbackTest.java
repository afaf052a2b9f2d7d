package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.cipherformer.proto.v1.ListModelsRequest;
import org.cipherformer.proto.v1.ModelServiceGrpc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS on a real loopback port, with certificate authorities made at test time: a trusted client gets
 * through; a plaintext client, a client that trusts another CA, a client without a certificate (mTLS) and a client
 * whose certificate comes from another CA (mTLS) are refused.
 */
class TlsLoopbackTest {
  @TempDir
  static Path dir;

  private static TestPki pki;
  private static TestPki otherPki;
  private static TestPki.Leaf serverLeaf;
  private static TestPki.Leaf clientLeaf;
  private static TestPki.Leaf strangerLeaf;

  @BeforeAll
  static void makeCertificates() throws Exception {
    pki = TestPki.create(dir, "main");
    otherPki = TestPki.create(dir, "other");
    serverLeaf = pki.server();
    clientLeaf = pki.client("alice");
    strangerLeaf = otherPki.client("mallory");
  }

  private static ServerConfig config(String tls) {
    return ServerConfig.parse("{\"port\": 0, \"shutdownDelaySeconds\": 0, \"drainTimeoutSeconds\": 1,"
        + " \"tls\": " + tls + "}", dir, "tls-test");
  }

  private static String serverTls() {
    return "{\"certChain\": \"" + serverLeaf.certChain().getFileName() + "\", \"privateKey\": \""
        + serverLeaf.privateKey().getFileName() + "\"}";
  }

  private static String mutualTls() {
    return "{\"certChain\": \"" + serverLeaf.certChain().getFileName() + "\", \"privateKey\": \""
        + serverLeaf.privateKey().getFileName() + "\", \"clientCa\": \"" + pki.caCert.getFileName()
        + "\", \"requireClientCert\": true}";
  }

  private static ManagedChannel tlsChannel(int port, Path trustedCa, TestPki.Leaf clientCert) throws Exception {
    SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(trustedCa.toFile());
    if (clientCert != null) {
      ssl.keyManager(clientCert.certChain().toFile(), clientCert.privateKey().toFile());
    }
    return NettyChannelBuilder.forAddress("localhost", port).sslContext(ssl.build()).build();
  }

  /** The tenant name the probe service answers with, or the status of the failure. */
  private static String call(ManagedChannel channel) throws InterruptedException {
    try {
      return ModelServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .listModels(ListModelsRequest.getDefaultInstance()).getModels(0).getName();
    } finally {
      LoopbackServer.closeQuietly(channel);
    }
  }

  private static Status failure(ManagedChannel channel) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(channel));
    return e.getStatus();
  }

  @Test
  void serverTlsAcceptsTrustingClientsAndRefusesPlaintext() throws Exception {
    try (LoopbackServer s = LoopbackServer.start(config(serverTls()))) {
      assertEquals("default", call(tlsChannel(s.port(), pki.caCert, null)));
      Status plain = failure(s.plaintextChannel());
      assertEquals(Status.Code.UNAVAILABLE, plain.getCode(), plain.toString());
      Status untrusted = failure(tlsChannel(s.port(), otherPki.caCert, null));
      assertEquals(Status.Code.UNAVAILABLE, untrusted.getCode(), untrusted.toString());
      assertTrue(String.valueOf(untrusted.getCause()).contains("SSLHandshakeException"), untrusted.toString());
    }
  }

  @Test
  void mutualTlsNeedsAClientCertificateFromTheConfiguredCa() throws Exception {
    try (LoopbackServer s = LoopbackServer.start(config(mutualTls()))) {
      assertEquals("default", call(tlsChannel(s.port(), pki.caCert, clientLeaf)));
      Status noCert = failure(tlsChannel(s.port(), pki.caCert, null));
      assertEquals(Status.Code.UNAVAILABLE, noCert.getCode(), noCert.toString());
      Status foreignCert = failure(tlsChannel(s.port(), pki.caCert, strangerLeaf));
      assertEquals(Status.Code.UNAVAILABLE, foreignCert.getCode(), foreignCert.toString());
      Status plain = failure(s.plaintextChannel());
      assertEquals(Status.Code.UNAVAILABLE, plain.getCode(), plain.toString());
    }
  }

  @Test
  void unusableKeyFileIsAConfigErrorNamingTheFiles() throws Exception {
    Path badKey = dir.resolve("bad.key");
    Files.writeString(badKey, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
    TlsConfig tls = TlsConfig.serverOnly(serverLeaf.certChain(), badKey);
    ServerConfigException e = assertThrows(ServerConfigException.class, () -> ServerTls.serverContext(tls));
    assertTrue(e.getMessage().contains(badKey.toString()), e.getMessage());
    assertTrue(e.getMessage().startsWith("tls: "), e.getMessage());
  }
}
