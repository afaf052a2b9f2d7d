package org.cipherformer.model.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.cipherformer.model.format.ModelFormatException;

/**
 * Reads IDX files (Y. LeCun's MNIST container, also used by Fashion-MNIST), plain or gzip-compressed (detected by the
 * gzip magic bytes 1f 8b). Layout: two zero bytes, a type byte (only 0x08 = unsigned byte is accepted), the number of
 * dimensions {@code n}, then {@code n} big-endian 32-bit sizes, then the data row-major. The reader checks the magic,
 * bounds the total size before reading it, and requires the data to end exactly where the sizes say.
 */
public final class IdxReader {
    /** Largest data size accepted (the Fashion-MNIST training images are 47 MB). */
    public static final long MAX_BYTES = 256L << 20;
    private static final int TYPE_UNSIGNED_BYTE = 0x08;

    private IdxReader() {
    }

    /**
     * @param file an IDX file, optionally gzip-compressed
     * @return its content
     * @throws ModelFormatException naming the file and problem if it is malformed
     * @throws IOException          if it cannot be read
     */
    public static IdxArray read(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            boolean gz = b0 == 0x1f && b1 == 0x8b;
            try (InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : raw) {
                return parse(in, file.toString());
            }
        }
    }

    /**
     * @param bytes  an uncompressed IDX file's bytes
     * @param source name for messages
     * @return its content
     * @throws ModelFormatException if malformed
     */
    public static IdxArray parse(byte[] bytes, String source) throws ModelFormatException {
        try {
            return parse(new ByteArrayInputStream(bytes), source);
        } catch (ModelFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFormatException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param in     an uncompressed IDX stream, read to its end
     * @param source name for messages
     * @return its content
     * @throws ModelFormatException if malformed
     * @throws IOException          if reading fails
     */
    public static IdxArray parse(InputStream in, String source) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int[] magic = new int[4];
        try {
            for (int i = 0; i < 4; i++) {
                magic[i] = d.readUnsignedByte();
            }
        } catch (EOFException e) {
            throw new ModelFormatException(source + ": truncated: no 4-byte IDX magic", e);
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new ModelFormatException(source + ": not an IDX file: magic starts with "
                    + String.format("%02x %02x", magic[0], magic[1]) + ", expected 00 00");
        }
        if (magic[2] != TYPE_UNSIGNED_BYTE) {
            throw new ModelFormatException(source + ": IDX element type 0x" + String.format("%02x", magic[2])
                    + " unsupported (only 0x08, unsigned byte)");
        }
        int ndim = magic[3];
        if (ndim < 1 || ndim > 4) {
            throw new ModelFormatException(source + ": " + ndim + " dimensions, expected 1 to 4");
        }
        int[] dims = new int[ndim];
        long total = 1;
        for (int i = 0; i < ndim; i++) {
            try {
                dims[i] = d.readInt();
            } catch (EOFException e) {
                throw new ModelFormatException(source + ": truncated in the size of dimension " + i, e);
            }
            if (dims[i] < 0) {
                throw new ModelFormatException(source + ": dimension " + i + " size "
                        + Integer.toUnsignedString(dims[i]) + " is too large");
            }
            total *= dims[i];
            if (total > MAX_BYTES) {
                throw new ModelFormatException(source + ": sizes " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                        + " exceed the limit of " + MAX_BYTES + " bytes");
            }
        }
        // readNBytes grows its buffer with the data actually present, so a lying header cannot force a big allocation.
        byte[] data = d.readNBytes((int) total);
        if (data.length != total) {
            throw new ModelFormatException(source + ": truncated: sizes " + Arrays.toString(dims) + " need " + total
                    + " data bytes, found " + data.length);
        }
        if (d.read() != -1) {
            throw new ModelFormatException(source + ": trailing bytes after the " + total + " data bytes of sizes "
                    + Arrays.toString(dims));
        }
        return new IdxArray(dims, data);
    }
}
