package org.cipherformer.client;

import io.grpc.Status;
import org.cipherformer.he.EncryptionParameters;
import org.cipherformer.he.io.SealFormatException;
import org.cipherformer.he.io.SealReader;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.proto.v1.CkksPlan;

/**
 * The client's CKKS parameter set for a model's plan, rebuilt from what the server describes: SEAL's serialized
 * EncryptionParameters (the ring degree and the exact primes), the input level and the input scale.
 *
 * <p>The primes are not trusted blindly: the parameter set is rebuilt with {@link CkksParameters} from the prime
 * sizes (a named preset when the server names one, otherwise the same prime search SEAL's
 * {@code CoeffModulus::Create} does), which re-checks the 128-bit security limit, and must reproduce exactly the
 * primes the server sent. So a server cannot make the client generate keys under weak or odd parameters.
 */
final class PlanParameters {
  private PlanParameters() {
  }

  /**
   * @param plan the model's CKKS plan as described by the server
   * @return the parameter set, equal in primes, top level and top scale to the server's
   * @throws CipherformerException (FAILED_PRECONDITION) naming the mismatch if the description is inconsistent or
   *     insecure
   */
  static CkksParameters of(CkksPlan plan) {
    EncryptionParameters sent;
    try {
      sent = SealReader.readEncryptionParameters(plan.getEncryptionParameters().toByteArray());
    } catch (SealFormatException e) {
      throw bad("the server's encryption parameters do not load: " + e.getMessage(), e);
    }
    CkksParameters params = preset(plan.getPreset());
    if (params == null || !params.encryptionParameters().equals(sent)) {
      long[] q = sent.coeffModulus();
      if (q.length < 3) {
        throw bad("the server's parameters have " + q.length + " primes; CKKS inference needs at least 3", null);
      }
      int[] bits = new int[q.length];
      for (int i = 0; i < q.length; i++) {
        bits[i] = 64 - Long.numberOfLeadingZeros(q[i]);
      }
      double scaleBits = Math.log(plan.getInputScale()) / Math.log(2);
      if (!(Math.abs(scaleBits - Math.rint(scaleBits)) < 1e-9)) {
        throw bad("input scale " + plan.getInputScale() + " is not a power of two", null);
      }
      try {
        params = CkksParameters.custom(sent.polyModulusDegree(), bits, (int) Math.rint(scaleBits), 1);
      } catch (RuntimeException e) {
        throw bad("the server's parameters are refused: " + e.getMessage(), e);
      }
      if (!params.encryptionParameters().equals(sent)) {
        throw bad("the server's primes are not the ones CoeffModulus.create gives for sizes "
            + java.util.Arrays.toString(bits), null);
      }
    }
    if (params.topLevel() != plan.getInputLevel()) {
      throw bad("input level " + plan.getInputLevel() + " is not the parameters' top level " + params.topLevel(),
          null);
    }
    if (params.scale(params.topLevel()) != plan.getInputScale()) {
      throw bad("input scale " + plan.getInputScale() + " is not the parameters' top scale "
          + params.scale(params.topLevel()), null);
    }
    return params;
  }

  private static CkksParameters preset(String name) {
    return switch (name) {
      case "n16384" -> CkksParameters.n16384();
      case "n32768" -> CkksParameters.n32768();
      default -> null;
    };
  }

  private static CipherformerException bad(String message, Throwable cause) {
    return new CipherformerException(Status.Code.FAILED_PRECONDITION, message, cause);
  }
}
