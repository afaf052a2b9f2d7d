package org.cipherformer.model.format;

import java.io.IOException;

/**
 * A model file (config.json, model.safetensors, tokenizer.json, reference logits, IDX sample) is malformed or
 * inconsistent with its configuration. The message names the file, the entry (field path or tensor name) and the
 * problem, so that a user can fix the artifact without reading the loader.
 */
public class ModelFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message names the file, the entry and the problem */
    public ModelFormatException(String message) {
        super(message);
    }

    /**
     * @param message names the file, the entry and the problem
     * @param cause   the parser or I/O error underneath
     */
    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
