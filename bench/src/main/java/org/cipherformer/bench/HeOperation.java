package org.cipherformer.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The CKKS operations the per-operation benchmark times, in table order. */
public enum HeOperation {
  ENCODE("encode", "encode (all slots, top level)"),
  ENCRYPT("encrypt", "encrypt (public key)"),
  DECRYPT("decrypt", "decrypt"),
  ADD("add", "add"),
  MULTIPLY("multiply", "multiply"),
  RELINEARIZE("relinearize", "relinearize"),
  MULTIPLY_RELINEARIZE("multiply_relinearize", "multiply+relinearize"),
  RESCALE("rescale", "rescale_to_next"),
  ROTATE("rotate", "rotate_vector (1 step)"),
  ROTATE_HOISTED("rotate_hoisted", "hoisted rotation (8 steps)"),
  KEYGEN_RELIN("keygen_relin", "keygen: relin keys"),
  KEYGEN_GALOIS("keygen_galois", "keygen: one Galois key");

  private final String cliName;
  private final String label;

  HeOperation(String cliName, String label) {
    this.cliName = cliName;
    this.label = label;
  }

  /** The name used by {@code --ops}. */
  public String cliName() {
    return cliName;
  }

  /** The row label in the report table. */
  public String label() {
    return label;
  }

  /**
   * The operation named {@code name} on the command line (case-insensitive).
   *
   * @throws IllegalArgumentException naming the value and the valid names if there is no such operation
   */
  public static HeOperation fromCliName(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (HeOperation op : values()) {
      if (op.cliName.equals(wanted)) {
        return op;
      }
    }
    throw new IllegalArgumentException(
        "unknown operation '" + name + "'; valid: " + Arrays.stream(values()).map(HeOperation::cliName)
            .collect(Collectors.joining(", ")));
  }
}
