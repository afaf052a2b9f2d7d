package org.cipherformer.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.cipherformer.client.CipherformerClient;
import org.cipherformer.client.ClientOptions;
import picocli.CommandLine.Option;

/** How a client command reaches the server. */
final class ConnectionOptions {
  @Option(names = {"-s", "--server"}, paramLabel = "HOST:PORT", defaultValue = "${env:CIPHERFORMER_SERVER:-localhost:50051}",
      description = "Server address (default: $CIPHERFORMER_SERVER or ${DEFAULT-VALUE}).")
  String server;

  @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:CIPHERFORMER_API_KEY}",
      description = "API key, sent as `authorization: Bearer KEY` (default: $CIPHERFORMER_API_KEY).")
  String apiKey;

  @Option(names = "--api-key-file", paramLabel = "FILE", description = "Read the API key from a file (first line).")
  Path apiKeyFile;

  @Option(names = "--tls", description = "Use TLS (implied by --ca-cert and --client-cert).")
  boolean tls;

  @Option(names = "--ca-cert", paramLabel = "PEM", description = "CA certificate(s) that sign the server's certificate.")
  Path caCert;

  @Option(names = "--client-cert", paramLabel = "PEM", description = "Client certificate chain for mTLS (with --client-key).")
  Path clientCert;

  @Option(names = "--client-key", paramLabel = "PEM", description = "Private key (PKCS#8) of --client-cert.")
  Path clientKey;

  @Option(names = "--deadline", paramLabel = "SECONDS",
      description = "Deadline of each call in seconds (an inference is one call; default: none).")
  Double deadlineSeconds;

  /** Connects with these options. */
  CipherformerClient connect() throws IOException {
    ClientOptions.Builder b = ClientOptions.builder();
    String key = apiKey;
    if (apiKeyFile != null) {
      key = Files.readAllLines(apiKeyFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
    }
    if (key != null && !key.isEmpty()) {
      b.apiKey(key);
    }
    b.tls(tls);
    if (caCert != null) {
      b.trustCertificates(caCert);
    }
    if (clientCert != null || clientKey != null) {
      if (clientCert == null || clientKey == null) {
        throw new IllegalArgumentException("--client-cert and --client-key go together");
      }
      b.clientCertificate(clientCert, clientKey);
    }
    if (deadlineSeconds != null) {
      if (!(deadlineSeconds > 0)) {
        throw new IllegalArgumentException("--deadline must be positive, got " + deadlineSeconds);
      }
      b.deadline(Duration.ofNanos((long) (deadlineSeconds * 1e9)));
    }
    return CipherformerClient.connect(server, b.build());
  }
}
