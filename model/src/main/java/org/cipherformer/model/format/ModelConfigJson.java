package org.cipherformer.model.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads and writes {@code config.json} (see docs/model-format.md). Reading is strict: unknown keys, wrong types,
 * out-of-range values and inconsistent fields are all rejected with a {@link ModelFormatException} naming the file and
 * the field path.
 */
public final class ModelConfigJson {
    /** Largest config.json accepted (it holds a few hundred coefficients at most). */
    public static final long MAX_BYTES = 16L << 20;

    private ModelConfigJson() {
    }

    /**
     * Reads and validates a config file.
     *
     * @param file path of config.json
     * @return the configuration
     * @throws ModelFormatException if the file is malformed or inconsistent
     * @throws IOException          if it cannot be read
     */
    public static ModelConfig read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new ModelFormatException(file + ": " + size + " bytes exceeds the limit of " + MAX_BYTES);
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses and validates a config text.
     *
     * @param json   the JSON text
     * @param source file name for messages
     * @return the configuration
     * @throws ModelFormatException if the text is malformed or inconsistent
     */
    public static ModelConfig parse(String json, String source) throws ModelFormatException {
        JsonSupport.Obj top = new JsonSupport.Obj(JsonSupport.parseObject(json, source), source, "");
        String format = top.string("format");
        if (!ModelConfig.FORMAT.equals(format)) {
            throw top.error("format", "must be \"" + ModelConfig.FORMAT + "\", got \"" + format + "\"");
        }
        int version = top.integer("format_version");
        if (version != ModelConfig.FORMAT_VERSION) {
            throw top.error("format_version", "unsupported version " + version + " (this reader knows "
                    + ModelConfig.FORMAT_VERSION + ")");
        }
        String name = top.string("name");
        String taskName = top.string("task");
        Task task = build(top, "task", () -> Task.fromJson(taskName));
        String variantName = top.string("variant");
        Variant variant = build(top, "variant", () -> Variant.fromJson(variantName));
        Architecture architecture = readArchitecture(top.object("architecture"));
        Components components = readComponents(top.object("components"));
        Map<String, Object> training = Map.of();
        if (top.has("training")) {
            JsonNode t = top.raw("training");
            if (!t.isObject()) {
                throw top.error("training", "must be an object");
            }
            training = JsonSupport.MAPPER.convertValue(t, new TypeReference<Map<String, Object>>() { });
        }
        EquivariantSpec equivariant = null;
        if (top.has("equivariant")) {
            JsonSupport.Obj e = top.object("equivariant");
            String scheme = e.string("scheme");
            String keyId = e.string("key_id");
            e.finish();
            equivariant = build(e, null, () -> new EquivariantSpec(scheme, keyId));
        }
        top.finish();
        try {
            return new ModelConfig(name, task, variant, architecture, components, training, equivariant);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(source + ": " + e.getMessage(), e);
        }
    }

