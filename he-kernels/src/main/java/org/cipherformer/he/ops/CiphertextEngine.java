package org.cipherformer.he.ops;

import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.ParmsId;
import org.cipherformer.he.Plaintext;

/**
 * Where {@link CkksBackend} evaluates: the native primitives it calls, on ciphertexts that live where this engine
 * keeps them. {@link HostEngine} runs the CPU engine on host ciphertexts; {@link DeviceEngine} runs the CUDA backend
 * on device-resident ones, which stay on the GPU from {@link #input} to the caller's save or decrypt. Both produce the
 * same bytes for the same inputs (the CUDA backend is byte-identical to the CPU engine), so the choice changes speed,
 * not results.
 *
 * <p>The keys are the engine's (uploaded once on the device). Every method returns a new ciphertext or writes into its
 * first operand, as the {@code Evaluator} method of the same name.
 */
interface CiphertextEngine extends AutoCloseable {
  /** {@code host} made a value of this engine (the same object on the host, a device copy on the GPU). */
  Ciphertext input(Ciphertext host);

  Ciphertext add(Ciphertext a, Ciphertext b);

  Ciphertext sub(Ciphertext a, Ciphertext b);

  void addInplace(Ciphertext a, Ciphertext b);

  Ciphertext negate(Ciphertext a);

  Ciphertext addPlain(Ciphertext a, Plaintext p);

  void addPlainInplace(Ciphertext a, Plaintext p);

  void subPlainInplace(Ciphertext a, Plaintext p);

  Ciphertext multiplyPlain(Ciphertext a, Plaintext p);

  void multiplyPlainInplace(Ciphertext a, Plaintext p);

  Ciphertext multiply(Ciphertext a, Ciphertext b);

  Ciphertext square(Ciphertext a);

  void relinearizeInplace(Ciphertext a);

  void rescaleToNextInplace(Ciphertext a);

  Ciphertext rotateVector(Ciphertext a, int steps);

  Ciphertext[] rotateHoisted(Ciphertext a, int[] steps);

  Ciphertext modSwitchTo(Ciphertext a, ParmsId parmsId);

  /** Frees the engine's evaluator (and device keys); not the keys it was given. */
  @Override
  void close();
}
