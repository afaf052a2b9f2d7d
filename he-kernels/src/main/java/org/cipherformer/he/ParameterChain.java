package org.cipherformer.he;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The modulus-switching chain SEAL's {@code SEALContext} builds for a CKKS parameter set, as metadata: the key
 * level with all k primes (the last prime is the key-switching special prime), then data levels with k-1,
 * k-2, ..., 1 primes, each dropping the last prime of the one above. Maps parms_id to level, which is what the
 * serialization layer needs to validate untrusted objects and what the native side needs to pick primes.
 *
 * <p>Checks made here, like SEALContext's validation: CKKS only; N supported by the {@link SecurityLevel};
 * each prime 2..60 bits, prime, {@code ≡ 1 mod 2N} (needed for the negacyclic NTT) and distinct; and the bit
 * count of the product of all primes (SEAL's {@code total_coeff_modulus_bit_count}, which can be a bit or two
 * below the sum of the primes' sizes) at most the level's limit.
 */
public final class ParameterChain {
  private final SecurityLevel securityLevel;
  private final List<ChainLevel> levels;
  private final Map<ParmsId, ChainLevel> byParmsId;
  private final int totalBits;

  private ParameterChain(SecurityLevel securityLevel, List<ChainLevel> levels, int totalBits) {
    this.securityLevel = securityLevel;
    this.levels = Collections.unmodifiableList(levels);
    Map<ParmsId, ChainLevel> m = new HashMap<>();
    for (ChainLevel l : levels) {
      m.put(l.parmsId(), l);
    }
    this.byParmsId = m;
    this.totalBits = totalBits;
  }

  /** The chain for {@code parms} at {@link SecurityLevel#TC128}. */
  public static ParameterChain create(EncryptionParameters parms) {
    return create(parms, SecurityLevel.TC128);
  }

  /**
   * Validates {@code parms} and builds its chain.
   *
   * @throws InsecureParametersException if the total bit count is over the limit for N at {@code level}
   * @throws InvalidParametersException for any other invalid parameter
   */
  public static ParameterChain create(EncryptionParameters parms, SecurityLevel level) {
    if (parms.scheme() != SchemeType.CKKS) {
      throw new InvalidParametersException("only CKKS parameter chains are supported, got " + parms.scheme());
    }
    int n = parms.polyModulusDegree();
    int maxBits = level.maxBitCount(n);
    long[] q = parms.coeffModulus();
    if (q.length == 0) {
      throw new InvalidParametersException("coefficient modulus is empty");
    }
    Set<Long> seen = new HashSet<>();
    BigInteger product = BigInteger.ONE;
    long twoN = 2L * n;
    for (int i = 0; i < q.length; i++) {
      int bits = 64 - Long.numberOfLeadingZeros(q[i]);
      if (bits < CoeffModulus.MIN_BIT_SIZE || bits > CoeffModulus.MAX_BIT_SIZE) {
        throw new InvalidParametersException(
            "coefficient modulus q_" + i + " = " + q[i] + " has " + bits + " bits; SEAL allows 2..60");
      }
      if (q[i] % twoN != 1) {
        throw new InvalidParametersException(
            "coefficient modulus q_" + i + " = " + q[i] + " is not 1 mod 2N = " + twoN + " (no NTT)");
      }
      if (!BigInteger.valueOf(q[i]).isProbablePrime(100)) {
        throw new InvalidParametersException("coefficient modulus q_" + i + " = " + q[i] + " is not prime");
      }
      if (!seen.add(q[i])) {
        throw new InvalidParametersException("coefficient modulus q_" + i + " = " + q[i] + " appears twice");
      }
      product = product.multiply(BigInteger.valueOf(q[i]));
    }
    int totalBits = product.bitLength();
    if (totalBits > maxBits) {
      throw new InsecureParametersException(n, totalBits, maxBits, level);
    }
    List<ChainLevel> levels = new ArrayList<>();
    EncryptionParameters p = parms;
    for (int chainIndex = q.length - 1; chainIndex >= 0; chainIndex--) {
      levels.add(new ChainLevel(chainIndex, p, chainIndex == q.length - 1));
      if (chainIndex > 0) {
        p = p.dropLastModulus();
      }
    }
    return new ParameterChain(level, levels, totalBits);
  }

  /** The security level the chain was checked against. */
  public SecurityLevel securityLevel() {
    return securityLevel;
  }

  /** Bit count of the product of all primes (special prime included). */
  public int totalCoeffModulusBitCount() {
    return totalBits;
  }

  /** Ring degree N. */
  public int polyModulusDegree() {
    return keyLevel().parms().polyModulusDegree();
  }

  /** All levels, key level first, then data levels from the top (most primes) down to one prime. */
  public List<ChainLevel> levels() {
    return levels;
  }

  /** The key level: all primes; parms_id of keys (SEAL's key_parms_id). */
  public ChainLevel keyLevel() {
    return levels.get(0);
  }

  /** The first data level: all primes but the special one (SEAL's first_parms_id); the key level if k = 1. */
  public ChainLevel firstDataLevel() {
    return levels.size() > 1 ? levels.get(1) : levels.get(0);
  }

  /** The last level: one prime (SEAL's last_parms_id). */
  public ChainLevel lastLevel() {
    return levels.get(levels.size() - 1);
  }

  /** True when the chain has a special prime, i.e. more than one prime (SEAL's using_keyswitching). */
  public boolean usingKeySwitching() {
    return levels.size() > 1;
  }

  /** The level with this parms_id, if it is in the chain. */
  public Optional<ChainLevel> find(ParmsId parmsId) {
    return Optional.ofNullable(byParmsId.get(parmsId));
  }

  /**
   * The level with this parms_id.
   *
   * @throws InvalidParametersException if no level of this chain has it
   */
  public ChainLevel level(ParmsId parmsId) {
    ChainLevel l = byParmsId.get(parmsId);
    if (l == null) {
      throw new InvalidParametersException("parms_id " + parmsId + " is not a level of this parameter chain");
    }
    return l;
  }

  /** The level whose chain index is {@code chainIndex} (0 = last level). */
  public ChainLevel levelByChainIndex(int chainIndex) {
    if (chainIndex < 0 || chainIndex >= levels.size()) {
      throw new InvalidParametersException(
          "chain index " + chainIndex + " outside 0.." + (levels.size() - 1));
    }
    return levels.get(levels.size() - 1 - chainIndex);
  }
}
