package org.cipherformer.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link CipherformerClient} talks to a server: API key, TLS (server CA, optional client certificate for
 * mTLS), a deadline per call and the largest message it accepts. Immutable; made with {@link #builder()}.
 *
 * @param apiKey              the tenant's API key (sent as {@code authorization: Bearer <key>}), or null
 * @param tls                 true for TLS, false for plaintext (loopback only)
 * @param trustCertificates   PEM file of the CA(s) that sign the server's certificate, or null for the JDK's
 * @param clientCertificate   PEM certificate chain presented for mTLS, or null
 * @param clientKey           PEM private key (PKCS#8) of {@code clientCertificate}, or null
 * @param authorityOverride   the name checked against the server certificate instead of the target's host, or null
 * @param deadline            deadline of each call (an inference is one call), or null for none
 * @param maxInboundMessageBytes largest message accepted from the server (refresh requests carry ciphertexts)
 * @param releaseFloodingStd  noise flooding of every decrypted result (classification logits, next-token logits,
 *                            {@link CipherformerClient#runCkks} outputs): the standard deviation of the Gaussian it
 *                            adds to each value, in the values' units; 0 turns it off (then never release the values
 *                            to anyone who may hold the ciphertexts: Li–Micciancio key recovery, docs/ckks-leakage.md)
 */
public record ClientOptions(String apiKey, boolean tls, Path trustCertificates, Path clientCertificate,
                            Path clientKey, String authorityOverride, Duration deadline,
                            int maxInboundMessageBytes, double releaseFloodingStd) {
  /** Default largest inbound message: 64 MiB (a refresh round at N = 32768 carries several 8 MB ciphertexts). */
  public static final int DEFAULT_MAX_INBOUND_BYTES = 64 << 20;

  /**
   * Default flooding of decrypted results: a Gaussian of standard deviation 0.01 per value (logit units), about 400x
   * the CKKS noise of the shipped models' logits (max 2.6e-5 measured); docs/ckks-leakage.md gives the statistical
   * security this buys (about 13 bits in OpenFHE's sense for one released result) and its cost.
   */
  public static final double DEFAULT_RELEASE_FLOODING_STD = 0.01;

  /** Checks the combination. */
  public ClientOptions {
    if ((clientCertificate == null) != (clientKey == null)) {
      throw new IllegalArgumentException("a client certificate needs its key and a key its certificate (got "
          + clientCertificate + " and " + clientKey + ")");
    }
    if (!tls && (trustCertificates != null || clientCertificate != null)) {
      throw new IllegalArgumentException("certificates given but TLS is off");
    }
    if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
      throw new IllegalArgumentException("deadline must be positive, got " + deadline);
    }
    if (maxInboundMessageBytes < 1) {
      throw new IllegalArgumentException("max inbound message bytes must be >= 1, got " + maxInboundMessageBytes);
    }
    if (!(releaseFloodingStd >= 0) || Double.isInfinite(releaseFloodingStd)) {
      throw new IllegalArgumentException("release flooding std must be >= 0 and finite, got " + releaseFloodingStd);
    }
    if (apiKey != null) {
      new BearerToken(apiKey); // validates the characters now rather than on the first call
    }
  }

  /** Plaintext, no API key, no deadline. */
  public static ClientOptions defaults() {
    return builder().build();
  }

  /** A builder starting from plaintext, no API key, no deadline. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder of {@link ClientOptions}. */
  public static final class Builder {
    private String apiKey;
    private boolean tls;
    private Path trust;
    private Path cert;
    private Path key;
    private String authority;
    private Duration deadline;
    private int maxInbound = DEFAULT_MAX_INBOUND_BYTES;
    private double releaseFlooding = DEFAULT_RELEASE_FLOODING_STD;

    private Builder() {
    }

    /** The tenant's API key, or null for none. */
    public Builder apiKey(String key) {
      this.apiKey = key;
      return this;
    }

    /** TLS with the JDK's trusted CAs (or those of {@link #trustCertificates}). */
    public Builder tls(boolean on) {
      this.tls = on;
      return this;
    }

    /** TLS trusting the CA certificates in this PEM file. */
    public Builder trustCertificates(Path pem) {
      this.tls = true;
      this.trust = Objects.requireNonNull(pem, "pem");
      return this;
    }

    /** mTLS: present this certificate chain and key (PEM). Turns TLS on. */
    public Builder clientCertificate(Path certificateChain, Path privateKey) {
      this.tls = true;
      this.cert = Objects.requireNonNull(certificateChain, "certificateChain");
      this.key = Objects.requireNonNull(privateKey, "privateKey");
      return this;
    }

    /** Check the server certificate against this name instead of the target's host. */
    public Builder authorityOverride(String authority) {
      this.authority = authority;
      return this;
    }

    /** Deadline of each call, or null for none. */
    public Builder deadline(Duration d) {
      this.deadline = d;
      return this;
    }

    /** Largest message accepted from the server. */
    public Builder maxInboundMessageBytes(int bytes) {
      this.maxInbound = bytes;
      return this;
    }

    /**
     * Noise flooding of decrypted results: standard deviation of the Gaussian added to each value (0: off; default
     * {@link #DEFAULT_RELEASE_FLOODING_STD}).
     */
    public Builder releaseFlooding(double std) {
      this.releaseFlooding = std;
      return this;
    }

    /** @throws IllegalArgumentException naming the problem if the options do not fit together */
    public ClientOptions build() {
      return new ClientOptions(apiKey, tls, trust, cert, key, authority, deadline, maxInbound, releaseFlooding);
    }
  }
}
