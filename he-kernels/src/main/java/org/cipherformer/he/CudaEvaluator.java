package org.cipherformer.he;

import java.util.Objects;

/**
 * The CKKS evaluator on the GPU (the native {@code cf::cuda::DeviceEvaluator}, docs/cuda.md): the operations of
 * {@link Evaluator} on ciphertexts that live in device memory, with results byte-identical to the CPU engine's (and so
 * to SEAL 4.1's).
 *
 * <p><b>Residency.</b> {@link #upload} copies a host ciphertext to the device and returns a device-resident
 * {@link Ciphertext} ({@link Ciphertext#isOnDevice()}); every operation here takes and returns device-resident
 * ciphertexts, so a sequence of operations runs without host round trips. Copies back to the host happen only at the
 * boundary: {@link Ciphertext#toHost()}, {@link Ciphertext#save}, {@link Ciphertext#data()} and
 * {@link Decryptor#decrypt} download. Plaintext operands stay on the host and are copied to the device per use.
 *
 * <p><b>Keys.</b> The relinearization and Galois keys are uploaded once, when the evaluator is made; relinearization
 * and rotations use them.
 *
 * <p>Made only when {@link CudaSupport} reports a usable device (a library built with {@code -Dcipherformer.cuda=true}
 * on a GPU host, or the emulated library of the JUnit test of this path). Thread-safe: device work is serialized
 * natively; an in-place operation must not overlap with other uses of its destination.
 */
public final class CudaEvaluator extends ContextBoundHandle {
  // Operation codes shared with native/jni/cuda_evaluator_jni.cpp (the same values as Evaluator's).
  static final int NEGATE = 0;
  static final int SQUARE = 1;
  static final int RESCALE_TO_NEXT = 2;
  static final int MOD_SWITCH_TO_NEXT = 3;
  static final int ADD = 0;
  static final int SUB = 1;
  static final int MULTIPLY = 2;
  static final int ADD_PLAIN = 0;
  static final int SUB_PLAIN = 1;
  static final int MULTIPLY_PLAIN = 2;

  /**
   * Uploads the context's tables and the keys to the GPU.
   *
   * @param context    the context
   * @param relinKeys  relinearization keys, or null (then {@link #relinearizeInplace} throws)
   * @param galoisKeys Galois keys, or null (then every rotation reports its missing key)
   * @throws BackendUnavailableException if the native library has no CUDA backend or sees no usable device
   * @throws IllegalArgumentException if a key belongs to other parameters
   */
  public CudaEvaluator(CkksContext context, RelinKeys relinKeys, GaloisKeys galoisKeys) {
    super(context, create(context, relinKeys, galoisKeys), CudaEvaluator::nativeFree);
  }

  private static long create(CkksContext context, RelinKeys relinKeys, GaloisKeys galoisKeys) {
    Objects.requireNonNull(context, "context");
    GpuStatus status = CudaSupport.INSTANCE.probe();
    if (!status.usable()) {
      throw new BackendUnavailableException("the CUDA backend cannot run: " + status.detail());
    }
    for (ContextBoundHandle keys : new ContextBoundHandle[] {relinKeys, galoisKeys}) {
      if (keys != null && !keys.context().parameters().equals(context.parameters())) {
        throw new IllegalArgumentException(keys.getClass().getSimpleName()
            + " belong to a context with other parameters (" + keys.context() + ", expected " + context + ")");
      }
    }
    return context.withPointer(c -> withOptional(relinKeys, r -> withOptional(galoisKeys,
        g -> nativeCreate(c, r, g))));
  }

  /** Runs call with the handle's pointer, or with 0 for a null handle. */
  private static <T> T withOptional(ContextBoundHandle handle, PointerFunction<T> call) {
    return handle == null ? call.apply(0L) : handle.withPointer(call);
  }

  /**
   * A device copy of a host ciphertext (checked like the CPU engine checks its operands); {@code host} is unchanged.
   *
   * @throws IllegalArgumentException if {@code host} belongs to other parameters or is already on the device
   */
  public Ciphertext upload(Ciphertext host) {
    Objects.requireNonNull(host, "host");
    requireSameParameters(host, "ciphertext");
    if (host.isOnDevice()) {
      throw new IllegalArgumentException("ciphertext is already in device memory");
    }
    return Ciphertext.device(context(), use(e -> host.withPointer(c -> nativeUpload(e, c))));
  }

  /** {@code -a}. */
  public Ciphertext negate(Ciphertext a) {
    return unary(a, NEGATE);
  }

  /** {@code a = -a}. */
  public void negateInplace(Ciphertext a) {
    unaryInplace(a, NEGATE);
  }

