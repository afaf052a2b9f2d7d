package org.cipherformer.threats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cipherformer.model.data.FortuneCorpus;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.ee.EeKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole suite at small sizes writes both report files with every attack's figures. */
class ThreatReportTest {
    @TempDir
    Path tmp;

    @Test
    void shortRunWritesMarkdownAndJsonWithEveryAttack() throws Exception {
        byte[] s = new byte[32];
        s[0] = 42;
        ThreatSuite.Settings settings = new ThreatSuite.Settings(RepoPaths.root().resolve("models"),
                FortuneCorpus.DEBIAN_DIR, EeKey.ofSecret(s), 64, new int[] {1000, 5000},
                new FrequencyAnalysisAttack.Refinement(0.5, 10, 5));
        List<AttackResult> results = ThreatSuite.run(settings);
        ThreatReport.write(tmp, settings.describe(), results);

        JsonNode json = new ObjectMapper().readTree(tmp.resolve(ThreatReport.JSON).toFile());
        assertEquals(results.size(), json.get("results").size());
        assertEquals(6 + 3 + 2, results.size());
        assertEquals(EeKey.ofSecret(s).keyId(), json.get("settings").get("ee_key_id").asText());
        // the JSON carries the measured numbers, not placeholders
        assertEquals(1.0, json.get("results").get(0).get("metrics").get("vocab_recovered").asDouble());
        assertEquals(results.get(10).metric("refined_token_accuracy"),
                json.get("results").get(10).get("metrics").get("refined_token_accuracy").asDouble());
        String md = Files.readString(tmp.resolve(ThreatReport.MARKDOWN));
        for (String h : new String[] {"## T1", "## T2", "## T4", "vit-fmnist-original", "refined_token_accuracy"}) {
            assertTrue(md.contains(h), "report lacks " + h + ":\n" + md);
        }
        assertTrue(!md.contains(new String(s)) && !json.toString().contains("secret"), "no key material");
    }
}
