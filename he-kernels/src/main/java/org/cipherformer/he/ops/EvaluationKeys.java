package org.cipherformer.he.ops;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import org.cipherformer.he.CkksContext;
import org.cipherformer.he.GaloisKeys;
import org.cipherformer.he.RelinKeys;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.SealFormatException;

/**
 * The public evaluation keys a key holder gives the server: one relinearization key and one Galois key per rotation
 * step, both made seeded (SEAL's compact form: each uniform polynomial is sent as its 64-byte seed, half the bytes).
 * Owns the native keys; {@link CkksBackend} takes them over when constructed with them.
 */
public final class EvaluationKeys implements AutoCloseable {
  private final RelinKeys relinKeys;
  private final GaloisKeys galoisKeys;
  private final SortedSet<Integer> steps;

  EvaluationKeys(RelinKeys relinKeys, GaloisKeys galoisKeys, SortedSet<Integer> steps) {
    this.relinKeys = Objects.requireNonNull(relinKeys, "relinKeys");
    this.galoisKeys = Objects.requireNonNull(galoisKeys, "galoisKeys");
    this.steps = Collections.unmodifiableSortedSet(new TreeSet<>(steps));
  }

  /**
   * The server side: keys received as SEAL bytes (seeded or not, any compression), validated as untrusted input.
   *
   * @param context    the server's context for the parameter set
   * @param relinBytes the relinearization key
   * @param galoisBytes the Galois keys
   * @param steps      the rotation steps the plan needs; each must have its key
   * @throws SealFormatException naming the field if the bytes are not valid keys for this context
   * @throws IllegalArgumentException naming the step if a step of the plan has no Galois key
   */
  public static EvaluationKeys load(CkksContext context, byte[] relinBytes, byte[] galoisBytes,
      SortedSet<Integer> steps) throws SealFormatException {
    Objects.requireNonNull(steps, "steps");
    RelinKeys relin = RelinKeys.load(context, relinBytes);
    GaloisKeys galois;
    try {
      galois = GaloisKeys.load(context, galoisBytes);
    } catch (SealFormatException | RuntimeException e) {
      relin.close();
      throw e;
    }
    EvaluationKeys keys = new EvaluationKeys(relin, galois, steps);
    try {
      for (int s : steps) {
        int slots = context.slotCount();
        if (s == 0 || s <= -slots || s >= slots) {
          throw new IllegalArgumentException(
              "rotation step " + s + " is not a nonzero step in (-" + slots + ", " + slots + ")");
        }
        int element = GaloisKeys.galoisElementFromStep(context, s);
        if (!galois.hasKey(element)) {
          throw new IllegalArgumentException(
              "the Galois keys have no key for rotation step " + s + " (Galois element " + element + ")");
        }
      }
      return keys;
    } catch (RuntimeException e) {
      keys.close();
      throw e;
    }
  }

  /** The relinearization key. */
  public RelinKeys relinKeys() {
    return relinKeys;
  }

  /** The Galois keys, one per step of {@link #steps()}. */
  public GaloisKeys galoisKeys() {
    return galoisKeys;
  }

  /** The rotation steps the Galois keys cover. */
  public SortedSet<Integer> steps() {
    return steps;
  }

  /** The relinearization key in SEAL 4.1's format (seeded). */
  public byte[] relinKeyBytes(ComprMode mode) {
    return relinKeys.save(mode);
  }

  /** The Galois keys in SEAL 4.1's format (seeded). */
  public byte[] galoisKeyBytes(ComprMode mode) {
    return galoisKeys.save(mode);
  }

  @Override
  public void close() {
    relinKeys.close();
    galoisKeys.close();
  }
}
