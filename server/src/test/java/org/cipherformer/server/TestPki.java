package org.cipherformer.server;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority made at test time (nothing secret is committed to git): EC P-256 keys, a
 * self-signed CA, and leaf certificates for a server on localhost/127.0.0.1 and for clients. Files are PEM; private
 * keys are unencrypted PKCS#8, the form Netty loads.
 */
final class TestPki {
  private static final SecureRandom RANDOM = new SecureRandom();

  final Path caCert;
  private final X509Certificate ca;
  private final KeyPair caKeys;
  private final Path dir;
  private final String name;

  private TestPki(Path dir, String name, X509Certificate ca, KeyPair caKeys, Path caCert) {
    this.dir = dir;
    this.name = name;
    this.ca = ca;
    this.caKeys = caKeys;
    this.caCert = caCert;
  }

  /** A new CA whose files go to {@code dir}, prefixed with {@code name}. */
  static TestPki create(Path dir, String name) throws Exception {
    KeyPair keys = ecKeys();
    X500Name subject = new X500Name("CN=" + name + " test CA");
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject,
        keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    X509Certificate cert = sign(b, keys.getPrivate());
    Path caPath = dir.resolve(name + "-ca.crt");
    writePem(caPath, "CERTIFICATE", cert.getEncoded());
    return new TestPki(dir, name, cert, keys, caPath);
  }

  /** Certificate chain and key of a server reachable as localhost and 127.0.0.1. */
  Leaf server() throws Exception {
    return leaf("server", KeyPurposeId.id_kp_serverAuth,
        new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
  }

  /** Certificate and key of a client. */
  Leaf client(String clientName) throws Exception {
    return leaf("client-" + clientName, KeyPurposeId.id_kp_clientAuth, null);
  }

  record Leaf(Path certChain, Path privateKey) {
  }

  private Leaf leaf(String leafName, KeyPurposeId purpose, GeneralNames altNames) throws Exception {
    KeyPair keys = ecKeys();
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
        new X500Name("CN=" + leafName), keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    if (altNames != null) {
      b.addExtension(Extension.subjectAlternativeName, false, altNames);
    }
    X509Certificate cert = sign(b, caKeys.getPrivate());
    Path certPath = dir.resolve(name + "-" + leafName + ".crt");
    Path keyPath = dir.resolve(name + "-" + leafName + ".key");
    writePem(certPath, "CERTIFICATE", cert.getEncoded());
    writePem(keyPath, "PRIVATE KEY", keys.getPrivate().getEncoded()); // Java's encoding is PKCS#8
    return new Leaf(certPath, keyPath);
  }

  private static KeyPair ecKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    return new JcaX509CertificateConverter().getCertificate(b.build(signer));
  }

  private static void writePem(Path path, String type, byte[] der) throws IOException {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(path, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }
}
