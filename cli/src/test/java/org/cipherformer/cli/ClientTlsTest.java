package org.cipherformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import org.cipherformer.client.CipherformerClient;
import org.cipherformer.client.CipherformerException;
import org.cipherformer.client.ClientOptions;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.server.CipherformerServer;
import org.cipherformer.server.TlsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's TLS options against the real server with TLS and with mutual TLS on a loopback port: the library's
 * {@link ClientOptions} and the CLI's --ca-cert / --client-cert / --client-key. Only ListModels is called.
 */
class ClientTlsTest {
  @TempDir
  Path dir;

  private static CipherformerServer start(TlsConfig tls) throws Exception {
    return CipherformerServer.builder().port(0).modelsDirectory(RepoPaths.root().resolve("models"))
        .models(List.of("vit-fmnist")).precompilePlans(false).tls(tls).start();
  }

  private static Status.Code listWith(String target, ClientOptions options) {
    try (CipherformerClient c = CipherformerClient.connect(target, options)) {
      c.listModels();
      return Status.Code.OK;
    } catch (CipherformerException e) {
      return e.code();
    }
  }

  @Test
  void tlsTrustsOnlyTheGivenCa() throws Exception {
    TestCertificates pki = TestCertificates.create(dir, "tls");
    TestCertificates other = TestCertificates.create(dir, "other");
    TestCertificates.Leaf leaf = pki.server();
    try (CipherformerServer server = start(TlsConfig.serverOnly(leaf.chain(), leaf.key()))) {
      String target = "127.0.0.1:" + server.port();
      assertEquals(Status.Code.OK, listWith(target, ClientOptions.builder().trustCertificates(pki.caCert).build()));
      assertEquals(Status.Code.UNAVAILABLE,
          listWith(target, ClientOptions.builder().trustCertificates(other.caCert).build()));
      assertEquals(Status.Code.UNAVAILABLE, listWith(target, ClientOptions.defaults()), "plaintext to a TLS port");
      CliTest.Run ok = CliTest.run("models", "--server", target, "--ca-cert", pki.caCert.toString());
      assertEquals(0, ok.code(), ok.err());
      assertTrue(ok.out().contains("vit-fmnist"), ok.out());
    }
  }

  @Test
  void mutualTlsNeedsAClientCertificateFromTheClientCa() throws Exception {
    TestCertificates pki = TestCertificates.create(dir, "mtls");
    TestCertificates stranger = TestCertificates.create(dir, "stranger");
    TestCertificates.Leaf leaf = pki.server();
    TestCertificates.Leaf alice = pki.client("alice");
    TestCertificates.Leaf mallory = stranger.client("mallory");
    try (CipherformerServer server = start(TlsConfig.mutual(leaf.chain(), leaf.key(), pki.caCert))) {
      String target = "127.0.0.1:" + server.port();
      assertEquals(Status.Code.OK, listWith(target, ClientOptions.builder().trustCertificates(pki.caCert)
          .clientCertificate(alice.chain(), alice.key()).build()));
      assertEquals(Status.Code.UNAVAILABLE,
          listWith(target, ClientOptions.builder().trustCertificates(pki.caCert).build()), "no client certificate");
      assertEquals(Status.Code.UNAVAILABLE, listWith(target, ClientOptions.builder().trustCertificates(pki.caCert)
          .clientCertificate(mallory.chain(), mallory.key()).build()), "a certificate from another CA");
      CliTest.Run ok = CliTest.run("models", "--server", target, "--ca-cert", pki.caCert.toString(),
          "--client-cert", alice.chain().toString(), "--client-key", alice.key().toString());
      assertEquals(0, ok.code(), ok.err());
      CliTest.Run refused = CliTest.run("models", "--server", target, "--ca-cert", pki.caCert.toString());
      CliTest.oneErrorLine(refused, 1, "UNAVAILABLE");
      CliTest.oneErrorLine(CliTest.run("models", "--server", target, "--client-cert", alice.chain().toString()), 1,
          "--client-cert and --client-key go together");
    }
  }
}
