package org.cipherformer.model.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Strict JSON reading shared by the model file loaders: duplicate keys and trailing content are errors, NaN/Infinity
 * literals parse (so that the range checks, not the parser, report them with the field name), nesting and string
 * lengths are bounded, and every object is checked for unknown keys.
 */
public final class JsonSupport {
    /** The mapper used for reading and writing all model JSON files. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(1 << 24).maxNumberLength(400).build());
    }

    private JsonSupport() {
    }

    /**
     * Parses a JSON text whose top level must be an object.
     *
     * @param json   the text
     * @param source file name for messages
     * @return the object
     * @throws ModelFormatException if the text is not valid JSON or not an object
     */
    public static ObjectNode parseObject(String json, String source) throws ModelFormatException {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(source + ": invalid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + " column "
                    + e.getLocation().getColumnNr()), e);
        } catch (IOException e) {
            throw new ModelFormatException(source + ": cannot read JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new ModelFormatException(source + ": top level must be a JSON object");
        }
        return (ObjectNode) node;
    }

    /** A JSON object being read, with its path for messages and the set of keys already consumed. */
    public static final class Obj {
        private final ObjectNode node;
        private final String source;
        private final String path;
        private final Set<String> seen = new HashSet<>();

        /**
         * @param node   the object
         * @param source file name for messages
         * @param path   dotted path of the object inside the file ("" for the top level)
         */
        public Obj(ObjectNode node, String source, String path) {
            this.node = node;
            this.source = source;
            this.path = path;
        }

        /** @return the dotted path of the object */
        public String path() {
            return path;
        }

        /** @return an exception whose message names the file, the field and the problem */
        public ModelFormatException error(String key, String problem) {
            return new ModelFormatException(source + ": " + where(key) + ": " + problem);
        }

        /** @return an exception for a problem of this object as a whole */
        public ModelFormatException error(String problem) {
            return new ModelFormatException(source + ": " + (path.isEmpty() ? "top level" : path) + ": " + problem);
        }

        private String where(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        /** @return whether the key is present (and marks it consumed) */
        public boolean has(String key) {
            seen.add(key);
            return node.has(key);
        }

        private JsonNode get(String key) throws ModelFormatException {
            seen.add(key);
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                throw error(key, "is missing");
            }
            return v;
        }

        /** @return the string value of a required key */
        public String string(String key) throws ModelFormatException {
            JsonNode v = get(key);
            if (!v.isTextual()) {
                throw error(key, "must be a string, got " + v);
            }
            return v.asText();
        }

        /** @return the int value of a required key (an integral JSON number in int range) */
        public int integer(String key) throws ModelFormatException {
            JsonNode v = get(key);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw error(key, "must be an integer, got " + v);
            }
            return v.intValue();
        }

        /** @return the double value of a required key (any JSON number, NaN and Infinity included) */
        public double number(String key) throws ModelFormatException {
            JsonNode v = get(key);
            if (!v.isNumber()) {
                throw error(key, "must be a number, got " + v);
            }
            return v.doubleValue();
        }

        /** @return the boolean value of a required key */
        public boolean bool(String key) throws ModelFormatException {
            JsonNode v = get(key);
            if (!v.isBoolean()) {
                throw error(key, "must be true or false, got " + v);
            }
            return v.booleanValue();
        }

        /** @return the nested object of a required key */
        public Obj object(String key) throws ModelFormatException {
            JsonNode v = get(key);
            if (!v.isObject()) {
                throw error(key, "must be an object, got " + v.getNodeType());
            }
            return new Obj((ObjectNode) v, source, where(key));
        }

        /** @return the raw node of a required key */
        public JsonNode raw(String key) throws ModelFormatException {
            return get(key);
        }

        /** @return the array of a required key */
        public ArrayNode array(String key) throws ModelFormatException {
            JsonNode v = get(key);
            if (!v.isArray()) {
                throw error(key, "must be an array, got " + v.getNodeType());
            }
            return (ArrayNode) v;
        }

        /** @return the numbers of a required array key, NaN and Infinity included */
        public double[] numbers(String key) throws ModelFormatException {
            ArrayNode a = array(key);
            double[] out = new double[a.size()];
            for (int i = 0; i < out.length; i++) {
                if (!a.get(i).isNumber()) {
                    throw error(key, "[" + i + "] must be a number, got " + a.get(i));
                }
                out[i] = a.get(i).doubleValue();
            }
            return out;
        }

        /**
         * Checks that the object has no keys other than those read.
         *
         * @throws ModelFormatException naming the first unknown key
         */
        public void finish() throws ModelFormatException {
            List<String> unknown = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!seen.contains(k)) {
                    unknown.add(k);
                }
            }
            if (!unknown.isEmpty()) {
                throw error("unknown key(s) " + unknown);
            }
        }
    }
}
