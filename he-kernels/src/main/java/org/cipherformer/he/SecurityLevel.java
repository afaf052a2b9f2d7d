package org.cipherformer.he;

/**
 * Security level a {@link ParameterChain} is checked against: the largest total coefficient-modulus bit count
 * (special prime included) for each ring degree N, for ternary secrets and error standard deviation 3.2.
 *
 * <p>{@link #TC128} is the HE standard's 128-bit classical table, identical to SEAL 4.1's
 * {@code CoeffModulus::MaxBitCount(N, sec_level_type::tc128)}: N = 4096: 109, 8192: 218, 16384: 438,
 * 32768: 881. SEAL has no entry for N = 65536; {@link #TC128_EXTENDED} adds 65536: 1747 (the same
 * lattice-estimator line extended one step), and must be asked for explicitly. Parameters built with it will not
 * load in a SEAL context that enforces tc128, because SEAL refuses N = 65536 at tc128.
 *
 * <p>Ring degrees below 4096 are not supported: at 128-bit security they leave too few bits for any useful CKKS
 * chain, and refusing them removes a class of misconfiguration.
 */
public enum SecurityLevel {
  /** HE-standard 128-bit classical security, N = 4096..32768 (SEAL's tc128). */
  TC128,
  /** TC128 plus N = 65536 with at most 1747 bits (an extension beyond SEAL's table). */
  TC128_EXTENDED;

  /**
   * The largest total coefficient-modulus bit count allowed at ring degree {@code n}.
   *
   * @throws InvalidParametersException if {@code n} is not a supported degree at this level
   */
  public int maxBitCount(int n) {
    switch (n) {
      case 4096:
        return 109;
      case 8192:
        return 218;
      case 16384:
        return 438;
      case 32768:
        return 881;
      case 65536:
        if (this == TC128_EXTENDED) {
          return 1747;
        }
        throw new InvalidParametersException(
            "poly modulus degree 65536 has no HE-standard limit at TC128; use SecurityLevel.TC128_EXTENDED");
      default:
        throw new InvalidParametersException(
            "poly modulus degree " + n + " is not supported at " + this + " (use 4096, 8192, 16384, 32768"
                + (this == TC128_EXTENDED ? " or 65536)" : ")"));
    }
  }
}
