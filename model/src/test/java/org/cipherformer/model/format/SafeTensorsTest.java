package org.cipherformer.model.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafeTensorsTest {

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a", new Tensor(DType.F32, new int[] {2, 3}, new double[] {1, -2, 3.5, 0.25, 1e-3f, -7}));
        m.put("b", new Tensor(DType.F64, new int[] {3}, new double[] {Math.PI, -Math.E, 1e-300}));
        m.put("s", new Tensor(DType.F64, new int[] {}, new double[] {42}));
        return m;
    }

    /** Builds a file from a literal header and a data section of the given size (bytes 0, 1, 2, ...). */
    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (int i = 0; i < dataBytes; i++) {
            b.put((byte) i);
        }
        return b.array();
    }

    private static void rejects(byte[] bytes, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafeTensors.parse(bytes, "m.st"));
        assertTrue(e.getMessage().startsWith("m.st"), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message \"" + e.getMessage() + "\" lacks \"" + f + "\"");
        }
    }

    @Test
    void roundTripExactForF64AndFloatValuesForF32() throws Exception {
        Map<String, Tensor> in = sample();
        byte[] bytes = SafeTensors.toBytes(in, Map.of("producer", "test"));
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8, "data section aligned to 8 bytes");
        SafeTensors.Content out = SafeTensors.parse(bytes, "m.st");
        assertEquals(in.keySet(), out.tensors().keySet());
        for (String k : in.keySet()) {
            assertEquals(in.get(k), out.tensors().get(k), k);
        }
        assertEquals(Map.of("producer", "test"), out.metadata());
        // Byte-level check of the layout: tensor "a" is the first 24 data bytes, little-endian floats.
        ByteBuffer data = ByteBuffer.wrap(bytes, 8 + (int) headerLen, 24).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1.0f, data.getFloat());
        assertEquals(-2.0f, data.getFloat());
    }

    @Test
    void f32RoundsToFloat() throws Exception {
        Map<String, Tensor> m = Map.of("x", new Tensor(DType.F32, new int[] {1}, new double[] {0.1}));
        SafeTensors.Content c = SafeTensors.parse(SafeTensors.toBytes(m, Map.of()), "m.st");
        assertEquals((double) 0.1f, c.tensors().get("x").get(0));
    }

    @Test
    void floatTensorsRoundTripBitExactly() throws Exception {
        float[] f = {0.1f, -3.25f, Float.MIN_VALUE, 1e30f, -0f, 7f};
        Tensor t = Tensor.ofFloats(new int[] {3, 2}, f);
        Tensor back = SafeTensors.parse(SafeTensors.toBytes(Map.of("t", t), Map.of()), "m.st").tensors().get("t");
        assertArrayEquals(f, back.toFloats());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(back.toFloats()[4]));
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofFloats(new int[] {4}, f));
    }

    @Test
    void readsHandWrittenFile() throws Exception {
        byte[] b = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 0);
        byte[] withData = Arrays.copyOf(b, b.length + 8);
        ByteBuffer.wrap(withData, b.length, 8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-3f);
        Tensor t = SafeTensors.parse(withData, "m.st").tensors().get("w");
        assertArrayEquals(new double[] {1.5, -3}, t.data());
    }

    @Test
    void rejectsTruncatedFile() throws Exception {
        byte[] full = SafeTensors.toBytes(sample(), Map.of());
        rejects(Arrays.copyOf(full, 5), "truncated", "5 bytes");
        rejects(Arrays.copyOf(full, full.length - 4), "tensor \"s\"", "reach past the data section");
        rejects(Arrays.copyOf(full, 30), "header length", "exceeds");
    }

    @Test
    void rejectsHugeHeaderLength() {
        byte[] b = file("{}", 0);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MIN_VALUE); // 2^63 as unsigned
        rejects(b, "header length 9223372036854775808", "exceeds");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L); // 2^64 - 1
        rejects(b, "header length 18446744073709551615");
    }

    @Test
    void rejectsBadDtype() {
        rejects(file("{\"w\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4),
                "tensor \"w\"", "unsupported dtype \"BF16\"");
    }

    @Test
    void rejectsShapeOffsetMismatch() {
        rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
                "tensor \"w\"", "span 8 bytes", "needs 12");
    }

    @Test
    void rejectsOverlappingOffsets() {
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "\"b\"", "overlap", "\"a\"");
    }

    @Test
    void rejectsHolesAndTrailingBytes() {
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "[0, 4)",
                "belong to no tensor");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8), "8 bytes",
                "cover 4");
    }

    @Test
    void rejectsBadHeaderJson() {
        rejects(file("{\"a\":{\"dtype\":\"F32\",", 0), "invalid JSON");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0), "shape[0]");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4), "unknown key");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4), "begin 4 > end 0");
        rejects(file("{\"__metadata__\":{\"k\":1}}", 0), "__metadata__.k must be a string");
        rejects(file("{\"a\":1, \"a\":2}", 0), "Duplicate field");
    }

    @Test
    void rejectsShapeOverflow() {
        rejects(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647],\"data_offsets\":[0,8]}}", 8),
                "more than");
    }
}
