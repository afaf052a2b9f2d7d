package org.cipherformer.he.ops;

import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.CkksContext;
import org.cipherformer.he.Evaluator;
import org.cipherformer.he.GaloisKeys;
import org.cipherformer.he.ParmsId;
import org.cipherformer.he.Plaintext;
import org.cipherformer.he.RelinKeys;

/** {@link CiphertextEngine} on the CPU engine: host ciphertexts and the native {@link Evaluator}. */
final class HostEngine implements CiphertextEngine {
  private final Evaluator evaluator;
  private final RelinKeys relinKeys;
  private final GaloisKeys galoisKeys;

  HostEngine(CkksContext context, RelinKeys relinKeys, GaloisKeys galoisKeys) {
    this.evaluator = new Evaluator(context);
    this.relinKeys = relinKeys;
    this.galoisKeys = galoisKeys;
  }

  @Override
  public Ciphertext input(Ciphertext host) {
    if (host.isOnDevice()) {
      throw new IllegalArgumentException("input ciphertext is in device memory; this backend runs on the CPU");
    }
    return host;
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
    evaluator.relinearizeInplace(a, relinKeys);
  }

  @Override
  public void rescaleToNextInplace(Ciphertext a) {
    evaluator.rescaleToNextInplace(a);
  }

  @Override
  public Ciphertext rotateVector(Ciphertext a, int steps) {
    return evaluator.rotateVector(a, steps, galoisKeys);
  }

  @Override
  public Ciphertext[] rotateHoisted(Ciphertext a, int[] steps) {
    return evaluator.rotateHoisted(a, steps, galoisKeys);
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
