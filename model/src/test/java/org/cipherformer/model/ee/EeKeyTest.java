package org.cipherformer.model.ee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EeKeyTest {
    @TempDir
    Path dir;

    private static final String HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    @Test
    void writeThenReadGivesTheSameKeyOwnerOnlyAndExactFormat() throws Exception {
        EeKey k = EeKey.generate();
        Path f = dir.resolve("sub/k.eekey");
        k.write(f);
        assertEquals(k, EeKey.read(f));
        assertEquals(k.keyId(), EeKey.read(f).keyId());
        String text = Files.readString(f);
        assertEquals(EeKey.MAGIC_LINE + "\n" + HexFormat.of().formatHex(k.secret()) + "\n", text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertThrows(FileAlreadyExistsException.class, () -> k.write(f));
    }

    @Test
    void freshKeysDiffer() {
        assertNotEquals(EeKey.generate(), EeKey.generate());
        assertNotEquals(EeKey.generate().keyId(), EeKey.generate().keyId());
    }

    @Test
    void toStringNeverShowsTheSecret() throws Exception {
        EeKey k = EeKey.parse(EeKey.MAGIC_LINE + "\n" + HEX + "\n", "t");
        assertFalse(k.toString().contains(HEX.substring(0, 16)), k.toString());
        assertTrue(k.toString().contains(k.keyId()));
    }

    private void refused(String text, String expectedPart) throws Exception {
        Path f = Files.createTempFile(dir, "bad", ".eekey");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        EeKeyFormatException e = assertThrows(EeKeyFormatException.class, () -> EeKey.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
        assertFalse(e.getMessage().contains(HEX.substring(0, 20)), "message echoes key material: " + e.getMessage());
    }

    @Test
    void refusesAnythingButTheV1Format() throws Exception {
        refused("cipherformer-ee-key v2\n" + HEX + "\n", "unsupported key format version");
        refused("-----BEGIN PRIVATE KEY-----\n" + HEX + "\n", "not an EE key file");
        refused(EeKey.MAGIC_LINE + "\n" + HEX.toUpperCase() + "\n", "line 2");
        refused(EeKey.MAGIC_LINE + "\n" + HEX.substring(2) + "\n", "62 characters");
        refused(EeKey.MAGIC_LINE + "\n" + HEX + "00\n", "66 characters");
        refused(EeKey.MAGIC_LINE + "\n" + HEX, "exactly 2 lines");
        refused(EeKey.MAGIC_LINE + "\n" + HEX + "\nextra\n", "exactly 2 lines");
        refused(EeKey.MAGIC_LINE + "\r\n" + HEX + "\r\n", "line 1");
        refused("", "not an EE key file");
        refused("x".repeat(5000), "not an EE key file (at most");
        assertThrows(EeKeyFormatException.class, () -> EeKey.read(dir.resolve("missing")));
        assertThrows(EeKeyFormatException.class, () -> EeKey.read(dir));
    }

    @Test
    void rawSecretMustBe32Bytes() {
        assertThrows(IllegalArgumentException.class, () -> EeKey.ofSecret(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> EeKey.ofSecret(null));
    }
}
