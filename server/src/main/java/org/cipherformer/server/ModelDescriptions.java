package org.cipherformer.server;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.SealWriter;
import org.cipherformer.he.ops.OpKind;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.encrypted.ExecutionPlan;
import org.cipherformer.model.encrypted.SlotLayout;
import org.cipherformer.model.format.Architecture;
import org.cipherformer.model.format.ImageSpec;
import org.cipherformer.proto.v1.CkksPlan;
import org.cipherformer.proto.v1.ClassLogits;
import org.cipherformer.proto.v1.ImageInput;
import org.cipherformer.proto.v1.InputLayout;
import org.cipherformer.proto.v1.ModelDescription;
import org.cipherformer.proto.v1.ModelSummary;
import org.cipherformer.proto.v1.NextTokenLogits;
import org.cipherformer.proto.v1.OutputLayout;
import org.cipherformer.proto.v1.Task;
import org.cipherformer.proto.v1.TokenInput;

/** A hosted model as the API describes it (models.proto). */
final class ModelDescriptions {
  private ModelDescriptions() {
  }

  static ModelSummary summary(HostedModel m) {
    return ModelSummary.newBuilder()
        .setName(m.name())
        .setTask(task(m))
        .setCkksAvailable(m.ckksAvailable())
        .setEeAvailable(m.eeAvailable())
        .setEeKeyId(m.eeKeyId())
        .build();
  }

  /** The full description; compiles the model's plan if it has not been compiled yet. */
  static ModelDescription describe(HostedModel m) {
    ModelDescription.Builder b = ModelDescription.newBuilder().setSummary(summary(m));
    if (m.ckksAvailable()) {
      CkksProgram p = m.ckks();
      b.setCkks(plan(p));
      b.setInput(input(m, p.layout()));
      b.setOutput(output(m, p.layout()));
    } else {
      // No plan: the layout a CKKS client would use is still well defined at the default parameters.
      Architecture arch = m.model().config().architecture();
      int tokens = m.task() == org.cipherformer.model.format.Task.IMAGE_CLASSIFICATION ? arch.seqLen()
          : HostedModel.LM_PROMPT_TOKENS;
      int slots = m.parameters().slotCount();
      SlotLayout layout = new SlotLayout(slots, tokens, arch.dModel(),
          SlotLayout.maxBatch(slots, tokens, arch.dModel()));
      b.setInput(input(m, layout));
      b.setOutput(output(m, layout));
    }
    return b.build();
  }

  static CkksPlan plan(CkksProgram p) {
    ExecutionPlan plan = p.plan();
    int top = p.parameters().topLevel();
    return CkksPlan.newBuilder()
        // Uncompressed: the smallest thing a client must parse; SEAL's load accepts every compression mode.
        .setEncryptionParameters(ByteString.copyFrom(
            SealWriter.write(p.parameters().encryptionParameters(), ComprMode.NONE)))
        .setPreset(plan.preset().name())
        .addAllGaloisSteps(plan.rotationSteps())
        .setNeedsRelinKeys(plan.count(OpKind.MUL) > 0 || plan.count(OpKind.RELINEARIZE) > 0)
        .setInputScale(p.parameters().scale(top))
        .setInputLevel(top)
        .setDepth(plan.depth())
        .setRefreshRounds(plan.refreshRounds().size())
        .setRefreshedCiphertexts(plan.refreshedValues())
        .setRotations(plan.count(OpKind.ROTATE))
        .setCiphertextMultiplications(plan.count(OpKind.MUL))
        .setRescales(plan.count(OpKind.RESCALE))
        .setOutputCiphertexts(p.outputCiphertexts())
        .build();
  }

  static InputLayout input(HostedModel m, SlotLayout layout) {
    InputLayout.Builder b = InputLayout.newBuilder()
        .setSlotCount(layout.slotCount())
        .setTokens(layout.tokens())
        .setDModel(layout.dModel())
        .setBatch(layout.batch());
    Architecture arch = m.model().config().architecture();
    ImageSpec im = arch.image();
    if (im != null) {
      b.setImage(ImageInput.newBuilder()
          .setHeight(im.height())
          .setWidth(im.width())
          .setChannels(im.channels())
          .setPatch(im.patch())
          .setPixelMean(im.pixelMean())
          .setPixelStd(im.pixelStd()));
    } else {
      b.setTokensInput(TokenInput.newBuilder()
          .setVocabSize(arch.vocabSize())
          .setWeightsSha256(ByteString.copyFrom(m.weightsSha256())));
    }
    return b.build();
  }

  static OutputLayout output(HostedModel m, SlotLayout layout) {
    Architecture arch = m.model().config().architecture();
    ImageSpec im = arch.image();
    if (im != null) {
      return OutputLayout.newBuilder().setClasses(ClassLogits.newBuilder().addAllLabels(labels(m, im))).build();
    }
    return OutputLayout.newBuilder().setNextToken(NextTokenLogits.newBuilder().setVocabSize(arch.vocabSize()))
        .build();
  }

  /** Fashion-MNIST's class names for the Fashion-MNIST models (the config has no labels), class numbers otherwise. */
  private static List<String> labels(HostedModel m, ImageSpec im) {
    if (m.name().contains("fmnist") && im.numClasses() == FashionMnist.CLASS_NAMES.size()) {
      return FashionMnist.CLASS_NAMES;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < im.numClasses(); i++) {
      out.add(Integer.toString(i));
    }
    return out;
  }

  private static Task task(HostedModel m) {
    return switch (m.task()) {
      case IMAGE_CLASSIFICATION -> Task.TASK_IMAGE_CLASSIFICATION;
      case CAUSAL_LM -> Task.TASK_CAUSAL_LM;
    };
  }
}
