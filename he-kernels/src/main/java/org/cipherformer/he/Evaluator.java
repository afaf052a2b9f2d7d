package org.cipherformer.he;

import java.util.Objects;

/**
 * Homomorphic operations on CKKS ciphertexts (SEAL's {@code Evaluator}), byte-identical to SEAL 4.1 for every
 * operation SEAL has, plus hoisted rotations.
 *
 * <p>Each operation exists out of place (returns a new object, operands unchanged) and, where SEAL has one, in place
 * ({@code ...Inplace}: the first operand receives the result). Operands must be at the same level, and additions
 * need equal scales; violations throw {@link IllegalArgumentException} with the offending values in the message.
 *
 * <p>Host ciphertexts only: a device-resident ciphertext ({@link Ciphertext#isOnDevice()}) is refused with an
 * {@link IllegalArgumentException}; {@link CudaEvaluator} evaluates those.
 *
 * <p>Thread-safe: many threads may use one evaluator at once (the native evaluator is stateless); an in-place
 * operation must not overlap with other uses of its destination.
 */
public final class Evaluator extends ContextBoundHandle {
  // Operation codes shared with native/jni/evaluator_jni.cpp.
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

  public Evaluator(CkksContext context) {
    super(context, Objects.requireNonNull(context, "context").withPointer(Evaluator::nativeCreate),
        Evaluator::nativeFree);
  }

  /** {@code -a}. */
  public Ciphertext negate(Ciphertext a) {
    return unary(a, NEGATE);
  }

  /** {@code a = -a}. */
  public void negateInplace(Ciphertext a) {
    unaryInplace(a, NEGATE);
  }

  /** {@code a + b} (same level and scale; sizes may differ). */
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

  /** {@code a * b}: size {@code size_a + size_b - 1}, scale {@code scale_a * scale_b}. Relinearize afterwards. */
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

  /** {@code a + p} (same level and scale). */
  public Ciphertext addPlain(Ciphertext a, Plaintext p) {
    return plain(a, p, ADD_PLAIN);
  }

  /** {@code a = a + p}. */
  public void addPlainInplace(Ciphertext a, Plaintext p) {
    plainInplace(a, p, ADD_PLAIN);
  }

  /** {@code a - p} (same level and scale). */
  public Ciphertext subPlain(Ciphertext a, Plaintext p) {
    return plain(a, p, SUB_PLAIN);
  }

  /** {@code a = a - p}. */
  public void subPlainInplace(Ciphertext a, Plaintext p) {
    plainInplace(a, p, SUB_PLAIN);
  }

  /** {@code a * p} (same level), scale {@code scale_a * scale_p}. */
  public Ciphertext multiplyPlain(Ciphertext a, Plaintext p) {
    return plain(a, p, MULTIPLY_PLAIN);
  }

  /** {@code a = a * p}. */
  public void multiplyPlainInplace(Ciphertext a, Plaintext p) {
    plainInplace(a, p, MULTIPLY_PLAIN);
  }

  /** Size-3 {@code a} back to size 2 with the relinearization keys. */
  public Ciphertext relinearize(Ciphertext a, RelinKeys relinKeys) {
    checkOperands(a, relinKeys, "relinKeys");
    return result(use(e -> a.withPointer(pa -> relinKeys.withPointer(k -> nativeRelinearize(e, pa, k, false)))));
  }

  /** Relinearizes {@code a} in place. */
  public void relinearizeInplace(Ciphertext a, RelinKeys relinKeys) {
    checkOperands(a, relinKeys, "relinKeys");
    use(e -> a.withPointer(pa -> relinKeys.withPointer(k -> nativeRelinearize(e, pa, k, true))));
  }

  /**
   * Divides by the last prime of a's level with rounding and drops it: level - 1, scale / q_last.
   *
   * @throws IllegalArgumentException at level 0 ("end of modulus switching chain reached")
   */
  public Ciphertext rescaleToNext(Ciphertext a) {
    return unary(a, RESCALE_TO_NEXT);
  }

