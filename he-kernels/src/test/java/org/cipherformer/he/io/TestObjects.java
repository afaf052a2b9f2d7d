package org.cipherformer.he.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cipherformer.he.ChainLevel;
import org.cipherformer.he.CoeffModulus;
import org.cipherformer.he.EncryptionParameters;
import org.cipherformer.he.ParameterChain;

/** Well-formed synthetic SEAL objects (random coefficients below each q_j) for offline format tests. */
final class TestObjects {
  static final int N = 4096;
  static final ParameterChain CHAIN =
      ParameterChain.create(EncryptionParameters.ckks(N, CoeffModulus.create(N, 40, 20, 40)));

  private TestObjects() {}

  static long[] randomPolys(Random r, ChainLevel level, int polys) {
    long[] q = level.coeffModulus();
    long[] d = new long[polys * q.length * N];
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.floorMod(r.nextLong(), q[(i / N) % q.length]);
    }
    return d;
  }

  static CiphertextData ciphertext(Random r, ChainLevel level, int size) {
    return new CiphertextData(
        level.parmsId(), true, size, N, level.coeffModulusSize(), Math.pow(2, 20), 1,
        randomPolys(r, level, size), null);
  }

  static CiphertextData seededCiphertext(Random r, ChainLevel level) {
    long[] seed = new long[PrngSeed.SEED_WORDS];
    for (int i = 0; i < seed.length; i++) {
      seed[i] = r.nextLong();
    }
    return new CiphertextData(
        level.parmsId(), true, 2, N, level.coeffModulusSize(), 1.0, 1, randomPolys(r, level, 1),
        new PrngSeed(PrngType.BLAKE2XB, seed));
  }

  static PlaintextData plaintext(Random r, ChainLevel level) {
    return new PlaintextData(level.parmsId(), N * level.coeffModulusSize(), Math.pow(2, 20), randomPolys(r, level, 1));
  }

  /** Key-switching keys with the given slots present (others empty). */
  static KSwitchKeysData kswitch(Random r, int slots, int... present) {
    ChainLevel key = CHAIN.keyLevel();
    List<List<CiphertextData>> keys = new ArrayList<>();
    for (int i = 0; i < slots; i++) {
      keys.add(new ArrayList<>());
    }
    for (int p : present) {
      for (int j = 0; j < key.coeffModulusSize() - 1; j++) {
        keys.get(p).add(j % 2 == 0 ? seededCiphertext(r, key) : ciphertext(r, key, 2));
      }
    }
    return new KSwitchKeysData(key.parmsId(), keys);
  }
}
