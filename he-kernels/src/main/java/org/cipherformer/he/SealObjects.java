package org.cipherformer.he;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cipherformer.he.io.CiphertextData;
import org.cipherformer.he.io.KSwitchKeysData;
import org.cipherformer.he.io.PlaintextData;
import org.cipherformer.he.io.PrngSeed;
import org.cipherformer.he.io.PrngType;
import org.cipherformer.he.io.SealFormatException;
import org.cipherformer.he.io.SealReader;

/**
 * The bridge between native objects and the SEAL 4.1 format records of {@code org.cipherformer.he.io}.
 *
 * <p>Loading: {@link SealReader} validates the untrusted bytes (header, known parms_id at the right kind of level,
 * sizes, scale, every coefficient below its prime) before this class converts the record; the native import then
 * checks sizes and coefficients once more before any kernel sees the data, and expands the {@code c_1} of seeded
 * objects from their seed with SEAL's Blake2xb PRNG. Saving a seeded object writes {@code c_0} and the seed, as SEAL's
 * {@code Serializable} objects do; everything else is written in full.
 */
final class SealObjects {
  /** SEAL's correction_factor of CKKS ciphertexts. */
  private static final long CORRECTION_FACTOR = 1;

  private SealObjects() {}

  static SealReader reader(CkksContext context) {
    return new SealReader(context.chain());
  }

  // ------------------------------------------------------------------ ciphertexts and public keys

  static CiphertextData record(CkksContext context, int level, int size, double scale, long[] data, long[] seed) {
    int n = context.polyModulusDegree();
    int k = level + 1;
    PrngSeed prngSeed = null;
    long[] words = data;
    if (seed != null) {
      prngSeed = new PrngSeed(PrngType.BLAKE2XB, seed);
      words = Arrays.copyOf(data, n * k);
    }
    return new CiphertextData(
        context.parmsId(level), true, size, n, k, scale, CORRECTION_FACTOR, words, prngSeed);
  }

  static CiphertextData record(Ciphertext ct) {
    long[] seed = ct.seed();
    return record(ct.context(), ct.level(), ct.size(), ct.scale(), ct.data(), seed);
  }

  static Ciphertext ciphertext(CkksContext context, CiphertextData d) throws SealFormatException {
    requireNtt(d.nttForm(), "ciphertext");
    int level = context.level(d.parmsId());
    return Ciphertext.fromData(context, level, d.size(), d.scale(), d.data(), seedWords(d.seed()));
  }

  static PublicKey publicKey(CkksContext context, CiphertextData d) throws SealFormatException {
    requireKeyPart(context, d, "public key");
    return PublicKey.fromData(context, d.data(), seedWords(d.seed()));
  }

  /** One part of a key-switching key, or a public key, as a record (seeded if the seed is given). */
  static CiphertextData keyRecord(CkksContext context, long[] data, long[] seed) {
    return record(context, context.keyLevel(), 2, 1.0, data, seed);
  }

  // ------------------------------------------------------------------ plaintexts and secret keys

  static PlaintextData record(Plaintext p) {
    long[] data = p.data();
    return new PlaintextData(p.context().parmsId(p.level()), data.length, p.scale(), data);
  }

  static Plaintext plaintext(CkksContext context, PlaintextData d) {
    return Plaintext.fromData(context, context.level(d.parmsId()), d.scale(), d.data());
  }

  static PlaintextData record(SecretKey sk) {
    long[] data = sk.data();
    return new PlaintextData(sk.context().keyParmsId(), data.length, 1.0, data);
  }

  static SecretKey secretKey(CkksContext context, PlaintextData d) throws SealFormatException {
    if (!d.parmsId().equals(context.keyParmsId())) {
      throw new SealFormatException("secret key parms_id " + d.parmsId() + " is not the key level's");
    }
    return SecretKey.fromData(context, d.data());
  }

  // ------------------------------------------------------------------ key-switching keys

  static KSwitchKeysData record(RelinKeys keys, boolean seeded) {
    CkksContext context = keys.context();
    return keys.withPointer(p -> {
      int count = RelinKeys.nativeKeyCount(p);
      List<List<CiphertextData>> outer = new ArrayList<>(count);
      for (int key = 0; key < count; key++) {
        int parts = RelinKeys.nativePartCount(p, key);
        List<CiphertextData> inner = new ArrayList<>(parts);
        for (int part = 0; part < parts; part++) {
          long[] seed = seeded ? RelinKeys.nativePartSeed(p, key, part) : null;
          inner.add(keyRecord(context, RelinKeys.nativePartData(p, key, part), seed));
        }
        outer.add(inner);
      }
      return new KSwitchKeysData(context.keyParmsId(), outer);
    });
  }