  /** Rescales {@code a} in place. */
  public void rescaleToNextInplace(Ciphertext a) {
    unaryInplace(a, RESCALE_TO_NEXT);
  }

  /** Drops the last prime without scaling (level - 1, same scale). */
  public Ciphertext modSwitchToNext(Ciphertext a) {
    return unary(a, MOD_SWITCH_TO_NEXT);
  }

  /** Drops the last prime of {@code a} in place. */
  public void modSwitchToNextInplace(Ciphertext a) {
    unaryInplace(a, MOD_SWITCH_TO_NEXT);
  }

  /**
   * Switches {@code a} down to the level of {@code parmsId}.
   *
   * @throws IllegalArgumentException if that level is above a's, or parmsId is not in the chain
   */
  public Ciphertext modSwitchTo(Ciphertext a, ParmsId parmsId) {
    Ciphertext copy = a.copy();
    try {
      modSwitchToInplace(copy, parmsId);
      return copy;
    } catch (RuntimeException e) {
      copy.close();
      throw e;
    }
  }

  /** Switches {@code a} down to the level of {@code parmsId} in place. */
  public void modSwitchToInplace(Ciphertext a, ParmsId parmsId) {
    Objects.requireNonNull(a, "a");
    int level = context().level(parmsId);
    checkOperand(a, "a");
    use(e -> a.withPointer(pa -> {
      nativeModSwitchTo(e, pa, level);
      return null;
    }));
  }

  /** The plaintext {@code p} with its last prime dropped (NTT form: the other limbs are kept as they are). */
  public Plaintext modSwitchToNext(Plaintext p) {
    checkOperand(p, "p");
    return new Plaintext(context(), use(e -> p.withPointer(pp -> nativeModSwitchPlain(e, pp, -1, false))));
  }

  /** Drops the last prime of {@code p} in place. */
  public void modSwitchToNextInplace(Plaintext p) {
    checkOperand(p, "p");
    use(e -> p.withPointer(pp -> nativeModSwitchPlain(e, pp, -1, true)));
  }

  /** The plaintext {@code p} switched down to the level of {@code parmsId}. */
  public Plaintext modSwitchTo(Plaintext p, ParmsId parmsId) {
    checkOperand(p, "p");
    int level = context().level(parmsId);
    return new Plaintext(context(), use(e -> p.withPointer(pp -> nativeModSwitchPlain(e, pp, level, false))));
  }

  /** Switches {@code p} down to the level of {@code parmsId} in place. */
  public void modSwitchToInplace(Plaintext p, ParmsId parmsId) {
    checkOperand(p, "p");
    int level = context().level(parmsId);
    use(e -> p.withPointer(pp -> nativeModSwitchPlain(e, pp, level, true)));
  }

  /**
   * Rotates the slots left by {@code steps} (right if negative), as SEAL's {@code rotate_vector}: with the key of
   * that step if present, else one key per term of the step's non-adjacent form.
   *
   * @throws IllegalArgumentException if {@code |steps| >= N/2} or a needed Galois key is missing (naming it)
   */
  public Ciphertext rotateVector(Ciphertext a, int steps, GaloisKeys galoisKeys) {
    checkOperands(a, galoisKeys, "galoisKeys");
    return result(use(e -> a.withPointer(pa -> galoisKeys.withPointer(k -> nativeRotate(e, pa, steps, k, false)))));
  }

  /** Rotates {@code a} in place. */
  public void rotateVectorInplace(Ciphertext a, int steps, GaloisKeys galoisKeys) {
    checkOperands(a, galoisKeys, "galoisKeys");
    use(e -> a.withPointer(pa -> galoisKeys.withPointer(k -> nativeRotate(e, pa, steps, k, true))));
  }

