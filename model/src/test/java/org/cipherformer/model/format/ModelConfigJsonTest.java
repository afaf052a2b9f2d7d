package org.cipherformer.model.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import org.cipherformer.model.testing.TestModels;
import org.junit.jupiter.api.Test;

class ModelConfigJsonTest {

    @Test
    void roundTripKeepsEveryFieldExactly() throws Exception {
        for (ModelConfig c : new ModelConfig[] {TestModels.vit(Variant.POLYNOMIAL), TestModels.vit(Variant.ORIGINAL),
                TestModels.lm(Variant.POLYNOMIAL), TestModels.lm(Variant.ORIGINAL)}) {
            String json = ModelConfigJson.toJson(c);
            ModelConfig back = ModelConfigJson.parse(json, "config.json");
            assertEquals(c, back, json);
            assertEquals(json, ModelConfigJson.toJson(back));
        }
    }

    /** Mutates a valid polynomial ViT config and expects a rejection mentioning every given fragment. */
    private static void rejects(Consumer<ObjectNode> mutation, String... fragments) throws Exception {
        ObjectNode tree = (ObjectNode) JsonSupport.MAPPER.readTree(
                ModelConfigJson.toJson(TestModels.vit(Variant.POLYNOMIAL)));
        mutation.accept(tree);
        // Jackson writes NaN/Infinity as strings; a file from Python's json.dumps has them bare, as tested here.
        String json = JsonSupport.MAPPER.writeValueAsString(tree).replace("\"NaN\"", "NaN")
                .replace("\"Infinity\"", "Infinity");
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelConfigJson.parse(json, "cfg/config.json"));
        assertTrue(e.getMessage().startsWith("cfg/config.json: "), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message \"" + e.getMessage() + "\" lacks \"" + f + "\"");
        }
    }

    private static ObjectNode attention(ObjectNode t) {
        return (ObjectNode) t.get("components").get("attention");
    }

    @Test
    void rejectsOddP() throws Exception {
        rejects(t -> attention(t).put("p", 3), "components.attention", "p must be an even integer", "got 3");
    }

    @Test
    void rejectsZeroP() throws Exception {
        rejects(t -> attention(t).put("p", 0), "p must be an even integer", "got 0");
    }

    @Test
    void rejectsEmptyDomain() throws Exception {
        rejects(t -> {
            ArrayNode d = ((ObjectNode) attention(t).get("inverse")).putArray("domain");
            d.add(5.0);
            d.add(5.0);
        }, "components.attention.inverse.domain", "lo < hi", "[5.0, 5.0]");
    }

    @Test
    void rejectsNonPositiveGoldschmidtDomain() throws Exception {
        rejects(t -> {
            ArrayNode d = ((ObjectNode) attention(t).get("inverse")).putArray("domain");
            d.add(0.0);
            d.add(5.0);
        }, "components.attention.inverse", "lo must be > 0");
    }

    @Test
    void rejectsZeroIterations() throws Exception {
        rejects(t -> ((ObjectNode) attention(t).get("inverse")).put("iterations", 0), "iterations", "got 0");
    }

    @Test
    void rejectsNanCoefficient() throws Exception {
        rejects(t -> ((ArrayNode) t.get("components").get("activation").get("coefficients")).set(3, Double.NaN),
                "components.activation", "coefficients[3] = NaN is not finite");
    }

    @Test
    void rejectsInfiniteDomain() throws Exception {
        rejects(t -> ((ArrayNode) t.get("components").get("activation").get("domain")).set(1,
                Double.POSITIVE_INFINITY), "components.activation.domain", "finite");
    }

    @Test
    void rejectsEmptyCoefficients() throws Exception {
        rejects(t -> ((ObjectNode) t.get("components").get("activation")).putArray("coefficients"),
                "coefficients must be a non-empty array");
    }

    @Test
    void rejectsHeadsNotDividingDModel() throws Exception {
        rejects(t -> ((ObjectNode) t.get("architecture")).put("heads", 3), "architecture", "heads must divide d_model 8",
                "got 3");
    }

    @Test
    void rejectsWrongSeqLen() throws Exception {
        rejects(t -> ((ObjectNode) t.get("architecture")).put("seq_len", 9), "seq_len", "= 5", "got 9");
    }

    @Test
    void rejectsUnknownKey() throws Exception {
        rejects(t -> ((ObjectNode) t.get("architecture")).put("dropout", 0.1), "architecture", "unknown key",
                "dropout");
    }

    @Test
    void rejectsMissingField() throws Exception {
        rejects(t -> ((ObjectNode) t.get("architecture")).remove("d_model"), "architecture.d_model", "missing");
    }

    @Test
    void rejectsUnknownTaskAndMissingVariant() throws Exception {
        rejects(t -> t.put("task", "segmentation"), "task", "unknown task \"segmentation\"");
        rejects(t -> t.remove("variant"), "variant: is missing");
    }

    @Test
    void rejectsWrongType() throws Exception {
        rejects(t -> ((ObjectNode) t.get("architecture")).put("layers", "two"), "architecture.layers",
                "must be an integer");
    }

    @Test
    void rejectsVariantMismatch() throws Exception {
        rejects(t -> t.put("variant", "original"), "variant original needs softmax");
    }

    @Test
    void rejectsUnknownFormatVersion() throws Exception {
        rejects(t -> t.put("format_version", 2), "format_version", "unsupported version 2");
    }

    @Test
    void rejectsNegativeNewtonSteps() throws Exception {
        rejects(t -> ((ObjectNode) t.get("components").get("layernorm").get("inv_sqrt")).put("newton_steps", -1),
                "components.layernorm", "newton_steps", "got -1");
    }

    @Test
    void rejectsBadJson() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelConfigJson.parse("{\"format\": \"cipherformer-model\",", "x/config.json"));
        assertTrue(e.getMessage().startsWith("x/config.json: invalid JSON"), e.getMessage());
        ModelFormatException dup = assertThrows(ModelFormatException.class,
                () -> ModelConfigJson.parse("{\"format\": \"a\", \"format\": \"b\"}", "x/config.json"));
        assertTrue(dup.getMessage().contains("Duplicate field 'format'"), dup.getMessage());
        ModelFormatException arr = assertThrows(ModelFormatException.class,
                () -> ModelConfigJson.parse("[1, 2]", "x/config.json"));
        assertTrue(arr.getMessage().contains("top level must be a JSON object"), arr.getMessage());
    }
}
