package org.cipherformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.server.CipherformerServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line through picocli's {@code CommandLine.execute}, as the launcher runs it: --help everywhere, and
 * every error is exactly one line on stderr with a non-zero exit code and no stack trace — usage errors (2), bad
 * input files (1, before any connection), and the server's refusals (1): unknown model, no server. Uses a real
 * server on a loopback port; no command here runs an inference. (API keys: {@code CliApiKeyTest}.)
 */
class CliTest {
  private static CipherformerServer server;

  @TempDir
  Path dir;

  /** What one execution printed, and its exit code. */
  record Run(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().filter(l -> !l.isBlank()).toList();
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Exactly one line on stderr, containing {@code expected}, no stack trace. */
  static void oneErrorLine(Run r, int code, String expected) {
    assertEquals(code, r.code(), r.toString());
    assertEquals(1, r.errLines().size(), "stderr: " + r.err());
    assertTrue(r.err().contains(expected), "stderr: " + r.err());
    assertFalse(r.err().contains("\tat "), "stack trace on stderr: " + r.err());
  }

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("cipherformer.root", RepoPaths.root().toString());
    server = CipherformerServer.builder()
        .port(0)
        .modelsDirectory(RepoPaths.root().resolve("models"))
        .models(List.of("vit-fmnist"))
        .start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String target() {
    return "127.0.0.1:" + server.port();
  }

  @Test
  void helpEverywhere() {
    Run root = run("--help");
    assertEquals(0, root.code());
    for (String sub : List.of("server", "models", "keygen", "classify", "next-token", "plan", "demo", "bench")) {
      assertTrue(root.out().contains(sub), "root help lists " + sub + ": " + root.out());
      Run r = run(sub, "--help");
      assertEquals(0, r.code(), sub);
      assertTrue(r.out().contains("Usage: cipherformer " + sub), r.out());
      assertTrue(r.err().isEmpty(), r.err());
    }
  }

  @Test
  void usageErrorsAreOneLineWithExitCode2() {
    oneErrorLine(run(), 2, "a command is needed");
    oneErrorLine(run("classify", "--bogus"), 2, "Unknown option: '--bogus'");
    oneErrorLine(run("frobnicate"), 2, "frobnicate");
    oneErrorLine(run("classify"), 2, "give IMAGE files or --sample N");
  }

  @Test
  void badInputFilesFailBeforeConnecting() throws Exception {
    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "not an image");
    // No --server: the default address has no server; the file must fail first.
    oneErrorLine(run("classify", text.toString()), 1, "notes.txt: not a PNG or PGM image");
    oneErrorLine(run("classify", dir.resolve("missing.pgm").toString()), 1, "missing.pgm: no such file");
    oneErrorLine(run("classify", "--sample", "64"), 1, "--sample 64 outside 0..63");
  }

  @Test
  void serverRefusalsAreOneLineWithTheStatus() {
    oneErrorLine(run("classify", "--server", target(), "--model", "no-such-model", "--sample", "0"), 1,
        "NOT_FOUND");
    oneErrorLine(run("models", "no-such-model", "--server", target()), 1, "no-such-model");
    oneErrorLine(run("models", "--server", "127.0.0.1:1"), 1, "UNAVAILABLE");
    Run verbose = run("models", "no-such-model", "--server", target(), "--verbose");
    assertEquals(1, verbose.code());
    assertTrue(verbose.err().contains("\tat "), "--verbose shows the stack trace");
  }

  @Test
  void modelsListsAndDescribesWithTheRightKey() {
    Run list = run("models", "--server", target());
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().contains("vit-fmnist") && list.out().contains("image classification"), list.out());
    Run describe = run("models", "vit-fmnist", "--server", target());
    assertEquals(0, describe.code(), describe.err());
    assertTrue(describe.out().contains("28x28x1 image") && describe.out().contains("Galois keys"), describe.out());
  }

  @Test
  void planPrintsTheSummaryLocally() {
    Run r = run("plan", "vit-fmnist");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("plan: model vit-fmnist, preset n16384") && r.out().contains("rotation steps"),
        r.out());
    oneErrorLine(run("plan", "no-such-model"), 1, "no model 'no-such-model'");
    oneErrorLine(run("plan", "vit-fmnist", "--preset", "n999"), 1, "n999");
  }
}
