package org.cipherformer.he;

/**
 * One level of a {@link ParameterChain}, SEAL's {@code SEALContext::ContextData}: the parameters at that level,
 * their parms_id and the chain index (0 at the last level, the number of primes minus one at the key level).
 *
 * @param chainIndex SEAL's chain_index: how many more primes can be dropped below this level
 * @param parms the parameters (coefficient modulus q_0..q_{k-1}) at this level
 * @param keyLevel true for the level that carries the special prime and exists only for keys (if the chain has a
 *     single prime the one level is both key and data level, as in SEAL)
 */
public record ChainLevel(int chainIndex, EncryptionParameters parms, boolean keyLevel) {
  /** The parms_id of this level. */
  public ParmsId parmsId() {
    return parms.parmsId();
  }

  /** Number of RNS primes at this level. */
  public int coeffModulusSize() {
    return parms.coeffModulusSize();
  }

  /** A copy of the RNS primes at this level. */
  public long[] coeffModulus() {
    return parms.coeffModulus();
  }
}
