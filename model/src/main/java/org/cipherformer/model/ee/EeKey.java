package org.cipherformer.model.ee;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * The secret of equivariant-encryption (EE) mode: 256 random bits from which {@link EeKeySchedule} derives every
 * permutation. Whoever holds it can transform a model and talk to the transformed model; the server never sees it.
 *
 * <p>File format (UTF-8 text, exactly two lines, each ending in {@code \n}):
 * <pre>
 * cipherformer-ee-key v1
 * &lt;64 lower-case hex digits&gt;
 * </pre>
 * Anything else is refused with an {@link EeKeyFormatException} that names the file and the line but never echoes
 * key material. The secret is never printed: {@link #toString()} shows only the public {@link #keyId()}.
 */
public final class EeKey {
    /** First line of a key file: format name and version. */
    public static final String MAGIC_LINE = "cipherformer-ee-key v1";
    /** Secret length in bytes. */
    public static final int SECRET_BYTES = 32;
    /** Largest key file read (the format is 89 bytes; anything much larger is not a key file). */
    static final long MAX_FILE_BYTES = 4096;

    private final byte[] secret;

    private EeKey(byte[] secret) {
        this.secret = secret.clone();
    }

    /**
     * A key from raw secret bytes (tests, test vectors).
     *
     * @param secret exactly {@link #SECRET_BYTES} bytes
     * @return the key
     * @throws IllegalArgumentException if the length is wrong
     */
    public static EeKey ofSecret(byte[] secret) {
        if (secret == null || secret.length != SECRET_BYTES) {
            throw new IllegalArgumentException("an EE secret is " + SECRET_BYTES + " bytes, got "
                    + (secret == null ? "null" : secret.length));
        }
        return new EeKey(secret);
    }

    /**
     * A fresh key from a cryptographically strong random source.
     *
     * @param random a CSPRNG ({@link SecureRandom})
     * @return the key
     */
    public static EeKey generate(SecureRandom random) {
        byte[] s = new byte[SECRET_BYTES];
        random.nextBytes(s);
        EeKey k = new EeKey(s);
        Arrays.fill(s, (byte) 0);
        return k;
    }

    /** @return a fresh key from {@code new SecureRandom()} */
    public static EeKey generate() {
        return generate(new SecureRandom());
    }

    /** @return a copy of the secret (callers should wipe it after use) */
    byte[] secret() {
        return secret.clone();
    }

    /**
     * A public identifier of the key: the first 8 bytes of HKDF output with info
     * {@code cipherformer-ee/v1/key-id}, in hex. A transformed model records it so that a client can check it holds
     * the key the model was transformed with; by HKDF's properties it reveals nothing about the permutations.
     *
     * @return 16 hex digits
     */
    public String keyId() {
        return HexFormat.of().formatHex(EeKeySchedule.hkdf(this, EeKeySchedule.INFO_PREFIX + "key-id", 8));
    }

    /**
     * Writes the key file, readable and writable by the owner only where the file system supports POSIX
     * permissions. Refuses to overwrite an existing file (a lost key makes every transformed model useless).
     *
     * @param file destination
     * @throws FileAlreadyExistsException if the file exists
     * @throws IOException                if writing fails
     */
    public void write(Path file) throws IOException {
        String text = MAGIC_LINE + "\n" + HexFormat.of().formatHex(secret) + "\n";
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        boolean posix = Files.getFileStore(parent == null ? Path.of(".") : parent)
                .supportsFileAttributeView("posix");
        if (posix) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(Set.of(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * Reads and checks a key file.
     *
     * @param file the key file
     * @return the key
     * @throws EeKeyFormatException naming the file and line if it is not exactly the v1 format
     * @throws IOException          if it cannot be read
     */
    public static EeKey read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new EeKeyFormatException(file + ": not a regular file");
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new EeKeyFormatException(file + ": " + size + " bytes is not an EE key file (at most "
                    + MAX_FILE_BYTES + ")");
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses the text of a key file.
     *
     * @param text   file content
     * @param source name for messages
     * @return the key
     * @throws EeKeyFormatException if the text is not exactly the v1 format
     */
    public static EeKey parse(String text, String source) throws EeKeyFormatException {
        String[] lines = text.split("\n", -1);
        String first = lines[0];
        if (!first.equals(MAGIC_LINE)) {
            String shown = first.length() > 40 ? first.substring(0, 40) + "..." : first;
            if (first.startsWith("cipherformer-ee-key ")) {
                throw new EeKeyFormatException(source + ": line 1: unsupported key format version \"" + shown
                        + "\" (this reader knows \"" + MAGIC_LINE + "\")");
            }
            throw new EeKeyFormatException(source + ": line 1: not an EE key file (expected \"" + MAGIC_LINE
                    + "\", got \"" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "\")");
        }
        if (lines.length != 3 || !lines[2].isEmpty()) {
            throw new EeKeyFormatException(source + ": must be exactly 2 lines each ending in a newline, got "
                    + (lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length) + " line(s)");
        }
        String hex = lines[1];
        if (!hex.matches("[0-9a-f]{" + 2 * SECRET_BYTES + "}")) {
            // Do not echo the line: it may be (a damaged copy of) key material.
            throw new EeKeyFormatException(source + ": line 2: must be " + 2 * SECRET_BYTES
                    + " lower-case hex digits (a 256-bit secret), got " + hex.length() + " characters");
        }
        byte[] s = HexFormat.of().parseHex(hex);
        EeKey k = new EeKey(s);
        Arrays.fill(s, (byte) 0);
        return k;
    }

    /** Constant-time comparison of the secrets. */
    @Override
    public boolean equals(Object o) {
        return o instanceof EeKey k && MessageDigest.isEqual(secret, k.secret);
    }

    @Override
    public int hashCode() {
        return keyId().hashCode();
    }

    /** @return {@code EeKey[id=...]}: never the secret */
    @Override
    public String toString() {
        return "EeKey[id=" + keyId() + "]";
    }
}
