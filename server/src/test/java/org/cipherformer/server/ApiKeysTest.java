package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ApiKeysTest {
  @Test
  void hashIsSha256OfUtf8BytesAsLowercaseHex() {
    // FIPS 180-2 test vector for "abc".
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeys.sha256Hex("abc"));
  }

  @Test
  void generatedKeysAreLongRandomAndWellFormed() {
    String a = ApiKeys.generate();
    String b = ApiKeys.generate();
    assertEquals(43, a.length(), "32 bytes base64url without padding");
    assertNotEquals(a, b);
    assertNull(ApiKeys.wellFormedProblem(a));
    assertTrue(a.matches("[A-Za-z0-9_-]{43}"), a);
  }

  @Test
  void malformedKeysAreRejectedWithoutEchoingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiKeys.sha256Hex(""));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ApiKeys.sha256Hex("secret key"));
    assertTrue(e.getMessage().contains("position 6"), e.getMessage());
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
    String tooLong = "k".repeat(ApiKeys.MAX_KEY_CHARS + 1);
    e = assertThrows(IllegalArgumentException.class, () -> ApiKeys.sha256Hex(tooLong));
    assertTrue(e.getMessage().contains("513 characters"), e.getMessage());
  }
}
