package org.cipherformer.he;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.SealFormatException;
import org.cipherformer.he.io.SealWriter;

/**
 * A CKKS ciphertext (SEAL's {@code Ciphertext}): {@code size} polynomials (2 when fresh, 3 after a multiplication)
 * over the primes of its level, in NTT form, with a scale.
 *
 * <p>A fresh symmetric encryption remembers the seed of its uniform {@code c_1}; {@link #hasSeed()} tells whether it
 * can still be serialized in SEAL's compact seeded form (any evaluator operation drops the seed). Not safe for
 * concurrent modification: in-place operations on one ciphertext must not overlap with other uses of it.
 *
 * <p><b>Residency.</b> A ciphertext lives in host memory, or, when made by {@link CudaEvaluator}, in GPU memory
 * ({@link #isOnDevice()}). Metadata, {@link #copy()} and {@link #setScale} work on both without a transfer;
 * {@link #data()}, {@link #save} and {@link Decryptor#decrypt} download a device ciphertext; {@link #toHost()} makes a
 * host copy. The CPU {@link Evaluator} refuses device ciphertexts and {@link CudaEvaluator} host ones (an
 * {@link IllegalArgumentException}, never a native crash).
 */
public final class Ciphertext extends ContextBoundHandle implements SealSerializable {
  private final boolean onDevice;

  Ciphertext(CkksContext context, long pointer) {
    super(context, pointer, Ciphertext::nativeFree);
    this.onDevice = false;
  }

  /** A device-resident ciphertext owning the native device object {@code pointer}. */
  private Ciphertext(CkksContext context, long pointer, boolean onDevice) {
    super(context, pointer, onDevice ? CudaEvaluator::nativeFreeCiphertext : Ciphertext::nativeFree);
    this.onDevice = onDevice;
  }

  /** Wraps a native device ciphertext ({@link CudaEvaluator}'s results). */
  static Ciphertext device(CkksContext context, long pointer) {
    return new Ciphertext(context, pointer, true);
  }

  /** Whether the ciphertext lives in GPU memory (made by {@link CudaEvaluator}). */
  public boolean isOnDevice() {
    return onDevice;
  }

  /** A host copy: downloads a device ciphertext, copies a host one. */
  public Ciphertext toHost() {
    if (!onDevice) {
      return copy();
    }
    return new Ciphertext(context(), withPointer(CudaEvaluator::nativeDownload));
  }

  /** Level (chain index): the ciphertext lives modulo the first {@code level() + 1} primes. */
  public int level() {
    return withPointer(onDevice ? CudaEvaluator::nativeLevel : Ciphertext::nativeLevel);
  }

  /** SEAL's parms_id of the ciphertext's level. */
  public ParmsId parmsId() {
    return context().parmsId(level());
  }

  /** Number of polynomials (2, or 3 after a multiplication before relinearization). */
  public int size() {
    return withPointer(onDevice ? CudaEvaluator::nativeSize : Ciphertext::nativeSize);
  }

  /** The scale Delta of the encrypted message. */
  public double scale() {
    return withPointer(onDevice ? CudaEvaluator::nativeScale : Ciphertext::nativeScale);
  }

