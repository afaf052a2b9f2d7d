package org.cipherformer.model.format;

/** What a model computes; the JSON spelling is {@link #jsonName()}. */
public enum Task {
    /** ViT: image in, class logits out. */
    IMAGE_CLASSIFICATION("image-classification"),
    /** Decoder-only language model: token ids in, next-token logits at every position out. */
    CAUSAL_LM("causal-lm");

    private final String jsonName;

    Task(String jsonName) {
        this.jsonName = jsonName;
    }

    /** @return the spelling used in config.json */
    public String jsonName() {
        return jsonName;
    }

    /**
     * @param name the config.json spelling
     * @return the task
     * @throws IllegalArgumentException if the name is unknown
     */
    public static Task fromJson(String name) {
        for (Task t : values()) {
            if (t.jsonName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown task \"" + name + "\" (expected image-classification or causal-lm)");
    }
}
