package org.cipherformer.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.cipherformer.he.CkksContext;
import org.cipherformer.he.GaloisKeys;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.SealWriter;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.he.ops.EvaluationKeys;
import org.cipherformer.proto.v1.CkksPlan;
import org.cipherformer.proto.v1.ModelDescription;
import org.cipherformer.proto.v1.ModelSummary;
import org.junit.jupiter.api.Test;

/** Key sets for a described plan: parameters checked, exactly the plan's steps, encrypt/refresh/decrypt, close. */
class ModelKeysTest {
  /** A small chain (N = 8192) so the test makes keys in well under a second. */
  private static final CkksParameters SMALL = CkksParameters.custom(8192, new int[] {50, 40, 40, 60}, 40, 1);

  private static ModelDescription description(CkksParameters p, String preset, List<Integer> steps) {
    return ModelDescription.newBuilder()
        .setSummary(ModelSummary.newBuilder().setName("m").setCkksAvailable(true))
        .setCkks(CkksPlan.newBuilder()
            .setEncryptionParameters(ByteString.copyFrom(SealWriter.write(p.encryptionParameters(), ComprMode.NONE)))
            .setPreset(preset).addAllGaloisSteps(steps).setNeedsRelinKeys(true)
            .setInputScale(p.scale(p.topLevel())).setInputLevel(p.topLevel()))
        .build();
  }

  @Test
  void keysCoverExactlyThePlansStepsAndLoadOnTheServerSide() throws Exception {
    List<int[]> progress = new ArrayList<>();
    try (ModelKeys keys = ModelKeys.generate(description(SMALL, "custom", List.of(-3, 1, 16)),
        (phase, done, total) -> progress.add(new int[] {done, total}), null);
        CkksContext server = SMALL.createContext();
        EvaluationKeys loaded = EvaluationKeys.load(server, keys.relinKeyBytes(), keys.galoisKeyBytes(),
            new TreeSet<>(Set.of(-3, 1, 16)));
        GaloisKeys g = loaded.galoisKeys()) {
      assertEquals(new TreeSet<>(Set.of(-3, 1, 16)), keys.steps());
      // Exactly three Galois elements: no extra keys (each costs the client time and upload bytes).
      assertEquals(3, g.galoisElements().length);
      assertEquals(SMALL.encryptionParameters(), keys.parameters().encryptionParameters());
      assertEquals(4, progress.get(progress.size() - 1)[0]);
      assertEquals(4, progress.get(progress.size() - 1)[1]);
      assertEquals(keys.uploadBytes(), keys.relinKeyBytes().length + keys.galoisKeyBytes().length);
    }
  }

  @Test
  void refreshReturnsFreshEncryptionsOfTheSameValues() {
    try (ModelKeys keys = ModelKeys.generate(description(SMALL, "custom", List.of(1)), KeyGenerationListener.NONE,
        null)) {
      double[] v = new double[SMALL.slotCount()];
      for (int i = 0; i < v.length; i++) {
        v[i] = Math.sin(i) * 3;
      }
      byte[] c = keys.encrypt(v);
      List<byte[]> fresh = keys.refresh(List.of(c));
      assertEquals(1, fresh.size());
      assertNotEquals(ByteString.copyFrom(c), ByteString.copyFrom(fresh.get(0)), "a new encryption, not an echo");
      double[] back = keys.decrypt(fresh.get(0));
      double worst = 0;
      for (int i = 0; i < v.length; i++) {
        worst = Math.max(worst, Math.abs(back[i] - v[i]));
      }
      assertTrue(worst < 1e-5, "max error " + worst);
      CipherformerException bad = assertThrows(CipherformerException.class,
          () -> keys.decrypt(new byte[] {1, 2, 3}));
      assertEquals(Status.Code.INVALID_ARGUMENT, bad.code());
    }
  }

  @Test
  void releaseDecryptionIsFloodedWithTheRequestedStd() {
    try (ModelKeys keys = ModelKeys.generate(description(SMALL, "custom", List.of(1)), KeyGenerationListener.NONE,
        null)) {
      double[] v = new double[SMALL.slotCount()];
      for (int i = 0; i < v.length; i++) {
        v[i] = Math.cos(i) * 5;
      }
      byte[] c = keys.encrypt(v);
      double std = ClientOptions.DEFAULT_RELEASE_FLOODING_STD;
      double[] raw = keys.decrypt(c);
      double[] flooded = keys.decrypt(c, std);
      double sq = 0;
      double max = 0;
      for (int i = 0; i < v.length; i++) {
        double d = flooded[i] - raw[i];
        sq += d * d;
        max = Math.max(max, Math.abs(d));
      }
      double rms = Math.sqrt(sq / v.length);
      // 4096 values: the rms of the added Gaussian is within 5% of std (standard error 1.1%); none beyond 7 std.
      assertTrue(Math.abs(rms / std - 1) < 0.05, "flooding rms " + rms + " for std " + std);
      assertTrue(max < 7 * std, "flooding max " + max);
      assertEquals(raw.length, keys.decrypt(c, 0).length);
      double worst = 0;
      double[] again = keys.decrypt(c, 0);
      for (int i = 0; i < v.length; i++) {
        worst = Math.max(worst, Math.abs(again[i] - raw[i]));
      }
      assertEquals(0.0, worst, "std 0 is a raw decryption");
      assertThrows(IllegalArgumentException.class, () -> keys.decrypt(c, -1));
      assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder().releaseFlooding(Double.NaN).build());
      assertEquals(ClientOptions.DEFAULT_RELEASE_FLOODING_STD, ClientOptions.defaults().releaseFloodingStd());
    }
  }

  @Test
  void presetNameResolvesToThePresetAndClosingFreesTheSecretKey() {
    Runnable[] closed = {null};
    int[] calls = {0};
    closed[0] = () -> calls[0]++;
    ModelKeys keys = ModelKeys.generate(description(SMALL, "custom", List.of(2)), KeyGenerationListener.NONE,
        closed[0]);
    keys.close();
    keys.close();
    assertEquals(1, calls[0], "onClose runs once");
    assertTrue(keys.isClosed());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> keys.encrypt(new double[] {1}));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    CkksParameters preset = PlanParameters.of(description(CkksParameters.n16384(), "n16384", List.of()).getCkks());
    assertEquals("n16384", preset.description().substring(0, 6));
  }

  @Test
  void inconsistentDescriptionsAreRefused() {
    CkksPlan good = description(SMALL, "custom", List.of(1)).getCkks();
    CipherformerException level = assertThrows(CipherformerException.class,
        () -> PlanParameters.of(good.toBuilder().setInputLevel(5).build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, level.code());
    assertTrue(level.getMessage().contains("input level 5"), level.getMessage());
    CipherformerException scale = assertThrows(CipherformerException.class,
        () -> PlanParameters.of(good.toBuilder().setInputScale(3.0).build()));
    assertTrue(scale.getMessage().contains("not a power of two"), scale.getMessage());
    CipherformerException garbage = assertThrows(CipherformerException.class,
        () -> PlanParameters.of(good.toBuilder().setEncryptionParameters(ByteString.copyFromUtf8("xx")).build()));
    assertTrue(garbage.getMessage().contains("do not load"), garbage.getMessage());
    CipherformerException twice = assertThrows(CipherformerException.class, () -> ModelKeys.generate(
        description(SMALL, "custom", List.of(1, 1)), KeyGenerationListener.NONE, null));
    assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
  }
}
