package org.cipherformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cipherformer threats run} at small sizes writes both report files and prints the Markdown. */
class ThreatsCommandTest {
  @TempDir
  Path dir;

  @Test
  void threatsRunWritesTheReport() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute("threats", "run",
        "--out", dir.toString(), "--t2-queries", "16", "--tokens", "1000,2000", "--refine-seconds", "0.2");
    assertEquals(0, code, err.toString());
    assertTrue(Files.size(dir.resolve("threats.md")) > 0 && Files.size(dir.resolve("threats.json")) > 0);
    assertTrue(out.toString().contains("## T4"), out.toString());
    StringWriter err2 = new StringWriter();
    int bad = Main.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err2, true))
        .execute("threats", "run");
    assertTrue(bad != 0 && err2.toString().contains("--out"), err2.toString());
  }
}
