package org.cipherformer.model.encrypted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PlanCommandTest {
  @Test
  void optionsParseWithDefaults() {
    PlanCommand.Args a = PlanCommand.Args.parse(new String[] {"models/tiny-lm"});
    assertEquals(Path.of("models/tiny-lm"), a.modelDir());
    assertEquals(PlanPreset.n16384(), a.preset());
    assertNull(a.batch());
    assertEquals(16, a.tokens());
    PlanCommand.Args b = PlanCommand.Args.parse(
        new String[] {"m", "--preset", "n32768", "--batch", "3", "--tokens", "8"});
    assertEquals(PlanPreset.n32768(), b.preset());
    assertEquals(3, b.batch());
    assertEquals(8, b.tokens());
  }

  @Test
  void badOptionsNameTheValue() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PlanCommand.Args.parse(new String[] {"m", "--preset", "n4096"})).getMessage().contains("n4096"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PlanCommand.Args.parse(new String[] {"m", "--batch", "0"})).getMessage().contains("0"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PlanCommand.Args.parse(new String[] {"m", "--tokens", "x"})).getMessage().contains("'x'"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PlanCommand.Args.parse(new String[] {"m", "--frobnicate", "1"})).getMessage()
        .contains("--frobnicate"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PlanCommand.Args.parse(new String[] {"m", "--batch"})).getMessage().contains("--batch"));
  }
}
