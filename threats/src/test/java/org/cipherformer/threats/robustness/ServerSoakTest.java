package org.cipherformer.threats.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.cipherformer.threats.AttackResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Soak runs against a real server on a loopback port with real models and native kernels: every answer must match
 * the plaintext reference, no request may fail or hang, and after every client has closed the server must be back to
 * its open-session and native-object baseline (no idle expiry involved: the idle timeout is hours), and back to the
 * pre-server native baseline once it is closed. {@link ServerSoak.Settings#quick()} is EE only (what the report's
 * suite runs in under a minute); {@link ServerSoak.Settings#oneCkksInference()} adds a CKKS client that uploads keys
 * into its own session and runs one n16384 ViT inference while 7 EE clients keep going (minutes on a busy machine).
 */
class ServerSoakTest {
    private static List<AttackResult> runAndCheckCommon(ServerSoak.Settings settings, List<String> lines)
            throws Exception {
        List<AttackResult> rows = ServerSoak.run(settings, line -> {
            System.out.println(line);
            lines.add(line);
        });
        AttackResult summary = rows.get(0);
        for (AttackResult r : rows) {
            System.out.println(r.title() + " " + r.metrics());
        }
        Map<String, Object> m = summary.metrics();
        assertTrue(rows.stream().allMatch(r -> r.id().equals("R2")));
        assertNull(m.get("first_problems"), "problems: " + m.get("first_problems"));
        assertEquals(0.0, summary.metric("wrong_results"), m.toString());
        assertEquals(0.0, summary.metric("errors"), m.toString());
        assertEquals(0.0, summary.metric("hangs"), m.toString());
        assertEquals(summary.metric("sessions_before"), summary.metric("sessions_after"), "sessions left open");
        assertEquals(0.0, summary.metric("leaked_handles"), m.toString());
        assertTrue(summary.metric("native_handles_after_server_close")
                <= summary.metric("native_handles_before_server"), m.toString());
        for (String kind : List.of("session_open_close", "ee_classify", "ee_next_token")) {
            AttackResult r = byKind(rows).get(kind);
            assertTrue(r.metric("requests") >= 7, kind + ": " + r.metrics());
            assertTrue(r.metric("p50_ms") <= r.metric("p90_ms") && r.metric("p90_ms") <= r.metric("p99_ms")
                    && r.metric("p99_ms") <= r.metric("max_ms"), kind + ": " + r.metrics());
        }
        // Progress came every ~10 s, and the series has one point per progress line.
        long progressLines = lines.stream().filter(l -> l.contains(" requests")).count();
        assertTrue(progressLines >= 2, lines.toString());
        assertEquals(progressLines, ((List<?>) m.get("series_elapsed_s")).size(), m.toString());
        return rows;
    }

    private static Map<String, AttackResult> byKind(List<AttackResult> rows) {
        return rows.stream().skip(1).collect(Collectors.toMap(r -> (String) r.metrics().get("kind"), r -> r));
    }

    @Test
    void quickEeSoakGivesOnlyRightAnswersAndLeavesNoSessionBehind() throws Exception {
        List<AttackResult> rows = runAndCheckCommon(ServerSoak.Settings.quick(), new ArrayList<>());
        assertTrue(byKind(rows).keySet().stream().noneMatch(k -> k.startsWith("ckks")), byKind(rows).keySet().toString());
        assertTrue(rows.get(0).metric("wall_s") >= 30, rows.get(0).metrics().toString());
    }

    @Test
    @Tag("slow")
    void soakWithOneCkksInferenceFreesTheSessionKeysAndNativeObjects() throws Exception {
        List<AttackResult> rows = runAndCheckCommon(ServerSoak.Settings.oneCkksInference(), new ArrayList<>());
        Map<String, AttackResult> kinds = byKind(rows);
        assertEquals(1.0, kinds.get("ckks_classify").metric("requests"), "the one CKKS inference");
        assertEquals(1.0, kinds.get("ckks_session_setup").metric("requests"));
        assertEquals(1.0, kinds.get("ckks_session_close").metric("requests"));
        // EE load ran alongside: the CKKS inference alone takes longer than the EE clients' 20 s.
        assertTrue(kinds.get("ee_classify").metric("requests") >= 20, kinds.get("ee_classify").metrics().toString());
    }

    @Test
    void percentilesAreNearestRank() {
        long[] ms = {5_000_000, 1_000_000, 3_000_000, 2_000_000, 4_000_000};
        assertEquals(3.0, LatencyLog.percentileMs(ms, 50));
        assertEquals(5.0, LatencyLog.percentileMs(ms, 90));
        assertEquals(5.0, LatencyLog.percentileMs(ms, 100));
        assertEquals(1.0, LatencyLog.percentileMs(ms, 1));
        assertTrue(Double.isNaN(LatencyLog.percentileMs(new long[0], 50)));
    }

    @Test
    void mismatchFlagsADifferenceBeyondTheToleranceOrANonFiniteValue() {
        double[] want = {0.1, 2.0, 0.5};
        assertNull(SoakInputs.mismatch(want, new double[] {0.1, 2.0 + 1e-4, 0.5}, 1e-3));
        assertTrue(SoakInputs.mismatch(want, new double[] {0.1, 2.01, 0.5}, 1e-3).contains("index 1"));
        assertTrue(SoakInputs.mismatch(want, new double[] {0.1, Double.NaN, 0.5}, 1e-3) != null);
        assertTrue(SoakInputs.mismatch(want, new double[] {0.1, 2.0}, 1e-3).contains("expected 3"));
        // A near tie within the tolerance may swap the top entry; a real swap is a difference beyond it.
        assertNull(SoakInputs.mismatch(new double[] {1.0, 1.0005}, new double[] {1.0004, 1.0001}, 1e-3));
        assertTrue(SoakInputs.mismatch(new double[] {1.0, 3.0}, new double[] {3.0, 1.0}, 1e-3).contains("index 0"));
    }

    @Test
    void settingsNameTheOffendingValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ServerSoak.Settings(
                4, 5, Duration.ofSeconds(1), false, 1, 0, 0, Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO));
        assertTrue(e.getMessage().contains("5"), e.getMessage());
        assertTrue(ServerSoak.Settings.full().duration().equals(Duration.ofMinutes(5)));
        assertEquals(8, ServerSoak.Settings.full().clients());
    }
}
