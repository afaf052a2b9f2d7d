package org.cipherformer.model.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader and writer for the safetensors format, restricted to F32 and F64 tensors.
 *
 * <p>Layout: an unsigned 64-bit little-endian header length {@code n}; {@code n} bytes of UTF-8 JSON mapping each
 * tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (plus an optional {@code "__metadata__"}
 * object of string values); then the data section, where a tensor occupies bytes {@code [begin, end)} relative to the
 * start of the data, row-major, little-endian.
 *
 * <p>Reading trusts nothing: the header length must fit in the file, every tensor's byte range must equal its shape
 * times its element size, lie inside the data section and not overlap another, and the tensors must cover the data
 * section exactly (no holes, no trailing bytes), as the format's specification requires.
 */
public final class SafeTensors {
    /** Header JSON bigger than this is rejected before allocation (real headers are kilobytes). */
    public static final long MAX_HEADER_BYTES = 100L << 20;
    /** Files bigger than this are rejected (this project's models are megabytes). */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 16;
    private static final String METADATA = "__metadata__";

    private SafeTensors() {
    }

    /**
     * Content of a safetensors file.
     *
     * @param tensors  tensors in header order
     * @param metadata the {@code __metadata__} entries (empty if absent)
     */
    public record Content(Map<String, Tensor> tensors, Map<String, String> metadata) {
        /** Copies both maps into unmodifiable ones. */
        public Content {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /**
     * Reads and validates a safetensors file.
     *
     * @param file the file
     * @return its tensors and metadata
     * @throws ModelFormatException naming the file, tensor and problem if the file is malformed
     * @throws IOException          if the file cannot be read
     */
    public static Content read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new ModelFormatException(file + ": " + size + " bytes exceeds the limit of " + MAX_FILE_BYTES);
        }
        return parse(Files.readAllBytes(file), file.toString());
    }

