package org.cipherformer.he.ops;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import org.cipherformer.he.GaloisKeys;
import org.cipherformer.he.RelinKeys;
import org.cipherformer.he.io.ComprMode;

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
