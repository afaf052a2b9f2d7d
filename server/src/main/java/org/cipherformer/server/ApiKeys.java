package org.cipherformer.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API keys for tenants. The server stores only SHA-256 hashes of keys (the config file's {@code apiKeySha256}), so a
 * leaked config file does not leak usable keys. A key's hash is SHA-256 over the key's UTF-8 bytes (for the keys this
 * class makes, ASCII), written as 64 lowercase hex digits: the same as {@code printf %s "$KEY" | sha256sum}.
 */
public final class ApiKeys {
  /** Longest key the server hashes; anything longer is malformed (bounds the work an unauthenticated caller causes). */
  public static final int MAX_KEY_CHARS = 512;

  /** Random bytes in a generated key: 256 bits, far beyond guessing. */
  private static final int GENERATED_KEY_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {
  }

  /**
   * Makes a new API key: {@value #GENERATED_KEY_BYTES} bytes from the OS CSPRNG, base64url without padding (43
   * characters, safe in an HTTP header and a shell).
   */
  public static String generate() {
    byte[] raw = new byte[GENERATED_KEY_BYTES];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  /**
   * The hash to put in a tenant's {@code apiKeySha256} list for {@code apiKey}: SHA-256 of its UTF-8 bytes as 64
   * lowercase hex digits.
   *
   * @throws IllegalArgumentException if the key is not well formed (see {@link #checkWellFormed(String)})
   */
  public static String sha256Hex(String apiKey) {
    checkWellFormed(apiKey);
    return HexFormat.of().formatHex(sha256(apiKey));
  }

  /**
   * Checks that a key can travel in {@code authorization: Bearer <key>}: 1 to {@value #MAX_KEY_CHARS} visible ASCII
   * characters (0x21 to 0x7e), no spaces.
   *
   * @throws IllegalArgumentException naming the problem (never echoing the key itself)
   */
  public static void checkWellFormed(String apiKey) {
    String problem = wellFormedProblem(apiKey);
    if (problem != null) {
      throw new IllegalArgumentException("API key " + problem);
    }
  }

  /** Null if well formed, else what is wrong (without the key's characters). */
  static String wellFormedProblem(String apiKey) {
    if (apiKey == null || apiKey.isEmpty()) {
      return "is empty";
    }
    if (apiKey.length() > MAX_KEY_CHARS) {
      return "is " + apiKey.length() + " characters long, more than " + MAX_KEY_CHARS;
    }
    for (int i = 0; i < apiKey.length(); i++) {
      char c = apiKey.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return "has a character outside visible ASCII at position " + i;
      }
    }
    return null;
  }

  /** SHA-256 of the key's UTF-8 bytes. */
  static byte[] sha256(String apiKey) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
