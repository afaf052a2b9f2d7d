package org.cipherformer.model.encrypted;

/**
 * The level structure of a CKKS parameter preset as the plan compiler needs it (docs/encrypted-inference.md,
 * "Parameters"): slots, the level of fresh values and the refresh floor. The CKKS backend's {@code CkksParameters}
 * presets of the same name must agree (checked by a test).
 *
 * @param name         preset name
 * @param slotCount    N / 2
 * @param topLevel     level of fresh and refreshed values
 * @param refreshFloor lowest level a value can be refreshed from
 */
public record PlanPreset(String name, int slotCount, int topLevel, int refreshFloor) {
  /** N = 16384: 50 + 8 x 40 + 50 bits; top level 8, floor 1 (7 levels per refresh). The default. */
  public static PlanPreset n16384() {
    return new PlanPreset("n16384", 8192, 8, 1);
  }

  /** N = 32768: 60 + 19 x 40 + 60 bits; top level 19, floor 1 (18 levels per refresh). */
  public static PlanPreset n32768() {
    return new PlanPreset("n32768", 16384, 19, 1);
  }

  /**
   * The level structure of a CKKS parameter set.
   *
   * @param parameters the CKKS parameters
   * @return the preset, named {@code n<N>}
   */
  public static PlanPreset of(org.cipherformer.he.ops.CkksParameters parameters) {
    return new PlanPreset("n" + parameters.polyModulusDegree(), parameters.slotCount(), parameters.topLevel(),
        parameters.refreshFloor());
  }

  /**
   * @param name {@code n16384} or {@code n32768}
   * @return the preset
   * @throws IllegalArgumentException for another name
   */
  public static PlanPreset byName(String name) {
    return switch (name) {
      case "n16384" -> n16384();
      case "n32768" -> n32768();
      default -> throw new IllegalArgumentException("unknown parameter preset '" + name
          + "' (known: n16384, n32768)");
    };
  }
}
