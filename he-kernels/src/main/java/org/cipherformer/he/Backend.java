package org.cipherformer.he;

import java.util.Locale;

/**
 * Where the CKKS kernels run: the CPU engine (always available), the CUDA backend (an NVIDIA GPU and a native library
 * built with {@code -Dcipherformer.cuda=true}), or {@code AUTO}: CUDA when usable, else the CPU with one log line.
 * Chosen per JVM with the system property {@value BackendSelection#PROPERTY} (default {@code cpu}); see
 * {@link BackendSelection}.
 */
public enum Backend {
  CPU,
  CUDA,
  AUTO;

  /**
   * Parses {@code cpu}, {@code cuda} or {@code auto} (case-insensitive, surrounding blanks ignored).
   *
   * @throws IllegalArgumentException naming the value if it is none of these
   */
  public static Backend parse(String value) {
    if (value != null) {
      switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "cpu":
          return CPU;
        case "cuda":
          return CUDA;
        case "auto":
          return AUTO;
        default:
          break;
      }
    }
    throw new IllegalArgumentException("unknown backend '" + value + "': expected cpu, cuda or auto");
  }

  /** The lower-case name used by {@link #parse}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
