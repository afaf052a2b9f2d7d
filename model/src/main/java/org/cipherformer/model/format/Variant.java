package org.cipherformer.model.format;

/** Whether a model uses the polynomial components or the original softmax/LayerNorm/GELU. */
public enum Variant {
    /** Power-Softmax + Goldschmidt, polynomial LayerNorm, polynomial activation. */
    POLYNOMIAL("polynomial"),
    /** Softmax, LayerNorm, exact GELU: the baseline twin. */
    ORIGINAL("original");

    private final String jsonName;

    Variant(String jsonName) {
        this.jsonName = jsonName;
    }

    /** @return the spelling used in config.json */
    public String jsonName() {
        return jsonName;
    }

    /**
     * @param name the config.json spelling
     * @return the variant
     * @throws IllegalArgumentException if the name is unknown
     */
    public static Variant fromJson(String name) {
        for (Variant v : values()) {
            if (v.jsonName.equals(name)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown variant \"" + name + "\" (expected polynomial or original)");
    }
}
