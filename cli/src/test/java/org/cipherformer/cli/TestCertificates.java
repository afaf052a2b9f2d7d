package org.cipherformer.cli;

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
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time (nothing secret in git): a CA, a server leaf for localhost / 127.0.0.1 and client
 * leaves, EC P-256, PEM files with PKCS#8 keys (what grpc-java's TLS credentials and Netty load).
 */
final class TestCertificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A PEM certificate chain and its key. */
  record Leaf(Path chain, Path key) {
  }

  final Path caCert;
  private final Path dir;
  private final X509Certificate ca;
  private final PrivateKey caKey;

  private TestCertificates(Path dir, Path caCert, X509Certificate ca, PrivateKey caKey) {
    this.dir = dir;
    this.caCert = caCert;
    this.ca = ca;
    this.caKey = caKey;
  }

  /** A new CA; its files go to {@code dir} named after {@code name}. */
  static TestCertificates create(Path dir, String name) throws Exception {
    KeyPair keys = keys();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), notBefore(), notAfter(), subject,
        keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    X509Certificate cert = sign(b, keys.getPrivate());
    Path pem = dir.resolve(name + "-ca.crt");
    pem(pem, "CERTIFICATE", cert.getEncoded());
    return new TestCertificates(dir, pem, cert, keys.getPrivate());
  }

  /** The server's certificate: localhost and 127.0.0.1. */
  Leaf server() throws Exception {
    return leaf("server", KeyPurposeId.id_kp_serverAuth, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
  }

  /** A client's certificate. */
  Leaf client(String name) throws Exception {
    return leaf("client-" + name, KeyPurposeId.id_kp_clientAuth, null);
  }

  private Leaf leaf(String name, KeyPurposeId purpose, GeneralNames names) throws Exception {
    KeyPair keys = keys();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), notBefore(), notAfter(),
        new X500Name("CN=" + name), keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    if (names != null) {
      b.addExtension(Extension.subjectAlternativeName, false, names);
    }
    Path chain = dir.resolve(name + "-" + RANDOM.nextInt(1 << 20) + ".crt");
    Path key = dir.resolve(chain.getFileName().toString().replace(".crt", ".key"));
    pem(chain, "CERTIFICATE", sign(b, caKey).getEncoded());
    pem(key, "PRIVATE KEY", keys.getPrivate().getEncoded()); // the JDK encodes private keys as PKCS#8
    return new Leaf(chain, key);
  }

  private static KeyPair keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(63, RANDOM).add(BigInteger.ONE);
  }

  private static Date notBefore() {
    return Date.from(Instant.now().minus(Duration.ofMinutes(5)));
  }

  private static Date notAfter() {
    return Date.from(Instant.now().plus(Duration.ofDays(1)));
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static void pem(Path path, String type, byte[] der) throws Exception {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(path, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }
}
