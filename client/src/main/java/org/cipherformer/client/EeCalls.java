package org.cipherformer.client;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.cipherformer.model.ee.EeCodec;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.format.ImageSpec;
import org.cipherformer.proto.v1.EeImage;
import org.cipherformer.proto.v1.EeInferenceRequest;
import org.cipherformer.proto.v1.EeInferenceResponse;
import org.cipherformer.proto.v1.EeTokens;
import org.cipherformer.proto.v1.ImageInput;
import org.cipherformer.proto.v1.InferenceServiceGrpc.InferenceServiceBlockingStub;
import org.cipherformer.proto.v1.ModelDescription;

/**
 * The client side of EE inference (docs/ee.md): checks that the hosted model was transformed with the caller's key,
 * permutes each input locally, sends only the permuted input, and un-permutes the returned logits locally. The key
 * never leaves this process and no unpermuted input is ever sent.
 */
final class EeCalls {
  private EeCalls() {
  }

  /** The codec of an EE model as the server describes it, after checking the key id. */
  static EeCodec codec(ModelDescription d, EeKey key) {
    String name = d.getSummary().getName();
    if (!d.getSummary().getEeAvailable()) {
      throw new CipherformerException(Status.Code.FAILED_PRECONDITION, "model '" + name + "' is not an "
          + "EE-transformed model; EE mode needs a model made by `cipherformer ee-transform`");
    }
    if (!d.getSummary().getEeKeyId().equals(key.keyId())) {
      throw new CipherformerException(Status.Code.FAILED_PRECONDITION, "model '" + name + "' was transformed with "
          + "EE key id " + d.getSummary().getEeKeyId() + ", the given key's id is " + key.keyId());
    }
    if (d.getInput().hasImage()) {
      ImageInput in = d.getInput().getImage();
      ImageSpec spec = new ImageSpec(in.getHeight(), in.getWidth(), in.getChannels(), in.getPatch(), true,
          d.getOutput().getClasses().getLabelsCount(), in.getPixelMean(), in.getPixelStd());
      return EeCodec.forImages(key, spec);
    }
    return EeCodec.forVocabulary(key, d.getInput().getTokensInput().getVocabSize());
  }

  static Classification classify(ModelDescription d, EeKey key, List<double[]> images,
      Supplier<InferenceServiceBlockingStub> stub) {
    if (!d.getOutput().hasClasses()) {
      throw new CipherformerException(Status.Code.INVALID_ARGUMENT,
          "model '" + d.getSummary().getName() + "' is not an image classifier");
    }
    long start = System.nanoTime();
    EeCodec codec = codec(d, key);
    Meter m = new Meter();
    double[][] logits = new double[images.size()][];
    for (int i = 0; i < images.size(); i++) {
      long t0 = System.nanoTime();
      double[] permuted = codec.permuteImage(images.get(i));
      EeImage.Builder img = EeImage.newBuilder();
      for (double v : permuted) {
        img.addValues((float) v);
      }
      EeInferenceRequest req = EeInferenceRequest.newBuilder().setModel(d.getSummary().getName()).setImage(img)
          .build();
      m.permuteNanos += System.nanoTime() - t0;
      double[] out = m.call(stub, req);
      long t1 = System.nanoTime();
      logits[i] = codec.unpermuteClassLogits(out);
      m.unpermuteNanos += System.nanoTime() - t1;
    }
    return new Classification(logits, d.getOutput().getClasses().getLabelsList(), m.timings(start), 0);
  }

  static NextTokens nextToken(ModelDescription d, EeKey key, List<int[]> prompts,
      Supplier<InferenceServiceBlockingStub> stub) {
    if (!d.getOutput().hasNextToken()) {
      throw new CipherformerException(Status.Code.INVALID_ARGUMENT,
          "model '" + d.getSummary().getName() + "' is not a causal LM");
    }
    return nextToken(d, codec(d, key), prompts, stub);
  }

  /** Next-token logits with a codec already derived (generation reuses it for every token). */
  private static NextTokens nextToken(ModelDescription d, EeCodec codec, List<int[]> prompts,
      Supplier<InferenceServiceBlockingStub> stub) {
    long start = System.nanoTime();
    Meter m = new Meter();
    double[][] logits = new double[prompts.size()][];
    for (int i = 0; i < prompts.size(); i++) {
      long t0 = System.nanoTime();
      EeTokens.Builder tok = EeTokens.newBuilder();
      for (int id : codec.permuteTokens(prompts.get(i))) {
        tok.addIds(id);
      }
      EeInferenceRequest req = EeInferenceRequest.newBuilder().setModel(d.getSummary().getName()).setTokens(tok)
          .build();
      m.permuteNanos += System.nanoTime() - t0;
      double[] out = m.call(stub, req);
      long t1 = System.nanoTime();
      logits[i] = codec.unpermuteVocabLogits(out);
      m.unpermuteNanos += System.nanoTime() - t1;
    }
    return new NextTokens(logits, m.timings(start), 0);
  }

  /**
   * Greedy generation: appends the most likely next token until {@code maxNewTokens}, the model's context length
   * (the description's limit is the server's: requests beyond it are INVALID_ARGUMENT) or {@code stopId}.
   */
  static int[] generate(ModelDescription d, EeKey key, int[] prompt, int maxNewTokens, int stopId, int contextLength,
      Supplier<InferenceServiceBlockingStub> stub) {
    if (maxNewTokens < 0) {
      throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
    }
    if (!d.getOutput().hasNextToken()) {
      throw new CipherformerException(Status.Code.INVALID_ARGUMENT,
          "model '" + d.getSummary().getName() + "' is not a causal LM");
    }
    EeCodec codec = codec(d, key);
    List<Integer> ids = new ArrayList<>();
    for (int id : prompt) {
      ids.add(id);
    }
    List<Integer> generated = new ArrayList<>();
    while (generated.size() < maxNewTokens) {
      // Keep the last contextLength tokens: the model has no longer context.
      int from = Math.max(0, ids.size() - contextLength);
      int[] window = ids.subList(from, ids.size()).stream().mapToInt(Integer::intValue).toArray();
      int next = nextToken(d, codec, List.of(window), stub).predicted(0);
      generated.add(next);
      ids.add(next);
      if (next == stopId) {
        break;
      }
    }
    return generated.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Accumulates the time and bytes of a sequence of RunEe calls. */
  private static final class Meter {
    long permuteNanos;
    long unpermuteNanos;
    long serverNanos;
    long inputBytes;
    long outputBytes;

    double[] call(Supplier<InferenceServiceBlockingStub> stub, EeInferenceRequest req) {
      EeInferenceResponse r;
      try {
        r = stub.get().runEe(req);
      } catch (RuntimeException e) {
        throw CipherformerException.from(e);
      }
      inputBytes += req.getSerializedSize();
      outputBytes += r.getSerializedSize();
      serverNanos += r.getComputeNanos();
      double[] out = new double[r.getLogitsCount()];
      for (int i = 0; i < out.length; i++) {
        out[i] = r.getLogits(i);
      }
      return out;
    }

    /** EE timings in the CKKS record: permuting counts as "encrypt", un-permuting as "decrypt", no refresh. */
    InferenceTimings timings(long start) {
      return new InferenceTimings(permuteNanos, serverNanos, 0, 0, unpermuteNanos, System.nanoTime() - start, 0, 0,
          inputBytes, outputBytes, 0, 0);
    }
  }
}
