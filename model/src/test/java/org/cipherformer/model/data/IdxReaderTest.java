package org.cipherformer.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.cipherformer.model.format.ModelFormatException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    private static byte[] idx(int type, int[] dims, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + dataBytes);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        for (int i = 0; i < dataBytes; i++) {
            b.put((byte) (i * 7));
        }
        return b.array();
    }

    private static void rejects(byte[] bytes, String fragment) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> IdxReader.parse(bytes, "f.idx"));
        assertTrue(e.getMessage().startsWith("f.idx: ") && e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void readsValidArrayAsUnsignedBytes() throws Exception {
        IdxArray a = IdxReader.parse(idx(8, new int[] {3, 2, 2}, 12), "f.idx");
        assertArrayEquals(new int[] {3, 2, 2}, a.dims());
        assertEquals(4, a.itemSize());
        assertArrayEquals(new int[] {28, 35, 42, 49}, a.item(1));
        assertEquals((byte) (11 * 7) & 0xFF, a.item(2)[3]);
        // byte 35 holds 35 * 7 = 245, negative as a Java byte: item() must return it unsigned
        assertEquals(245, IdxReader.parse(idx(8, new int[] {40, 1}, 40), "f.idx").item(35)[0]);
    }

    @Test
    void readsGzipByMagic(@TempDir Path tmp) throws Exception {
        byte[] plain = idx(8, new int[] {2, 3}, 6);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(plain);
        }
        Path f = tmp.resolve("x.gz");
        Files.write(f, bos.toByteArray());
        Path g = tmp.resolve("x");
        Files.write(g, plain);
        assertArrayEquals(IdxReader.read(g).data(), IdxReader.read(f).data());
    }

    @Test
    void rejectsMalformedFiles() {
        rejects(new byte[] {0, 0, 8}, "truncated");
        rejects(new byte[] {1, 2, 8, 1, 0, 0, 0, 0}, "not an IDX file");
        rejects(idx(0x0D, new int[] {4}, 16), "element type 0x0d unsupported");
        rejects(idx(8, new int[] {}, 0), "0 dimensions");
        rejects(idx(8, new int[] {1, 1, 1, 1, 1}, 1), "5 dimensions");
        rejects(idx(8, new int[] {10, 10}, 99), "need 100 data bytes, found 99");
        rejects(idx(8, new int[] {10}, 11), "trailing bytes");
        rejects(idx(8, new int[] {-1}, 0), "4294967295 is too large");
        rejects(idx(8, new int[] {60000, 60000}, 0), "exceed the limit");
        rejects(Arrays.copyOf(idx(8, new int[] {3, 3}, 9), 6), "truncated in the size of dimension 0");
    }

    @Test
    void shippedSamplesAreTheFirst64DebianTestImages() throws Exception {
        Path root = RepoPaths.root();
        FashionMnist.Samples s = FashionMnist.shippedSamples(root);
        assertEquals(64, s.size());
        assertEquals(784, s.pixels()[0].length);
        int[] histogram = new int[10];
        for (int y : s.labels()) {
            histogram[y]++;
        }
        for (int c = 0; c < 10; c++) {
            assertTrue(histogram[c] > 0, "class " + c + " present in the 64 samples");
        }
        Path debian = FashionMnist.DEBIAN_DIR.resolve("t10k-images-idx3-ubyte.gz");
        Assumptions.assumeTrue(Files.isRegularFile(debian),
                "dataset-fashion-mnist not installed: cannot compare the shipped samples with the Debian files");
        FashionMnist.Samples all = FashionMnist.debianTestSet();
        assertEquals(10000, all.size());
        for (int i = 0; i < 64; i++) {
            assertArrayEquals(all.pixels()[i], s.pixels()[i], "image " + i);
            assertEquals(all.labels()[i], s.labels()[i], "label " + i);
        }
    }

    @Test
    void shippedPromptsAreShortLowercaseLines() throws Exception {
        var lines = Files.readAllLines(RepoPaths.root().resolve("data/prompts/prompts.txt"));
        assertEquals(8, lines.size());
        for (String l : lines) {
            assertTrue(!l.isBlank() && l.length() <= 60 && l.equals(l.toLowerCase()), l);
        }
    }
}
