package org.cipherformer.server;

import org.cipherformer.model.format.Architecture;
import org.cipherformer.model.format.ImageSpec;
import org.cipherformer.model.format.Task;
import org.cipherformer.model.poly.RangeReport;
import org.cipherformer.proto.v1.EeInferenceRequest;
import org.cipherformer.proto.v1.EeInferenceResponse;

/**
 * RunEe: one plaintext inference of an EE-transformed model on a permuted input (docs/ee.md). The server holds no key
 * and does nothing EE-specific: the transformed weights make the ordinary forward pass map permuted inputs to
 * permuted logits. Everything is checked before compute; the work is milliseconds, so it runs on the calling thread,
 * counted against the tenant's concurrent-inference quota like any inference.
 */
final class EeInference {
  private EeInference() {
  }

  /**
   * @param model    the hosted model
   * @param request  the request
   * @param limiter  concurrent-inference accounting
   * @param tenant   the caller's tenant
   * @param plaintext also serve untransformed models (the server's benchmark-only plaintext option)
   * @return permuted logits (classes, or the last position's vocabulary) and the compute time
   * @throws io.grpc.StatusRuntimeException FAILED_PRECONDITION for a model that is not EE-transformed,
   *     INVALID_ARGUMENT for a malformed input, RESOURCE_EXHAUSTED at the quota
   */
  static EeInferenceResponse run(HostedModel model, EeInferenceRequest request, InferenceLimiter limiter,
      Tenant tenant, boolean plaintext) {
    if (!model.eeAvailable() && !plaintext) {
      throw Errors.failedPrecondition("model '" + model.name() + "' is not EE-transformed; RunEe serves only "
          + "EE-transformed models (use RunCkks, or host the output of `cipherformer ee-transform`)");
    }
    Architecture arch = model.model().config().architecture();
    double[] pixels = null;
    int[] ids = null;
    switch (request.getInputCase()) {
      case IMAGE -> pixels = image(model, arch, request);
      case TOKENS -> ids = tokens(model, arch, request);
      default -> throw Errors.invalidArgument("EE request for model '" + model.name() + "' has no input (set image "
          + "or tokens)");
    }
    limiter.acquire(tenant);
    try {
      long t0 = System.nanoTime();
      double[] logits;
      if (pixels != null) {
        logits = model.reference().classLogits(pixels, new RangeReport());
      } else {
        double[][] all = model.reference().lmLogits(ids, new RangeReport());
        logits = all[all.length - 1];
      }
      long nanos = System.nanoTime() - t0;
      EeInferenceResponse.Builder b = EeInferenceResponse.newBuilder().setComputeNanos(nanos);
      for (double v : logits) {
        b.addLogits(v);
      }
      return b.build();
    } finally {
      limiter.release(tenant);
    }
  }

  private static double[] image(HostedModel model, Architecture arch, EeInferenceRequest request) {
    if (model.task() != Task.IMAGE_CLASSIFICATION) {
      throw Errors.invalidArgument("model '" + model.name() + "' is a " + model.task().jsonName()
          + "; send tokens, not an image");
    }
    ImageSpec im = arch.image();
    int expected = im.height() * im.width() * im.channels();
    int n = request.getImage().getValuesCount();
    if (n != expected) {
      throw Errors.invalidArgument("image has " + n + " values, model '" + model.name() + "' needs " + im.height()
          + "x" + im.width() + "x" + im.channels() + " = " + expected);
    }
    double[] pixels = new double[n];
    for (int i = 0; i < n; i++) {
      float v = request.getImage().getValues(i);
      if (!Float.isFinite(v)) {
        throw Errors.invalidArgument("image value " + i + " is " + v);
      }
      pixels[i] = v;
    }
    return pixels;
  }

  private static int[] tokens(HostedModel model, Architecture arch, EeInferenceRequest request) {
    if (model.task() != Task.CAUSAL_LM) {
      throw Errors.invalidArgument("model '" + model.name() + "' is an " + model.task().jsonName()
          + "; send an image, not tokens");
    }
    int n = request.getTokens().getIdsCount();
    if (n < 1 || n > arch.seqLen()) {
      throw Errors.invalidArgument("prompt has " + n + " tokens, model '" + model.name() + "' takes 1 to "
          + arch.seqLen());
    }
    int[] ids = new int[n];
    for (int t = 0; t < n; t++) {
      int id = request.getTokens().getIds(t); // uint32: negative here means >= 2^31
      if (id < 0 || id >= arch.vocabSize()) {
        throw Errors.invalidArgument("token id " + Integer.toUnsignedString(id) + " at position " + t
            + " outside [0, " + arch.vocabSize() + ")");
      }
      ids[t] = id;
    }
    return ids;
  }
}