  static RelinKeys relinKeys(CkksContext context, KSwitchKeysData d) throws SealFormatException {
    requireKeyLevel(context, d);
    long pointer = context.withPointer(RelinKeys::nativeCreateEmpty);
    RelinKeys keys = new RelinKeys(context, pointer, false);
    try {
      List<List<CiphertextData>> outer = d.keys();
      for (int key = 0; key < outer.size(); key++) {
        if (outer.get(key).isEmpty()) {
          if (key == 0 || outer.subList(key, outer.size()).stream().anyMatch(l -> !l.isEmpty())) {
            throw new SealFormatException("relinearization key slot " + key + " is empty but a later one is not");
          }
          break;
        }
        for (CiphertextData part : outer.get(key)) {
          requireKeyPart(context, part, "relinearization key " + key);
          int k = key;
          long[] seed = seedWords(part.seed());
          keys.withPointer(p -> {
            RelinKeys.nativeAppendPart(p, k, part.data(), seed);
            return null;
          });
        }
      }
      keys.withPointer(p -> {
        RelinKeys.nativeValidate(p);
        return null;
      });
      return keys;
    } catch (SealFormatException | RuntimeException e) {
      keys.close();
      throw e;
    }
  }

  static KSwitchKeysData record(GaloisKeys keys, boolean seeded) {
    CkksContext context = keys.context();
    int n = context.polyModulusDegree();
    return keys.withPointer(p -> {
      // SEAL keeps one slot per odd element below 2N (N slots), empty where there is no key.
      List<List<CiphertextData>> outer = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        outer.add(List.of());
      }
      for (int element : GaloisKeys.nativeGaloisElements(p)) {
        int parts = GaloisKeys.nativePartCount(p, element);
        List<CiphertextData> inner = new ArrayList<>(parts);
        for (int part = 0; part < parts; part++) {
          long[] seed = seeded ? GaloisKeys.nativePartSeed(p, element, part) : null;
          inner.add(keyRecord(context, GaloisKeys.nativePartData(p, element, part), seed));
        }
        outer.set(KSwitchKeysData.galoisIndex(element), inner);
      }
      return new KSwitchKeysData(context.keyParmsId(), outer);
    });
  }

  static GaloisKeys galoisKeys(CkksContext context, KSwitchKeysData d) throws SealFormatException {
    requireKeyLevel(context, d);
    long pointer = context.withPointer(GaloisKeys::nativeCreateEmpty);
    GaloisKeys keys = new GaloisKeys(context, pointer, false);
    try {
      List<List<CiphertextData>> outer = d.keys();
      for (int slot = 0; slot < outer.size(); slot++) {
        int element = 2 * slot + 1;
        for (CiphertextData part : outer.get(slot)) {
          requireKeyPart(context, part, "Galois key " + element);
          long[] seed = seedWords(part.seed());
          keys.withPointer(p -> {
            GaloisKeys.nativeAppendPart(p, element, part.data(), seed);
            return null;
          });
        }
      }
      keys.withPointer(p -> {
        GaloisKeys.nativeValidate(p);
        return null;
      });
      return keys;
    } catch (SealFormatException | RuntimeException e) {
      keys.close();
      throw e;
    }
  }

  // ------------------------------------------------------------------ checks

  private static long[] seedWords(PrngSeed seed) throws SealFormatException {
    if (seed == null) {
      return null;
    }
    if (seed.type() != PrngType.BLAKE2XB) {
      throw new SealFormatException(
          "seeded object uses PRNG " + seed.type() + "; only SEAL's default BLAKE2XB seeds can be expanded");
    }
    return seed.seed();
  }

  private static void requireNtt(boolean ntt, String what) throws SealFormatException {
    if (!ntt) {
      throw new SealFormatException(what + " is not in NTT form (CKKS data always is)");
    }
  }

  private static void requireKeyLevel(CkksContext context, KSwitchKeysData d) throws SealFormatException {
    if (!d.parmsId().equals(context.keyParmsId())) {
      throw new SealFormatException("key-switching keys parms_id " + d.parmsId() + " is not the key level's");
    }
  }

  private static void requireKeyPart(CkksContext context, CiphertextData d, String what)
      throws SealFormatException {
    requireNtt(d.nttForm(), what);
    if (!d.parmsId().equals(context.keyParmsId()) || d.size() != 2) {
      throw new SealFormatException(
          what + ": expected a size-2 key-level ciphertext, got size " + d.size() + " at parms_id " + d.parmsId());
    }
  }
}
