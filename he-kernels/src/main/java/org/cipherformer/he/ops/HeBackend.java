package org.cipherformer.he.ops;

import java.util.List;

/**
 * The operations a homomorphic program over real slot vectors is written against. The program (the building blocks
 * in this package, the encrypted transformer in {@code model/}) is written once; it runs on
 *
 * <ul>
 *   <li>{@link SimulatedBackend}: exact double arithmetic on slot vectors with the same level accounting. It is the
 *       plan compiler (running a program on it yields the exact level of every step, the rotation steps, the refresh
 *       points and the operation counts) and a fast check that a slot layout is right;
 *   <li>{@code CkksBackend}: CKKS ciphertexts and the native kernels.
 * </ul>
 *
 * <p><b>Values and levels.</b> A value {@code V} is a vector of {@link #slotCount()} reals at a level: the number of
 * rescalings it can still take. Fresh and refreshed values are at {@link #topLevel()}. Multiplications
 * ({@link #mul}, {@link #square}, {@link #mulPlain}, {@link #mulConst}, {@link #mulPlainSum}, {@link #mulConstSum})
 * consume one level; additions, rotations and negation consume none. A binary operation on values at different
 * levels first brings the higher one down to the lower ({@link #dropToLevel}); the result is at the lower level. An
 * operation whose result would be below level 0 throws {@link OutOfLevelsException}.
 *
 * <p><b>Rotation.</b> {@code rotate(a, k)} is SEAL's {@code rotate_vector}: slot {@code i} of the result holds slot
 * {@code (i + k) mod slotCount()} of {@code a} (positive k rotates left). Every distinct k needs a Galois key on the
 * CKKS backend.
 *
 * <p><b>Plain operands</b> ({@code addPlain}, {@code mulPlain}, {@code mulPlainSum}) take at most
 * {@code slotCount()} values; missing slots are 0. A backend may keep encodings of the arrays it is given (the CKKS
 * backend caches them by array identity, see {@code CkksBackend}); a program passes the same arrays on every run to
 * benefit from it.
 *
 * <p><b>Ownership.</b> Every operation returns a new value and leaves its inputs unchanged. Values may hold large
 * native buffers (megabytes each), so a program releases every value it no longer needs with {@link #release}; using
 * a released value throws {@link IllegalStateException}.
 *
 * <p><b>Refresh.</b> Until bootstrapping exists, {@link #refresh} brings values back to the top level with one round
 * trip to the key holder (masked, see {@code CkksBackend}); it needs the values at {@link #refreshFloor()} or above.
 *
 * <p>Implementations are not thread-safe: one program runs on one backend at a time.
 *
 * @param <V> the value type
 */
public interface HeBackend<V> {
  /** Number of real slots per value. */
  int slotCount();

  /** Level of fresh and refreshed values. */
  int topLevel();

  /** Lowest level from which {@link #refresh} can bring a value back. */
  int refreshFloor();

  /** Level of {@code a}. */
  int level(V a);

  /** {@code a + b}. */
  V add(V a, V b);

  /** {@code a - b}. */
  V sub(V a, V b);

  /** {@code -a}. */
  V negate(V a);

  /** {@code a + values} slot-wise. */
  V addPlain(V a, double[] values);

  /** {@code a + c} in every slot. */
  V addConst(V a, double c);

  /** {@code a * values} slot-wise; one level. */
  V mulPlain(V a, double[] values);

  /** {@code a * c} in every slot; one level. */
  V mulConst(V a, double c);

  /**
   * {@code sum_i xs_i * plains_i} slot-wise with one rescaling for the whole sum; one level. The result is the same as
   * adding the {@link #mulPlain} products (up to CKKS noise, which is smaller: one rounding instead of one per term),
   * at a fraction of the cost when there are many terms (a rescaling costs several times a plain multiplication).
   * Inputs at different levels are first brought to the lowest of them (one {@link #dropToLevel} each); the result is
   * one level below that.
   *
   * <p>Counts: one {@link OpKind#ENCODE} and one {@link OpKind#MUL_PLAIN} per term, one {@link OpKind#ADD} per term
   * after the first, one {@link OpKind#RESCALE}, one {@link OpKind#DROP} per input above the lowest level.
   *
   * @param xs     the values, at least one (not released)
   * @param plains one plain operand per value (at most {@link #slotCount()} values each; missing slots are 0)
   * @throws IllegalArgumentException if the lists are empty or of different sizes, or an operand is too long
   * @throws OutOfLevelsException     if the lowest input is at level 0
   */
  V mulPlainSum(List<V> xs, List<double[]> plains);

  /**
   * {@code sum_i xs_i * consts[i]} slot-wise with one rescaling; one level. Like {@link #mulPlainSum} with constant
   * operands (same counts, same level alignment).
   *
   * @param xs     the values, at least one (not released)
   * @param consts one constant per value
   * @throws IllegalArgumentException if {@code xs} is empty or the sizes differ
   * @throws OutOfLevelsException     if the lowest input is at level 0
   */
  V mulConstSum(List<V> xs, double[] consts);

  /** {@code a * b} slot-wise (relinearized and rescaled); one level. */
  V mul(V a, V b);

  /** {@code a * a}; one level. */
  V square(V a);

  /** {@code a} rotated left by {@code steps} (SEAL's rotate_vector). */
  V rotate(V a, int steps);

  /**
   * Several rotations of the same value sharing one key-switching decomposition (hoisting): element {@code j} of the
   * result equals {@code rotate(a, steps[j])}. Step 0 returns a copy.
   */
  List<V> rotateHoisted(V a, int[] steps);

  /**
   * The same values at a lower level (on CKKS: modulus switching plus a scale correction).
   *
   * @throws IllegalArgumentException if {@code level} is above the level of {@code a} or below 0
   */
  V dropToLevel(V a, int level);

  /**
   * Brings values back to {@link #topLevel()} in one round trip to the key holder.
   *
   * @throws OutOfLevelsException if a value is below {@link #refreshFloor()}
   */
  List<V> refresh(List<V> values);

  /** A copy of {@code a} (to keep while the original is released). */
  V copy(V a);

  /** Frees {@code a}; releasing twice is a no-op. */
  void release(V a);

  /** Counts (and on CKKS, times) of every operation, by section. */
  OpStats stats();
}
