package org.cipherformer.model.format;

/**
 * Marks a model as transformed for equivariant-encryption (EE) mode (docs/ee.md): its weights were rewritten under
 * a secret permutation key, so it takes permuted inputs and gives permuted outputs. config.json field
 * {@code "equivariant": {"scheme": "cipherformer-ee/v1", "key_id": "<16 hex digits>"}}. An EE causal LM carries no
 * tokenizer: the permuted vocabulary is the client's secret.
 *
 * @param scheme key-schedule version, {@code cipherformer-ee/v1}
 * @param keyId  public identifier of the key (lets a client check it holds the right key), 16 lower-case hex digits
 */
public record EquivariantSpec(String scheme, String keyId) {
    /** The only scheme this code reads and writes. */
    public static final String SCHEME_V1 = "cipherformer-ee/v1";

    /** @throws IllegalArgumentException naming the offending field */
    public EquivariantSpec {
        if (!SCHEME_V1.equals(scheme)) {
            throw new IllegalArgumentException("equivariant.scheme must be \"" + SCHEME_V1 + "\", got \"" + scheme
                    + "\"");
        }
        if (keyId == null || !keyId.matches("[0-9a-f]{16}")) {
            throw new IllegalArgumentException("equivariant.key_id must be 16 lower-case hex digits, got \"" + keyId
                    + "\"");
        }
    }
}
