package org.cipherformer.threats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.cipherformer.model.data.FortuneCorpus;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.ee.EeKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The suite on the real T1/T2/T4 pieces at small sizes, its error rows, its selection and its input checks. */
class ThreatReportTest {
    @TempDir
    Path tmp;

    private static final byte[] SECRET = new byte[32];

    static {
        SECRET[0] = 42;
    }

    private static RunOptions options(Path models) {
        return new RunOptions(models, FortuneCorpus.DEBIAN_DIR, true, OptionalLong.empty(), EeKey.ofSecret(SECRET),
                new BaselineEeAttacks.Settings(64, new int[] {1000, 5000},
                        new FrequencyAnalysisAttack.Refinement(0.5, 10, 5)));
    }

    @Test
    void shortRunWritesMarkdownJsonAndPlotsWithEveryAttack() throws Exception {
        RunOptions o = options(RepoPaths.root().resolve("models"));
        List<String> lines = new ArrayList<>();
        // the three original pieces only (the without-originals piece has its own test)
        List<String> names = List.of("T1 weight alignment", "T2 functional signature", "T4 frequency analysis");
        List<SuitePiece> pieces = ThreatSuite.select(List.of("T1", "t2", "T4")).stream()
                .filter(p -> names.contains(p.name())).toList();
        assertEquals(3, pieces.size());
        SuiteOutcome outcome = ThreatSuite.run(pieces, o, lines::add);
        assertTrue(outcome.clean(), outcome.failures().toString());
        List<AttackResult> results = outcome.results();
        assertEquals(6 + 3 + 2, results.size());
        ThreatReport.write(tmp, o.describe(), outcome);

        JsonNode json = new ObjectMapper().readTree(tmp.resolve(ThreatReport.JSON).toFile());
        assertEquals(results.size(), json.get("results").size());
        assertEquals(EeKey.ofSecret(SECRET).keyId(), json.get("settings").get("ee_key_id").asText());
        // the JSON carries the measured numbers, not placeholders
        assertEquals(1.0, json.get("results").get(0).get("metrics").get("vocab_recovered").asDouble());
        assertEquals(results.get(10).metric("refined_token_accuracy"),
                json.get("headlines").get("T4").get(1).get("refined_token_accuracy").asDouble());
        assertEquals(2, json.get("plots").size(), json.get("plots").toString());
        String md = Files.readString(tmp.resolve(ThreatReport.MARKDOWN));
        for (String h : new String[] {"## T1", "## T2", "## T4", "vit-fmnist-original", "refined_token_accuracy",
            "](t4-token-accuracy.png)", "Measured: "}) {
            assertTrue(md.contains(h), "report lacks " + h + ":\n" + md);
        }
        String hex = HexFormat.of().formatHex(SECRET);
        assertFalse(md.contains(hex) || json.toString().contains(hex), "no key material");
        assertTrue(lines.stream().anyMatch(l -> l.contains("[3/3] T4 frequency analysis")), lines.toString());
    }

    @Test
    void aPieceThatThrowsBecomesAnErrorRowAndTheOthersStillReport() throws Exception {
        SuitePiece broken = new SuitePiece("T3 cribs (broken on purpose)", List.of("T3"), o -> List.of(),
                (o, p) -> {
                    throw new IllegalStateException("crib table | missing");
                });
        SuitePiece fine = new SuitePiece("T4 stand-in", List.of("T4"), o -> List.of(),
                (o, p) -> List.of(new AttackResult("T4", "t", "fortunes", "k", "1000 tokens",
                        Map.of("observed_tokens", 1000, "refined_token_accuracy", 0.25), 0.1),
                        new AttackResult("T4", "t", "fortunes", "k", "10000 tokens",
                        Map.of("observed_tokens", 10000, "refined_token_accuracy", 0.5), 0.1)));
        SuitePiece wrongId = new SuitePiece("mislabelled", List.of("R1"), o -> List.of(),
                (o, p) -> List.of(new AttackResult("R2", "x", "m", "k", "i", Map.of(), 0)));
        RunOptions o = options(RepoPaths.root().resolve("models"));
        SuiteOutcome outcome = ThreatSuite.run(List.of(broken, fine, wrongId), o, l -> { });
        assertFalse(outcome.clean());
        assertEquals(2, outcome.failures().size());
        assertEquals("IllegalStateException", outcome.failures().get(0).error());
        assertTrue(outcome.failures().get(1).message().contains("id R2"), outcome.failures().get(1).message());
        assertEquals(2, outcome.results().size(), "T4's rows survive the failure before it");
        ThreatReport.write(tmp, o.describe(), outcome);
        String md = Files.readString(tmp.resolve(ThreatReport.MARKDOWN));
        assertTrue(md.contains("2 piece(s) failed") && md.contains("## T3: (not measured in this run)")
                && md.contains("crib table \\| missing") && md.contains("## T4"), md);
        JsonNode json = new ObjectMapper().readTree(tmp.resolve(ThreatReport.JSON).toFile());
        assertEquals("T3 cribs (broken on purpose)", json.get("failures").get(0).get("piece").asText());
    }

    @Test
    void selectionNamesUnknownIdsAndMissingInputs() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ThreatSuite.select(List.of("T1", "T9")));
        assertTrue(bad.getMessage().contains("'T9'"), bad.getMessage());
        assertEquals(ThreatSuite.pieces().size(), ThreatSuite.select(List.of()).size());
        assertEquals(List.of("T4"), ThreatSuite.select(List.of("t4")).get(0).ids());
        // a piece reporting several ids is selected by any of them
        assertTrue(ThreatSuite.select(List.of("T2")).stream().anyMatch(p -> p.ids().contains("T1")));
        assertEquals(ThreatSuite.ALL_IDS.stream().filter(ThreatSuite.wiredIds()::contains).toList(),
                ThreatSuite.wiredIds());
        Path missing = tmp.resolve("no-models");
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> ThreatSuite.checkInputs(ThreatSuite.select(List.of("T1")), options(missing)));
        assertTrue(e.getMessage().contains(missing.resolve("tiny-lm").toString()), e.getMessage());
    }
}