  /** Conjugates every slot (Galois element {@code 2N - 1}). */
  public Ciphertext complexConjugate(Ciphertext a, GaloisKeys galoisKeys) {
    checkOperands(a, galoisKeys, "galoisKeys");
    return result(use(e -> a.withPointer(pa -> galoisKeys.withPointer(k -> nativeConjugate(e, pa, k, false)))));
  }

  /** Conjugates {@code a} in place. */
  public void complexConjugateInplace(Ciphertext a, GaloisKeys galoisKeys) {
    checkOperands(a, galoisKeys, "galoisKeys");
    use(e -> a.withPointer(pa -> galoisKeys.withPointer(k -> nativeConjugate(e, pa, k, true))));
  }

  /**
   * Hoisted rotations: result {@code i} is {@code a} rotated by {@code steps[i]} (0: a copy). One decomposition of
   * {@code c_1} is shared by all steps, so k rotations cost much less than k calls of {@link #rotateVector}. Each
   * step needs its own Galois key. The results decrypt like rotateVector's but are not byte-identical to them.
   *
   * @throws IllegalArgumentException if a step is out of range or its key is missing (naming it)
   */
  public Ciphertext[] rotateHoisted(Ciphertext a, int[] steps, GaloisKeys galoisKeys) {
    Objects.requireNonNull(steps, "steps");
    checkOperands(a, galoisKeys, "galoisKeys");
    long[] pointers = use(e -> a.withPointer(pa -> galoisKeys.withPointer(k -> nativeRotateHoisted(e, pa, steps, k))));
    Ciphertext[] out = new Ciphertext[pointers.length];
    for (int i = 0; i < pointers.length; i++) {
      out[i] = new Ciphertext(context(), pointers[i]);
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
    checkOperand(p, "p");
    return result(use(e -> a.withPointer(pa -> p.withPointer(pp -> nativePlain(e, op, pa, pp, false)))));
  }

  private void plainInplace(Ciphertext a, Plaintext p, int op) {
    checkOperand(a, "a");
    checkOperand(p, "p");
    use(e -> a.withPointer(pa -> p.withPointer(pp -> nativePlain(e, op, pa, pp, true))));
  }

  private void checkOperand(ContextBoundHandle operand, String name) {
    Objects.requireNonNull(operand, name);
    requireSameParameters(operand, name);
    // The native side reads the pointer as a host ciphertext: a device one must never get there.
    if (operand instanceof Ciphertext c && c.isOnDevice()) {
      throw new IllegalArgumentException("ciphertext " + name + " is in device memory (CUDA backend); use "
          + "CudaEvaluator, or download it with toHost()");
    }
  }

  private void checkOperands(Ciphertext a, ContextBoundHandle keys, String keysName) {
    checkOperand(a, "a");
    checkOperand(keys, keysName);
  }

  private Ciphertext result(long pointer) {
    return new Ciphertext(context(), pointer);
  }

  private static native long nativeCreate(long context);

  private static native void nativeFree(long pointer);

  /** Returns the new ciphertext, or 0 in place. */
  private static native long nativeUnary(long pointer, int op, long a, boolean inPlace);

  private static native long nativeBinary(long pointer, int op, long a, long b, boolean inPlace);

  private static native long nativePlain(long pointer, int op, long a, long p, boolean inPlace);

  private static native long nativeRelinearize(long pointer, long a, long relinKeys, boolean inPlace);

  private static native long nativeRotate(long pointer, long a, int steps, long galoisKeys, boolean inPlace);

  private static native long nativeConjugate(long pointer, long a, long galoisKeys, boolean inPlace);

  private static native long[] nativeRotateHoisted(long pointer, long a, int[] steps, long galoisKeys);

  private static native void nativeModSwitchTo(long pointer, long a, int level);

  /** level -1: to the next level; returns the new plaintext, or 0 in place. */
  private static native long nativeModSwitchPlain(long pointer, long p, int level, boolean inPlace);
}
