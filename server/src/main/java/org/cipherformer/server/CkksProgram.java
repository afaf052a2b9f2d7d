package org.cipherformer.server;

import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.model.encrypted.EncryptedTransformer;
import org.cipherformer.model.encrypted.ExecutionPlan;
import org.cipherformer.model.encrypted.SlotLayout;

/**
 * A hosted model laid out for CKKS: the program every session of the model runs, its compiled plan (the rotation
 * steps a client must make keys for, the refresh rounds, the costs) and the parameters it was planned for.
 *
 * @param program      the encrypted transformer at {@code layout}
 * @param plan         the plan compiled from a simulated run
 * @param parameters   the CKKS parameter set (the server's default preset)
 * @param layout       the slot layout: the most inputs that fit in one ciphertext
 * @param compileNanos time the layout and plan took
 */
public record CkksProgram(EncryptedTransformer program, ExecutionPlan plan, CkksParameters parameters,
                          SlotLayout layout, long compileNanos) {
  /** @return output ciphertexts of one inference: one for a classifier, one per batch slot for a causal LM */
  public int outputCiphertexts() {
    return program.config().task() == org.cipherformer.model.format.Task.IMAGE_CLASSIFICATION ? 1 : layout.batch();
  }
}