  /** {@code a + b} (same level and scale). */
  public Ciphertext add(Ciphertext a, Ciphertext b) {
    return binary(a, b, ADD);
  }

  /** {@code a = a + b}. */
  public void addInplace(Ciphertext a, Ciphertext b) {
    binaryInplace(a, b, ADD);
  }

  /** {@code a - b} (same level and scale). */
  public Ciphertext sub(Ciphertext a, Ciphertext b) {
    return binary(a, b, SUB);
  }

  /** {@code a = a - b}. */
  public void subInplace(Ciphertext a, Ciphertext b) {
    binaryInplace(a, b, SUB);
  }

  /** {@code a * b}: size {@code size_a + size_b - 1}, scale {@code scale_a * scale_b}. */
  public Ciphertext multiply(Ciphertext a, Ciphertext b) {
    return binary(a, b, MULTIPLY);
  }

  /** {@code a = a * b}. */
  public void multiplyInplace(Ciphertext a, Ciphertext b) {
    binaryInplace(a, b, MULTIPLY);
  }

  /** {@code a * a}. */
  public Ciphertext square(Ciphertext a) {
    return unary(a, SQUARE);
  }

  /** {@code a = a * a}. */
  public void squareInplace(Ciphertext a) {
    unaryInplace(a, SQUARE);
  }

  /** {@code a + p} (p on the host, copied to the device for this operation). */
  public Ciphertext addPlain(Ciphertext a, Plaintext p) {
    return plain(a, p, ADD_PLAIN);
  }

  /** {@code a = a + p}. */
  public void addPlainInplace(Ciphertext a, Plaintext p) {
    plainInplace(a, p, ADD_PLAIN);
  }

  /** {@code a - p}. */
  public Ciphertext subPlain(Ciphertext a, Plaintext p) {
    return plain(a, p, SUB_PLAIN);
  }

  /** {@code a = a - p}. */
  public void subPlainInplace(Ciphertext a, Plaintext p) {
    plainInplace(a, p, SUB_PLAIN);
  }

  /** {@code a * p}, scale {@code scale_a * scale_p}. */
  public Ciphertext multiplyPlain(Ciphertext a, Plaintext p) {
    return plain(a, p, MULTIPLY_PLAIN);
  }

  /** {@code a = a * p}. */
  public void multiplyPlainInplace(Ciphertext a, Plaintext p) {
    plainInplace(a, p, MULTIPLY_PLAIN);
  }

  /** Size-3 {@code a} back to size 2 with the device relinearization keys. */
  public Ciphertext relinearize(Ciphertext a) {
    checkOperand(a, "a");
    return result(use(e -> a.withPointer(pa -> nativeRelinearize(e, pa, false))));
  }

  /** Relinearizes {@code a} in place. */
  public void relinearizeInplace(Ciphertext a) {
    checkOperand(a, "a");
    use(e -> a.withPointer(pa -> nativeRelinearize(e, pa, true)));
  }

  /** Divides by the last prime with rounding and drops it (level - 1, scale / q_last). */
  public Ciphertext rescaleToNext(Ciphertext a) {
    return unary(a, RESCALE_TO_NEXT);
  }

  /** Rescales {@code a} in place. */
  public void rescaleToNextInplace(Ciphertext a) {
    unaryInplace(a, RESCALE_TO_NEXT);
  }

  /** Drops the last prime without scaling. */
  public Ciphertext modSwitchToNext(Ciphertext a) {
    return unary(a, MOD_SWITCH_TO_NEXT);
  }

  /** Drops the last prime of {@code a} in place. */
  public void modSwitchToNextInplace(Ciphertext a) {
    unaryInplace(a, MOD_SWITCH_TO_NEXT);
  }

  /**
   * {@code a} switched down to the level of {@code parmsId}.
   *
   * @throws IllegalArgumentException if that level is above a's, or parmsId is not in the chain
   */
  public Ciphertext modSwitchTo(Ciphertext a, ParmsId parmsId) {
    checkOperand(a, "a");
    int level = context().level(parmsId);
    Ciphertext copy = a.copy();
    try {
      use(e -> copy.withPointer(pa -> {
        nativeModSwitchTo(e, pa, level);
        return null;
      }));
      return copy;
    } catch (RuntimeException e) {
      copy.close();
      throw e;
    }
  }

  /**
   * Rotates the slots left by {@code steps} (SEAL's {@code rotate_vector}) with the device Galois keys.
   *
   * @throws IllegalArgumentException if {@code |steps| >= N/2} or a needed Galois key is missing (naming it)
   */
  public Ciphertext rotateVector(Ciphertext a, int steps) {
    checkOperand(a, "a");
    return result(use(e -> a.withPointer(pa -> nativeRotate(e, pa, steps, false))));
  }

