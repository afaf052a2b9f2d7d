package org.cipherformer.threats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every plot kind renders headless to a PNG of the documented size that ImageIO decodes, and a plot is drawn only
 * when its rows are present. The rows are hand-made here so that the plots of pieces not yet measured in this test
 * (R1, R2, T5, T6) are exercised too; the end-to-end CLI test draws them from real runs.
 */
class ThreatPlotsTest {
    @TempDir
    Path tmp;

    private static AttackResult row(String id, String model, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return new AttackResult(id, "title " + id, model, "k", "i", m, 0.1);
    }

    @Test
    void everyPlotKindRendersToADecodablePng() throws Exception {
        List<AttackResult> rows = new ArrayList<>();
        for (int n : new int[] {1000, 10000, 100000}) {
            rows.add(row("T4", "fortunes", "observed_tokens", n, "frequency_token_accuracy", 0.2 + n / 1e6,
                    "refined_token_accuracy", 0.3 + n / 1e6, "frequency_distinct_recovered", 0.1,
                    "refined_distinct_recovered", 0.15));
        }
        rows.add(row("T3", "tiny-lm", "observed_tokens", 1000, "baseline_user_token_accuracy", 0.1,
                "cribs_user_token_accuracy", 0.2));
        rows.add(row("T3", "tiny-lm", "observed_tokens", 10000, "baseline_user_token_accuracy", 0.2,
                "cribs_user_token_accuracy", 0.3));
        rows.add(row("L1", "N=4096", "flooding_slot_std", 0.0, "key_coefficients_recovered", 1.0,
                "decryptions_recovered", 1.0));
        rows.add(row("L1", "N=4096", "flooding_slot_std", 0.01, "key_coefficients_recovered", 0.0,
                "decryptions_recovered", 0.0));
        for (int l = 0; l < 3; l++) {
            rows.add(row("T5", "tiny-lm", "layer", l, "token_accuracy", 1.0 - 0.2 * l));
            rows.add(row("T5", "tiny-lm-original", "layer", l, "token_accuracy", 1.0));
        }
        rows.add(row("T6", "tiny-lm", "queries", 10, "same_key_user_token_accuracy", 0.01));
        rows.add(row("T6", "tiny-lm", "queries", 1000, "same_key_user_token_accuracy", 0.02));
        rows.add(row("T6", "tiny-lm", "tokens_per_request", 4, "all_layers_coordinates_recovered", 0.3));
        rows.add(row("R1", "server", "rpc", "Classify", "status_INVALID_ARGUMENT", 120L, "status_NOT_FOUND", 7L,
                "crashes", 0L));
        rows.add(row("R1", "server", "rpc", "UploadKeys", "status_INVALID_ARGUMENT", 80L, "status_OK", 3L));
        rows.add(row("R1", "all RPCs", "status_INVALID_ARGUMENT", 200L, "crashes", 0L));
        rows.add(row("R2", "8 clients", "requests", 500L, "series_elapsed_s", List.of(10.0, 20.0, 30.0),
                "series_ee_classify_p50_ms", List.of(110.0, 120.0, 115.0), "series_rss_mib", List.of(300L, 320L, 330L)));
        rows.add(row("R2", "vit-fmnist", "kind", "ee_classify", "p50_ms", 120.0, "p90_ms", 180.0, "p99_ms", 260.0,
                "max_ms", 400.0));
        rows.add(row("R2", "vit-fmnist", "kind", "ckks_classify", "p50_ms", 9.0e4, "p90_ms", 1.1e5, "p99_ms", 1.2e5,
                "max_ms", 1.3e5));

        List<ThreatPlots.Plot> plots = ThreatPlots.write(tmp, rows);
        assertEquals(List.of("T3", "T4", "T4", "T5", "T6", "T6", "L1", "R1", "R2", "R2", "R2"), plots.stream().map(ThreatPlots.Plot::id).toList());
        for (ThreatPlots.Plot p : plots) {
            BufferedImage img = ImageIO.read(tmp.resolve(p.file()).toFile());
            assertNotNull(img, p.file() + " does not decode");
            assertEquals(ThreatPlots.WIDTH, img.getWidth(), p.file());
            assertEquals(ThreatPlots.HEIGHT, img.getHeight(), p.file());
            assertTrue(distinctColours(img) > 3, p.file() + " is blank");
        }
    }

    @Test
    void noRowsNoPlots() throws Exception {
        assertEquals(List.of(), ThreatPlots.write(tmp, List.of(row("T1", "tiny-lm", "vocab_recovered", 1.0))));
        try (var s = Files.list(tmp)) {
            assertEquals(0, s.count());
        }
    }

    private static long distinctColours(BufferedImage img) {
        java.util.Set<Integer> c = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                c.add(img.getRGB(x, y));
            }
        }
        return c.size();
    }
}