    /** Runs a constructor and turns its IllegalArgumentException into a ModelFormatException for the given key. */
    private static <T> T build(JsonSupport.Obj o, String key, Supplier<T> constructor) throws ModelFormatException {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw key == null ? o.error(e.getMessage()) : o.error(key, e.getMessage());
        }
    }

    private static Architecture readArchitecture(JsonSupport.Obj a) throws ModelFormatException {
        int dModel = a.integer("d_model");
        int heads = a.integer("heads");
        int layers = a.integer("layers");
        int mlpHidden = a.integer("mlp_hidden");
        boolean causal = a.bool("causal");
        int seqLen = a.integer("seq_len");
        ImageSpec image = null;
        if (a.has("image")) {
            JsonSupport.Obj im = a.object("image");
            int height = im.integer("height");
            int width = im.integer("width");
            int channels = im.integer("channels");
            int patch = im.integer("patch");
            boolean classToken = im.bool("class_token");
            int numClasses = im.integer("num_classes");
            double mean = im.number("pixel_mean");
            double std = im.number("pixel_std");
            im.finish();
            image = build(im, null, () -> new ImageSpec(height, width, channels, patch, classToken, numClasses, mean,
                    std));
        }
        Integer vocab = a.has("vocab_size") ? a.integer("vocab_size") : null;
        String tokenizer = a.has("tokenizer") ? a.string("tokenizer") : null;
        a.finish();
        ImageSpec img = image;
        return build(a, null, () -> new Architecture(dModel, heads, layers, mlpHidden, causal, seqLen, img, vocab,
                tokenizer));
    }

    private static Components readComponents(JsonSupport.Obj c) throws ModelFormatException {
        AttentionSpec attention = readAttention(c.object("attention"));
        LayerNormSpec layerNorm = readLayerNorm(c.object("layernorm"));
        ActivationSpec activation = readActivation(c.object("activation"));
        c.finish();
        return new Components(attention, layerNorm, activation);
    }

    private static AttentionSpec readAttention(JsonSupport.Obj o) throws ModelFormatException {
        String type = o.string("type");
        switch (type) {
            case "softmax":
                o.finish();
                return new AttentionSpec.Softmax();
            case "power_softmax": {
                int p = o.integer("p");
                double eps = o.number("eps");
                JsonSupport.Obj inv = o.object("inverse");
                String invType = inv.string("type");
                if (!"goldschmidt".equals(invType)) {
                    throw inv.error("type", "must be \"goldschmidt\", got \"" + invType + "\"");
                }
                Domain domain = readDomain(inv);
                int iterations = inv.integer("iterations");
                inv.finish();
                GoldschmidtSpec g = build(inv, null, () -> new GoldschmidtSpec(domain, iterations));
                o.finish();
                return build(o, null, () -> new AttentionSpec.PowerSoftmax(p, eps, g));
            }
            default:
                throw o.error("type", "unknown attention type \"" + type + "\" (expected softmax or power_softmax)");
        }
    }

    private static LayerNormSpec readLayerNorm(JsonSupport.Obj o) throws ModelFormatException {
        String type = o.string("type");
        double eps = o.number("eps");
        switch (type) {
            case "layernorm":
                o.finish();
                return build(o, null, () -> new LayerNormSpec.Exact(eps));
            case "poly_layernorm": {
                JsonSupport.Obj inv = o.object("inv_sqrt");
                ChebyshevSpec cheb = readChebyshev(inv);
                int steps = inv.integer("newton_steps");
                inv.finish();
                o.finish();
                return build(o, null, () -> new LayerNormSpec.Polynomial(eps, cheb, steps));
            }
            default:
                throw o.error("type", "unknown layernorm type \"" + type + "\" (expected layernorm or poly_layernorm)");
        }
    }

    private static ActivationSpec readActivation(JsonSupport.Obj o) throws ModelFormatException {
        String type = o.string("type");
        switch (type) {
            case "gelu":
                o.finish();
                return new ActivationSpec.Gelu();
            case "polynomial": {
                ChebyshevSpec cheb = readChebyshev(o);
                String approximates = o.string("approximates");
                o.finish();
                return build(o, null, () -> new ActivationSpec.Polynomial(cheb, approximates));
            }
            default:
                throw o.error("type", "unknown activation type \"" + type + "\" (expected gelu or polynomial)");
        }
    }

    private static Domain readDomain(JsonSupport.Obj o) throws ModelFormatException {
        double[] d = o.numbers("domain");
        if (d.length != 2) {
            throw o.error("domain", "must be [lo, hi], got " + d.length + " numbers");
        }
        return build(o, "domain", () -> new Domain(d[0], d[1]));
    }

    private static ChebyshevSpec readChebyshev(JsonSupport.Obj o) throws ModelFormatException {
        String basis = o.string("basis");
        if (!"chebyshev".equals(basis)) {
            throw o.error("basis", "must be \"chebyshev\", got \"" + basis + "\"");
        }
        Domain domain = readDomain(o);
        ArrayNode raw = o.array("coefficients");
        if (raw.size() > ChebyshevSpec.MAX_COEFFICIENTS) {
            throw o.error("coefficients", raw.size() + " entries exceed the limit " + ChebyshevSpec.MAX_COEFFICIENTS);
        }
        double[] coefficients = o.numbers("coefficients");
        return build(o, null, () -> new ChebyshevSpec(domain, coefficients));
    }

    /**
     * Renders a configuration as config.json text (fields in the order of docs/model-format.md).
     *
     * @param config the configuration
     * @return pretty-printed JSON
     */
    public static String toJson(ModelConfig config) {
        ObjectNode top = JsonSupport.MAPPER.createObjectNode();
        top.put("format", ModelConfig.FORMAT);
        top.put("format_version", ModelConfig.FORMAT_VERSION);
        top.put("name", config.name());
        top.put("task", config.task().jsonName());
        top.put("variant", config.variant().jsonName());
        Architecture a = config.architecture();
        ObjectNode arch = top.putObject("architecture");
        arch.put("d_model", a.dModel());
        arch.put("heads", a.heads());
        arch.put("layers", a.layers());
        arch.put("mlp_hidden", a.mlpHidden());
        arch.put("causal", a.causal());
        arch.put("seq_len", a.seqLen());
        if (a.image() != null) {
            ImageSpec im = a.image();
            ObjectNode img = arch.putObject("image");
            img.put("height", im.height());
            img.put("width", im.width());
            img.put("channels", im.channels());
            img.put("patch", im.patch());
            img.put("class_token", im.classToken());
            img.put("num_classes", im.numClasses());
            img.put("pixel_mean", im.pixelMean());
            img.put("pixel_std", im.pixelStd());
        }
        if (a.vocabSize() != null) {
            arch.put("vocab_size", a.vocabSize());
        }
        if (a.tokenizer() != null) {
            arch.put("tokenizer", a.tokenizer());
        }
        ObjectNode comp = top.putObject("components");
        ObjectNode att = comp.putObject("attention");
        if (config.components().attention() instanceof AttentionSpec.PowerSoftmax ps) {
            att.put("type", "power_softmax");
            att.put("p", ps.p());
            att.put("eps", ps.eps());
            ObjectNode inv = att.putObject("inverse");
            inv.put("type", "goldschmidt");
            putDomain(inv, ps.inverse().domain());
            inv.put("iterations", ps.inverse().iterations());
        } else {
            att.put("type", "softmax");
        }
        ObjectNode ln = comp.putObject("layernorm");
        if (config.components().layerNorm() instanceof LayerNormSpec.Polynomial pl) {
            ln.put("type", "poly_layernorm");
            ln.put("eps", pl.eps());
            ObjectNode inv = ln.putObject("inv_sqrt");
            putChebyshev(inv, pl.invSqrt());
            inv.put("newton_steps", pl.newtonSteps());
        } else {
            ln.put("type", "layernorm");
            ln.put("eps", config.components().layerNorm().eps());
        }
        ObjectNode act = comp.putObject("activation");
        if (config.components().activation() instanceof ActivationSpec.Polynomial pa) {
            act.put("type", "polynomial");
            putChebyshev(act, pa.polynomial());
            act.put("approximates", pa.approximates());
        } else {
            act.put("type", "gelu");
        }
        top.set("training", JsonSupport.MAPPER.valueToTree(config.training()));
        if (config.equivariant() != null) {
            ObjectNode e = top.putObject("equivariant");
            e.put("scheme", config.equivariant().scheme());
            e.put("key_id", config.equivariant().keyId());
        }
        try {
            return JsonSupport.MAPPER.writeValueAsString(top) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render config.json", e);
        }
    }

    private static void putDomain(ObjectNode o, Domain d) {
        ArrayNode arr = o.putArray("domain");
        arr.add(d.lo());
        arr.add(d.hi());
    }

    private static void putChebyshev(ObjectNode o, ChebyshevSpec c) {
        o.put("basis", "chebyshev");
        putDomain(o, c.domain());
        ArrayNode arr = o.putArray("coefficients");
        for (double v : c.coefficients()) {
            arr.add(v);
        }
    }

    /**
     * Writes config.json.
     *
     * @param config the configuration
     * @param file   destination
     * @throws IOException if writing fails
     */
    public static void write(ModelConfig config, Path file) throws IOException {
        Files.writeString(file, toJson(config), StandardCharsets.UTF_8);
    }
}
