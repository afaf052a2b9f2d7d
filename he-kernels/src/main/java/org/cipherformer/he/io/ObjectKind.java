package org.cipherformer.he.io;

/** The SEAL object types this package reads and writes (used in messages and for size bounds). */
enum ObjectKind {
  ENCRYPTION_PARAMETERS("EncryptionParameters"),
  PLAINTEXT("Plaintext"),
  CIPHERTEXT("Ciphertext"),
  SECRET_KEY("SecretKey"),
  PUBLIC_KEY("PublicKey"),
  RELIN_KEYS("RelinKeys"),
  GALOIS_KEYS("GaloisKeys");

  private final String sealName;

  ObjectKind(String sealName) {
    this.sealName = sealName;
  }

  @Override
  public String toString() {
    return sealName;
  }
}
