package org.cipherformer.model.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.cipherformer.model.tokenizer.WordTokenizer;

/**
 * Loads and writes a model directory: {@code config.json}, {@code model.safetensors} and, for a causal LM, the
 * tokenizer file named by {@code architecture.tokenizer} (absent for an EE-transformed LM). Loading checks every tensor against
 * {@link TensorLayout#expectedShapes}: no missing tensor, no extra tensor, every shape equal, every value finite, and
 * the tokenizer's vocabulary size equal to {@code vocab_size}. Writing runs the same checks first, so a model that
 * was written can always be loaded.
 */
public final class ModelDirectory {
    /** File name of the configuration. */
    public static final String CONFIG = "config.json";
    /** File name of the weights. */
    public static final String WEIGHTS = "model.safetensors";

    private ModelDirectory() {
    }

    /**
     * A loaded model.
     *
     * @param config    configuration
     * @param weights   tensors by name, in {@link TensorLayout} order
     * @param tokenizer tokenizer for a causal LM, null for a ViT and for an EE-transformed LM
     */
    public record Model(ModelConfig config, Map<String, Tensor> weights, WordTokenizer tokenizer) {
        /** Copies the weights into an unmodifiable map. */
        public Model {
            weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        }

        /**
         * @param name tensor name
         * @return the tensor
         * @throws IllegalArgumentException if there is no such tensor
         */
        public Tensor tensor(String name) {
            Tensor t = weights.get(name);
            if (t == null) {
                throw new IllegalArgumentException("no tensor \"" + name + "\"");
            }
            return t;
        }
    }

    /**
     * Loads and validates a model directory.
     *
     * @param dir the directory
     * @return the model
     * @throws ModelFormatException naming the file, tensor and problem if anything is malformed or inconsistent
     * @throws IOException          if a file cannot be read
     */
    public static Model load(Path dir) throws IOException {
        Path configFile = dir.resolve(CONFIG);
        Path weightsFile = dir.resolve(WEIGHTS);
        requireFile(configFile);
        requireFile(weightsFile);
        ModelConfig config = ModelConfigJson.read(configFile);
        SafeTensors.Content content = SafeTensors.read(weightsFile);
        Map<String, Tensor> weights = checkWeights(config, content.tensors(), weightsFile.toString());
        WordTokenizer tokenizer = null;
        if (config.task() == Task.CAUSAL_LM && config.architecture().tokenizer() != null) {
            Path tokFile = dir.resolve(config.architecture().tokenizer());
            requireFile(tokFile);
            tokenizer = WordTokenizer.load(tokFile);
            checkTokenizer(config, tokenizer, tokFile.toString());
        }
        return new Model(config, weights, tokenizer);
    }

    private static void requireFile(Path f) throws ModelFormatException {
        if (!Files.isRegularFile(f)) {
            throw new ModelFormatException(f + ": missing (not a regular file)");
        }
    }

    private static void checkTokenizer(ModelConfig config, WordTokenizer tokenizer, String source)
            throws ModelFormatException {
        int expected = config.architecture().vocabSize();
        if (tokenizer.vocabSize() != expected) {
            throw new ModelFormatException(source + ": vocab has " + tokenizer.vocabSize()
                    + " tokens but config.json architecture.vocab_size is " + expected);
        }
    }

    /**
     * Checks tensors against a configuration.
     *
     * @param config  the configuration
     * @param tensors tensors by name
     * @param source  file name for messages
     * @return the tensors in {@link TensorLayout} order
     * @throws ModelFormatException naming the tensor if one is missing, extra, of the wrong shape or not finite
     */
    public static Map<String, Tensor> checkWeights(ModelConfig config, Map<String, Tensor> tensors, String source)
            throws ModelFormatException {
        Map<String, int[]> expected = TensorLayout.expectedShapes(config);
        List<String> extra = new ArrayList<>(new TreeSet<>(tensors.keySet()));
        extra.removeAll(expected.keySet());
        if (!extra.isEmpty()) {
            throw new ModelFormatException(source + ": unexpected tensor(s) " + extra + " not used by config " + CONFIG);
        }
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t == null) {
                throw new ModelFormatException(source + ": missing tensor \"" + e.getKey() + "\" (shape "
                        + Arrays.toString(e.getValue()) + ")");
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new ModelFormatException(source + ": tensor \"" + e.getKey() + "\" has shape "
                        + Arrays.toString(t.shape()) + ", config needs " + Arrays.toString(e.getValue()));
            }
            for (int i = 0; i < t.size(); i++) {
                if (!Double.isFinite(t.get(i))) {
                    throw new ModelFormatException(source + ": tensor \"" + e.getKey() + "\" element " + i + " is "
                            + t.get(i));
                }
            }
            ordered.put(e.getKey(), t);
        }
        return ordered;
    }

    /**
     * Writes a model directory (creating it if needed): config.json, model.safetensors with the weights in
     * {@link TensorLayout} order, each in its own dtype, and the tokenizer for a causal LM.
     *
     * @param dir       destination directory
     * @param config    configuration
     * @param weights   tensors by name (exactly those of {@link TensorLayout#expectedShapes})
     * @param tokenizer tokenizer for a causal LM (vocab size must equal vocab_size), null for a ViT
     * @param metadata  optional safetensors {@code __metadata__} entries (may be empty)
     * @throws ModelFormatException if the weights or tokenizer do not match the configuration
     * @throws IOException          if writing fails
     */
    public static void write(Path dir, ModelConfig config, Map<String, Tensor> weights, WordTokenizer tokenizer,
                             Map<String, String> metadata) throws IOException {
        Map<String, Tensor> ordered = checkWeights(config, weights, dir.resolve(WEIGHTS).toString());
        if (config.task() == Task.CAUSAL_LM && config.architecture().tokenizer() == null) {
            if (tokenizer != null) {
                throw new ModelFormatException(dir + ": an equivariant causal-lm model has no tokenizer");
            }
        } else if (config.task() == Task.CAUSAL_LM) {
            if (tokenizer == null) {
                throw new ModelFormatException(dir + ": a causal-lm model needs a tokenizer");
            }
            checkTokenizer(config, tokenizer, dir.resolve(config.architecture().tokenizer()).toString());
        } else if (tokenizer != null) {
            throw new ModelFormatException(dir + ": an image-classification model has no tokenizer");
        }
        Files.createDirectories(dir);
        ModelConfigJson.write(config, dir.resolve(CONFIG));
        SafeTensors.write(dir.resolve(WEIGHTS), ordered, metadata == null ? Map.of() : metadata);
        if (tokenizer != null) {
            tokenizer.save(dir.resolve(config.architecture().tokenizer()));
        }
    }
}
