package org.cipherformer.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.encrypted.InputPacker;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.model.encrypted.SlotLayout;
import org.cipherformer.model.format.ImageSpec;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.proto.v1.ImageInput;
import org.cipherformer.proto.v1.InputLayout;
import org.cipherformer.proto.v1.TokenInput;
import org.junit.jupiter.api.Test;

/** The client's packing from the API's layout equals the in-process packer's (the server unpacks like the latter). */
class InputPackingTest {
  private static final Path ROOT = RepoPaths.root();

  private static InputLayout imageLayout(ModelDirectory.Model m, SlotLayout l) {
    ImageSpec im = m.config().architecture().image();
    return InputLayout.newBuilder().setSlotCount(l.slotCount()).setTokens(l.tokens()).setDModel(l.dModel())
        .setBatch(l.batch()).setImage(ImageInput.newBuilder().setHeight(im.height()).setWidth(im.width())
            .setChannels(im.channels()).setPatch(im.patch()).setPixelMean(im.pixelMean())
            .setPixelStd(im.pixelStd())).build();
  }

  @Test
  void imagesPackExactlyLikeTheInProcessPacker() throws Exception {
    ModelDirectory.Model vit = ModelDirectory.load(ROOT.resolve("models/vit-fmnist"));
    int seq = vit.config().architecture().seqLen();
    int d = vit.config().architecture().dModel();
    SlotLayout layout = new SlotLayout(8192, seq, d, SlotLayout.maxBatch(8192, seq, d));
    List<double[]> images = ShippedInputs.images(ROOT).subList(3, 3 + layout.batch());
    double[] want = new InputPacker(vit, layout).images(images);
    double[] got = InputPacking.images(imageLayout(vit, layout), images);
    assertArrayEquals(want, got, 0.0);
    // Not trivially equal: most of the used slots are nonzero.
    long nonzero = java.util.Arrays.stream(got).filter(v -> v != 0).count();
    assertTrue(nonzero > layout.batch() * 600L, "nonzero slots " + nonzero);
  }

  @Test
  void badImagesAreInvalidArgumentNamingTheValue() throws Exception {
    ModelDirectory.Model vit = ModelDirectory.load(ROOT.resolve("models/vit-fmnist"));
    InputLayout layout = imageLayout(vit, new SlotLayout(8192, 17, 64, 7));
    CipherformerException size = assertThrows(CipherformerException.class,
        () -> InputPacking.images(layout, List.of(new double[27 * 28])));
    assertEquals(Status.Code.INVALID_ARGUMENT, size.code());
    assertTrue(size.getMessage().contains("756 values"), size.getMessage());
    double[] px = new double[784];
    px[100] = 256;
    CipherformerException value = assertThrows(CipherformerException.class,
        () -> InputPacking.images(layout, List.of(px)));
    assertTrue(value.getMessage().contains("value 100 is 256.0"), value.getMessage());
    CipherformerException count = assertThrows(CipherformerException.class,
        () -> InputPacking.images(layout, java.util.Collections.nCopies(8, new double[784])));
    assertTrue(count.getMessage().contains("8 inputs"), count.getMessage());
  }

  @Test
  void promptsNeedTheServersWeights() throws Exception {
    Path dir = ROOT.resolve("models/tiny-lm");
    ModelDirectory.Model lm = ModelDirectory.load(dir);
    Path weights = dir.resolve(ModelDirectory.WEIGHTS);
    int[] ids = ShippedInputs.prompt(lm, ROOT, 16);
    SlotLayout l = new SlotLayout(8192, 16, 64, 1);
    InputLayout.Builder layout = InputLayout.newBuilder().setSlotCount(8192).setTokens(16).setDModel(64).setBatch(1);
    InputLayout good = layout.setTokensInput(TokenInput.newBuilder().setVocabSize(2048)
        .setWeightsSha256(ByteString.copyFrom(InputPacking.sha256(weights)))).build();
    assertArrayEquals(new InputPacker(lm, l).prompts(List.of(ids)),
        InputPacking.prompts(good, lm, weights, List.of(ids)), 0.0);
    InputLayout other = layout.setTokensInput(TokenInput.newBuilder().setVocabSize(2048)
        .setWeightsSha256(ByteString.copyFrom(new byte[32]))).build();
    CipherformerException e = assertThrows(CipherformerException.class,
        () -> InputPacking.prompts(other, lm, weights, List.of(ids)));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
    CipherformerException shortPrompt = assertThrows(CipherformerException.class,
        () -> InputPacking.prompts(good, lm, weights, List.of(new int[] {2, 5})));
    assertEquals(Status.Code.INVALID_ARGUMENT, shortPrompt.code());
  }
}
