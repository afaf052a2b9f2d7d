package org.cipherformer.he.ops;

import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.CkksContext;
import org.cipherformer.he.CudaEvaluator;
import org.cipherformer.he.GaloisKeys;
import org.cipherformer.he.ParmsId;
import org.cipherformer.he.Plaintext;
import org.cipherformer.he.RelinKeys;

/**
 * {@link CiphertextEngine} on the CUDA backend: values are device-resident ciphertexts, the relinearization and Galois
 * keys are uploaded once (when the engine is made), plaintext operands are copied to the device per use. A value
 * crosses to the host only where the caller saves or decrypts it.
 */
final class DeviceEngine implements CiphertextEngine {
  private final CudaEvaluator evaluator;

  /** @throws org.cipherformer.he.BackendUnavailableException if no usable GPU (or no CUDA build) */
  DeviceEngine(CkksContext context, RelinKeys relinKeys, GaloisKeys galoisKeys) {
    this.evaluator = new CudaEvaluator(context, relinKeys, galoisKeys);
  }

  /** Uploads {@code host} and closes it (the caller handed it over); a device ciphertext is taken as it is. */
  @Override
  public Ciphertext input(Ciphertext host) {
    if (host.isOnDevice()) {
      return host;
    }
    Ciphertext device = evaluator.upload(host);
    host.close();
    return device;
  }

  @Override
  public Ciphertext add(Ciphertext a, Ciphertext b) {
    return evaluator.add(a, b);
  }

  @Override
  public Ciphertext sub(Ciphertext a, Ciphertext b) {
    return evaluator.sub(a, b);
  }

  @Override
  public void addInplace(Ciphertext a, Ciphertext b) {
    evaluator.addInplace(a, b);
  }

  @Override
  public Ciphertext negate(Ciphertext a) {
    return evaluator.negate(a);
  }

  @Override
  public Ciphertext addPlain(Ciphertext a, Plaintext p) {
    return evaluator.addPlain(a, p);
  }

  @Override
  public void addPlainInplace(Ciphertext a, Plaintext p) {
    evaluator.addPlainInplace(a, p);
  }

  @Override
  public void subPlainInplace(Ciphertext a, Plaintext p) {
    evaluator.subPlainInplace(a, p);
  }

  @Override
  public Ciphertext multiplyPlain(Ciphertext a, Plaintext p) {
    return evaluator.multiplyPlain(a, p);
  }

  @Override
  public void multiplyPlainInplace(Ciphertext a, Plaintext p) {
    evaluator.multiplyPlainInplace(a, p);
  }

  @Override
  public Ciphertext multiply(Ciphertext a, Ciphertext b) {
    return evaluator.multiply(a, b);
  }

  @Override
  public Ciphertext square(Ciphertext a) {
    return evaluator.square(a);
  }

  @Override
  public void relinearizeInplace(Ciphertext a) {
    evaluator.relinearizeInplace(a);
  }

  @Override
  public void rescaleToNextInplace(Ciphertext a) {
    evaluator.rescaleToNextInplace(a);
  }

  @Override
  public Ciphertext rotateVector(Ciphertext a, int steps) {
    return evaluator.rotateVector(a, steps);
  }

  @Override
  public Ciphertext[] rotateHoisted(Ciphertext a, int[] steps) {
    return evaluator.rotateHoisted(a, steps);
  }

  @Override
  public Ciphertext modSwitchTo(Ciphertext a, ParmsId parmsId) {
    return evaluator.modSwitchTo(a, parmsId);
  }

  @Override
  public void close() {
    evaluator.close();
  }
}
