package org.cipherformer.he.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CkksExampleTest {
  @Test
  void tourRunsAndStaysAccurate() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    double worst = CkksExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(worst < 1e-4, "largest error " + worst + "\n" + text);
    assertTrue(text.contains("rotate(x^2, 1):"), text);
    assertTrue(text.contains("x^2: level 1, size 2"), text);
  }
}