  /** Rotates {@code a} in place. */
  public void rotateVectorInplace(Ciphertext a, int steps) {
    checkOperand(a, "a");
    use(e -> a.withPointer(pa -> nativeRotate(e, pa, steps, true)));
  }

  /**
   * Hoisted rotations, byte-identical to {@link Evaluator#rotateHoisted}: result {@code i} is {@code a} rotated by
   * {@code steps[i]} (0: a copy), one decomposition of {@code c_1} shared by all steps.
   *
   * @throws IllegalArgumentException if a step is out of range or its key is missing (naming it)
   */
  public Ciphertext[] rotateHoisted(Ciphertext a, int[] steps) {
    Objects.requireNonNull(steps, "steps");
    checkOperand(a, "a");
    long[] pointers = use(e -> a.withPointer(pa -> nativeRotateHoisted(e, pa, steps)));
    Ciphertext[] out = new Ciphertext[pointers.length];
    for (int i = 0; i < pointers.length; i++) {
      out[i] = result(pointers[i]);
    }
    return out;
  }

  private Ciphertext unary(Ciphertext a, int op) {
    checkOperand(a, "a");
    return result(use(e -> a.withPointer(pa -> nativeUnary(e, op, pa, false))));
  }

  private void unaryInplace(Ciphertext a, int op) {
    checkOperand(a, "a");
    use(e -> a.withPointer(pa -> nativeUnary(e, op, pa, true)));
  }

  private Ciphertext binary(Ciphertext a, Ciphertext b, int op) {
    checkOperand(a, "a");
    checkOperand(b, "b");
    return result(use(e -> a.withPointer(pa -> b.withPointer(pb -> nativeBinary(e, op, pa, pb, false)))));
  }

  private void binaryInplace(Ciphertext a, Ciphertext b, int op) {
    checkOperand(a, "a");
    checkOperand(b, "b");
    use(e -> a.withPointer(pa -> b.withPointer(pb -> nativeBinary(e, op, pa, pb, true))));
  }

  private Ciphertext plain(Ciphertext a, Plaintext p, int op) {
    checkOperand(a, "a");
    checkPlain(p);
    return result(use(e -> a.withPointer(pa -> p.withPointer(pp -> nativePlain(e, op, pa, pp, false)))));
  }

  private void plainInplace(Ciphertext a, Plaintext p, int op) {
    checkOperand(a, "a");
    checkPlain(p);
    use(e -> a.withPointer(pa -> p.withPointer(pp -> nativePlain(e, op, pa, pp, true))));
  }

  /** A device ciphertext of these parameters: the native side reads the pointer as a device object. */
  private void checkOperand(Ciphertext a, String name) {
    Objects.requireNonNull(a, name);
    requireSameParameters(a, name);
    if (!a.isOnDevice()) {
      throw new IllegalArgumentException("ciphertext " + name + " is in host memory; upload it with upload() first");
    }
  }

  private void checkPlain(Plaintext p) {
    Objects.requireNonNull(p, "p");
    requireSameParameters(p, "p");
  }

  private Ciphertext result(long pointer) {
    return Ciphertext.device(context(), pointer);
  }

  private static native long nativeCreate(long context, long relinKeys, long galoisKeys);

  private static native void nativeFree(long pointer);

  private static native long nativeUpload(long pointer, long hostCiphertext);

  // Device ciphertext handles (used by Ciphertext for its device-resident kind).

  static native long nativeDownload(long deviceCiphertext);

  static native void nativeFreeCiphertext(long deviceCiphertext);

  static native int nativeLevel(long deviceCiphertext);

  static native int nativeSize(long deviceCiphertext);

  static native double nativeScale(long deviceCiphertext);

  static native void nativeSetScale(long deviceCiphertext, double scale);

  static native long nativeCopy(long deviceCiphertext);

  /** Returns the new device ciphertext, or 0 in place. */
  private static native long nativeUnary(long pointer, int op, long a, boolean inPlace);

  private static native long nativeBinary(long pointer, int op, long a, long b, boolean inPlace);

  private static native long nativePlain(long pointer, int op, long a, long hostPlaintext, boolean inPlace);

  private static native long nativeRelinearize(long pointer, long a, boolean inPlace);

  private static native long nativeRotate(long pointer, long a, int steps, boolean inPlace);

  private static native long[] nativeRotateHoisted(long pointer, long a, int[] steps);

  private static native void nativeModSwitchTo(long pointer, long a, int level);
}