  /**
   * Sets the scale without changing the data (SEAL's {@code scale()} setter), e.g. to declare that a rescaled
   * ciphertext's scale is exactly 2^40 again.
   *
   * @throws IllegalArgumentException if scale is not positive and finite
   */
  public void setScale(double scale) {
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
    }
    withPointer(p -> {
      if (onDevice) {
        CudaEvaluator.nativeSetScale(p, scale);
      } else {
        nativeSetScale(p, scale);
      }
      return null;
    });
  }

  /** Always true: CKKS ciphertexts are kept in NTT form, as in SEAL. */
  public boolean isNttForm() {
    return true;
  }

  /** Whether {@code c_1} is still the expansion of a stored seed (fresh symmetric encryption; never on the device). */
  public boolean hasSeed() {
    return !onDevice && withPointer(Ciphertext::nativeHasSeed);
  }

  /** A deep copy (seed included) where this one lives (a device copy of a device ciphertext). */
  public Ciphertext copy() {
    if (onDevice) {
      return device(context(), withPointer(CudaEvaluator::nativeCopy));
    }
    return new Ciphertext(context(), withPointer(Ciphertext::nativeCopy));
  }

  /**
   * The coefficients, SEAL's layout: polynomial-major, then limb, then coefficient ({@code size * (level + 1) * N}
   * words, each below its prime). Downloads a device ciphertext.
   */
  public long[] data() {
    if (onDevice) {
      try (Ciphertext host = toHost()) {
        return host.data();
      }
    }
    return withPointer(Ciphertext::nativeData);
  }

  /** The 64-byte seed of {@code c_1} as 8 words, or null if there is none. */
  long[] seed() {
    return onDevice ? null : withPointer(Ciphertext::nativeSeed);
  }

  /**
   * The native host object, for native calls that read it as one (CPU evaluator, decryptor).
   *
   * @throws IllegalArgumentException naming the operand if the ciphertext is on the device
   */
  <T> T withHostPointer(String what, PointerFunction<T> call) {
    if (onDevice) {
      throw new IllegalArgumentException(what + " is in device memory (CUDA backend); download it with toHost() "
          + "or use CudaEvaluator");
    }
    return withPointer(call);
  }

  /**
   * A ciphertext from raw data, checked natively (level is a data level, sizes match, every coefficient below its
   * prime, scale positive and finite). With a seed, {@code data} holds {@code c_0} only and {@code c_1} is expanded
   * from the seed with SEAL's PRNG.
   *
   * @throws IllegalArgumentException naming the offending value
   */
  static Ciphertext fromData(CkksContext context, int level, int size, double scale, long[] data, long[] seed) {
    long pointer = context.withPointer(c -> nativeImport(c, level, size, scale, data, seed));
    return new Ciphertext(context, pointer);
  }


  @Override
  public byte[] save(ComprMode mode) {
    Objects.requireNonNull(mode, "mode");
    return SealWriter.write(SealObjects.record(this), mode);
  }

  /**
   * Reads a ciphertext in SEAL 4.1's format (any compression) from untrusted bytes: exactly the bytes its header
   * declares are consumed. Everything is validated before it reaches native code.
   *
   * @throws SealFormatException naming the offending field and value if the bytes are not a valid object for this
   *     context
   * @throws IOException if reading fails
   */
  public static Ciphertext load(CkksContext context, InputStream in) throws IOException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(in, "in");
    return SealObjects.ciphertext(context, SealObjects.reader(context).readCiphertext(in));
  }

  /** As {@link #load(CkksContext, InputStream)}, from exactly these bytes (no trailing bytes allowed). */
  public static Ciphertext load(CkksContext context, byte[] bytes) throws SealFormatException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(bytes, "bytes");
    return SealObjects.ciphertext(context, SealObjects.reader(context).readCiphertext(bytes));
  }

  @Override
  public String toString() {
    if (isClosed()) {
      return "Ciphertext[closed]";
    }
    return "Ciphertext[level=" + level() + ", size=" + size() + ", scale=" + scale() + (onDevice ? ", device" : "")
        + "]";
  }

  private static native void nativeFree(long pointer);

  private static native int nativeLevel(long pointer);

  private static native int nativeSize(long pointer);

  private static native double nativeScale(long pointer);

  private static native void nativeSetScale(long pointer, double scale);

  private static native boolean nativeHasSeed(long pointer);

  private static native long nativeCopy(long pointer);

  private static native long[] nativeData(long pointer);

  private static native long[] nativeSeed(long pointer);

  private static native long nativeImport(
      long context, int level, int size, double scale, long[] data, long[] seed);
}