    /**
     * Parses and validates safetensors bytes.
     *
     * @param bytes  the whole file
     * @param source file name for messages
     * @return its tensors and metadata
     * @throws ModelFormatException naming the source, tensor and problem if the bytes are malformed
     */
    public static Content parse(byte[] bytes, String source) throws ModelFormatException {
        if (bytes.length < 8) {
            throw new ModelFormatException(source + ": truncated: " + bytes.length
                    + " bytes, need at least 8 for the header length");
        }
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long available = bytes.length - 8L;
        if (headerLen < 0 || headerLen > available) {
            throw new ModelFormatException(source + ": header length " + Long.toUnsignedString(headerLen)
                    + " exceeds the " + available + " bytes after the length field (truncated or corrupt file)");
        }
        if (headerLen > MAX_HEADER_BYTES) {
            throw new ModelFormatException(source + ": header length " + headerLen + " exceeds the limit of "
                    + MAX_HEADER_BYTES);
        }
        if (headerLen < 2) {
            throw new ModelFormatException(source + ": header length " + headerLen + " is too small for a JSON object");
        }
        String headerText;
        try {
            headerText = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 8, (int) headerLen)).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(source + ": header is not valid UTF-8", e);
        }
        ObjectNode header = JsonSupport.parseObject(headerText, source + " (header)");
        int dataStart = 8 + (int) headerLen;
        long dataLen = bytes.length - (long) dataStart;

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (METADATA.equals(f.getKey())) {
                readMetadata(f.getValue(), source, metadata);
            } else {
                entries.add(readEntry(f.getKey(), f.getValue(), source, dataLen));
            }
        }
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong((Entry e) -> e.begin).thenComparingLong(e -> e.end));
        long expectedBegin = 0;
        Entry previous = null;
        for (Entry e : byOffset) {
            if (e.begin < expectedBegin) {
                throw new ModelFormatException(source + ": tensor \"" + e.name + "\" bytes [" + e.begin + ", "
                        + e.end + ") overlap tensor \"" + previous.name + "\" bytes [" + previous.begin + ", "
                        + previous.end + ")");
            }
            if (e.begin > expectedBegin) {
                throw new ModelFormatException(source + ": data bytes [" + expectedBegin + ", " + e.begin
                        + ") belong to no tensor (before tensor \"" + e.name + "\")");
            }
            expectedBegin = e.end;
            previous = e;
        }
        if (expectedBegin != dataLen) {
            throw new ModelFormatException(source + ": data section has " + dataLen + " bytes but the tensors cover "
                    + expectedBegin + " (trailing bytes or truncated header)");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            ByteBuffer buf = ByteBuffer.wrap(bytes, (int) (dataStart + e.begin), (int) (e.end - e.begin))
                    .order(ByteOrder.LITTLE_ENDIAN);
            double[] values = new double[(int) e.count];
            for (int i = 0; i < values.length; i++) {
                values[i] = e.dtype == DType.F32 ? buf.getFloat() : buf.getDouble();
            }
            tensors.put(e.name, new Tensor(e.dtype, e.shape, values));
        }
        return new Content(tensors, metadata);
    }

    private record Entry(String name, DType dtype, int[] shape, long count, long begin, long end) {
    }

    private static void readMetadata(JsonNode node, String source, Map<String, String> out)
            throws ModelFormatException {
        if (!node.isObject()) {
            throw new ModelFormatException(source + ": __metadata__ must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw new ModelFormatException(source + ": __metadata__." + m.getKey() + " must be a string, got "
                        + m.getValue());
            }
            out.put(m.getKey(), m.getValue().asText());
        }
    }

    private static Entry readEntry(String name, JsonNode node, String source, long dataLen)
            throws ModelFormatException {
        String where = source + ": tensor \"" + name + "\"";
        if (name.isEmpty()) {
            throw new ModelFormatException(source + ": empty tensor name");
        }
        if (!node.isObject()) {
            throw new ModelFormatException(where + ": entry must be an object, got " + node.getNodeType());
        }
        JsonSupport.Obj o = new JsonSupport.Obj((ObjectNode) node, source, "tensor \"" + name + "\"");
        String dtypeName = o.string("dtype");
        DType dtype;
        if ("F32".equals(dtypeName)) {
            dtype = DType.F32;
        } else if ("F64".equals(dtypeName)) {
            dtype = DType.F64;
        } else {
            throw new ModelFormatException(where + ": unsupported dtype \"" + dtypeName + "\" (only F32 and F64)");
        }
        ArrayNode shapeNode = o.array("shape");
        if (shapeNode.size() > 8) {
            throw new ModelFormatException(where + ": rank " + shapeNode.size() + " exceeds 8");
        }
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw new ModelFormatException(where + ": shape[" + i + "] must be a non-negative int, got " + d);
            }
            shape[i] = d.intValue();
        }
        long count;
        try {
            count = Tensor.elementCount(shape);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(where + ": " + e.getMessage(), e);
        }
        ArrayNode off = o.array("data_offsets");
        if (off.size() != 2) {
            throw new ModelFormatException(where + ": data_offsets must be [begin, end], got " + off);
        }
        for (int i = 0; i < 2; i++) {
            if (!off.get(i).isIntegralNumber() || !off.get(i).canConvertToLong() || off.get(i).longValue() < 0) {
                throw new ModelFormatException(where + ": data_offsets[" + i + "] must be a non-negative integer, got "
                        + off.get(i));
            }
        }
        long begin = off.get(0).longValue();
        long end = off.get(1).longValue();
        if (begin > end) {
            throw new ModelFormatException(where + ": data_offsets begin " + begin + " > end " + end);
        }
        if (end > dataLen) {
            throw new ModelFormatException(where + ": data_offsets [" + begin + ", " + end
                    + ") reach past the data section of " + dataLen + " bytes (truncated file?)");
        }
        long expected = count * dtype.bytes();
        if (end - begin != expected) {
            throw new ModelFormatException(where + ": data_offsets span " + (end - begin) + " bytes but shape "
                    + java.util.Arrays.toString(shape) + " of " + dtype + " needs " + expected);
        }
        o.finish();
        return new Entry(name, dtype, shape, count, begin, end);
    }

    /**
     * Renders tensors as safetensors bytes: tensors in the map's order, contiguous, the header padded with spaces to
     * a multiple of 8 bytes so that the data section is aligned.
     *
     * @param tensors  name to tensor; each is stored in its own dtype
     * @param metadata optional {@code __metadata__} string entries (may be empty)
     * @return the file content
     * @throws IllegalArgumentException on an empty or reserved tensor name, or a total size over the limit
     */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JsonSupport.MAPPER.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject(METADATA);
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || METADATA.equals(name)) {
                throw new IllegalArgumentException("invalid tensor name \"" + name + "\"");
            }
            Tensor t = e.getValue();
            long bytes = (long) t.size() * t.dtype().bytes();
            ObjectNode entry = header.putObject(name);
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (int d : t.shape()) {
                shape.add(d);
            }
            ArrayNode off = entry.putArray("data_offsets");
            off.add(offset);
            off.add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = JsonSupport.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        long total = 8L + padded + offset;
        if (total > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("safetensors content of " + total + " bytes exceeds the limit");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (Tensor t : tensors.values()) {
            double[] v = t.dataView();
            if (t.dtype() == DType.F32) {
                for (double x : v) {
                    out.putFloat((float) x);
                }
            } else {
                for (double x : v) {
                    out.putDouble(x);
                }
            }
        }
        return out.array();
    }

    /**
     * Writes a safetensors file.
     *
     * @param file     destination
     * @param tensors  name to tensor, written in map order
     * @param metadata optional {@code __metadata__} entries
     * @throws IOException if writing fails
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Files.write(file, toBytes(tensors, metadata));
    }

}
