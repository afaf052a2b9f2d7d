package org.cipherformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.cipherformer.threats.ThreatPlots;
import org.cipherformer.threats.ThreatSuite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cipherformer threats run --quick} end to end: every wired piece runs at its test-suite size against the
 * real models, corpus and server, and the report files hold what they must. Also the command's errors: bad options
 * exit 2, missing data exits 1 naming the file.
 */
class ThreatsCommandTest {
  @TempDir
  Path dir;

  private record Run(int code, String out, String err) {
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void quickRunOfEveryWiredPieceWritesTheReport() throws Exception {
    Run r = run("threats", "run", "--quick", "--out", dir.toString());
    assertEquals(0, r.code(), r.err());
    List<String> ids = ThreatSuite.wiredIds();
    String md = Files.readString(dir.resolve("threats.md"));
    for (String id : ids) {
      assertTrue(md.contains("\n## " + id + ": "), "no section for " + id + ":\n" + md);
      assertTrue(r.err().contains("] " + id), "no progress line for " + id + ":\n" + r.err());
    }
    assertTrue(r.out().contains("## T4"), "the Markdown is printed");

    JsonNode json = new ObjectMapper().readTree(dir.resolve("threats.json").toFile());
    assertEquals("quick", json.get("settings").get("size").asText());
    assertEquals(0, json.get("failures").size());
    JsonNode h = json.get("headlines");
    for (String id : ThreatSuite.FULL_ONLY) {
      assertTrue(!ids.contains(id) || md.contains("## " + id + ": (not measured in this run)"), md);
    }
    for (String id : ids.stream().filter(i -> !ThreatSuite.FULL_ONLY.contains(i)).toList()) {
      assertTrue(h.has(id) && h.get(id).size() > 0, "no headline for " + id + ": " + h);
    }
    // The headline figures are the measured ones: with the originals, T1 recovers tiny-lm's whole vocabulary.
    assertEquals(1.0, h.get("T1").get(0).get("vocab_recovered").asDouble());
    double acc = h.get("T4").get(1).get("refined_token_accuracy").asDouble();
    assertTrue(acc > 0 && acc <= 1, "T4 accuracy " + acc);

    List<String> plots = new ArrayList<>();
    json.get("plots").forEach(p -> plots.add(p.get("file").asText()));
    assertTrue(plots.contains("t4-token-accuracy.png") && plots.contains("t4-distinct-recovered.png"),
        plots.toString());
    for (String p : plots) {
      assertTrue(md.contains("](" + p + ")"), p + " not linked from the Markdown");
      BufferedImage img = ImageIO.read(dir.resolve(p).toFile());
      assertNotNull(img, p + " does not decode");
      assertEquals(ThreatPlots.WIDTH, img.getWidth(), p);
      assertEquals(ThreatPlots.HEIGHT, img.getHeight(), p);
    }
  }

  @Test
  void badOptionsExitTwoAndMissingDataExitsOneNamingTheFile() {
    Run noOut = run("threats", "run");
    assertTrue(noOut.code() == Main.USAGE && noOut.err().contains("--out"), noOut.err());
    Run badId = run("threats", "run", "--out", dir.toString(), "--only", "T1,X7");
    assertTrue(badId.code() == Main.USAGE && badId.err().contains("'X7'"), badId.err());
    Run badSeed = run("threats", "run", "--out", dir.toString(), "--seed", "abc");
    assertTrue(badSeed.code() == Main.USAGE && badSeed.err().contains("abc"), badSeed.err());
    Run badQueries = run("threats", "run", "--out", dir.toString(), "--t2-queries", "0");
    assertTrue(badQueries.code() == Main.USAGE && badQueries.err().contains("got 0"), badQueries.err());

    Path models = dir.resolve("nowhere");
    Run missing = run("threats", "run", "--quick", "--only", "T4", "--out", dir.resolve("o").toString(),
        "--models", models.toString());
    assertEquals(Main.FAILED, missing.code(), missing.err());
    assertTrue(missing.err().contains(models.resolve("tiny-lm").toString()), missing.err());
    Path fortunes = dir.resolve("no-fortunes");
    Run noCorpus = run("threats", "run", "--quick", "--only", "T4", "--out", dir.resolve("o").toString(),
        "--fortunes", fortunes.toString());
    assertEquals(Main.FAILED, noCorpus.code(), noCorpus.err());
    assertTrue(noCorpus.err().contains(fortunes.toString()), noCorpus.err());
    assertTrue(!Files.exists(dir.resolve("o")), "nothing runs (and nothing is written) when an input is missing");
  }
}
