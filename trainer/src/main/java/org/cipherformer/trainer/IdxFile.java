package org.cipherformer.trainer;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reader for unsigned-byte IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed. */
public final class IdxFile {
    /** Dimensions, e.g. {n, 28, 28} for images or {n} for labels. */
    public final int[] dims;
    /** Values in row-major order. */
    public final byte[] data;

    private IdxFile(int[] dims, byte[] data) {
        this.dims = dims;
        this.data = data;
    }

    /**
     * Reads an IDX file with element type 0x08 (unsigned byte).
     *
     * @throws IOException if the file is unreadable, not IDX, not unsigned byte, or truncated
     */
    public static IdxFile read(Path path) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw) : raw;
            DataInputStream data = new DataInputStream(in);
            int magic = data.readInt();
            if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != 0x08) {
                throw new IOException(path + ": not an unsigned-byte IDX file (magic 0x" + Integer.toHexString(magic)
                        + ")");
            }
            int rank = magic & 0xff;
            if (rank < 1 || rank > 4) {
                throw new IOException(path + ": unsupported IDX rank " + rank);
            }
            int[] dims = new int[rank];
            long total = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = data.readInt();
                if (dims[i] < 0) {
                    throw new IOException(path + ": negative dimension " + dims[i]);
                }
                total *= dims[i];
            }
            if (total > 256L << 20) {
                throw new IOException(path + ": " + total + " values is more than this reader accepts");
            }
            byte[] values = new byte[(int) total];
            data.readFully(values);
            return new IdxFile(dims, values);
        }
    }
}
