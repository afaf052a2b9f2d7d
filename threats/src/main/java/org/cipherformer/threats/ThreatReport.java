package org.cipherformer.threats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes the measured attacks as {@code threats.md} (one table per attack) and {@code threats.json} (every figure).
 * The report states measurements, not verdicts: each row names what the attacker held and fed in.
 */
public final class ThreatReport {
    /** Markdown file name. */
    public static final String MARKDOWN = "threats.md";
    /** JSON file name. */
    public static final String JSON = "threats.json";

    private static final Map<String, String> SECTIONS = Map.of(
            "T1", "Weight alignment: the attacker holds the transformed weights and a reference model, and matches "
                    + "sorted rows/columns (sorting erases the other side's permutation).",
            "T2", "Functional signature: black-box single-token queries to the served model, sorted output logits "
                    + "matched against a reference model's.",
            "T4", "Ciphertext-only frequency analysis of permuted token streams: frequency rank, then hill climbing "
                    + "on a bigram model of public text.");

    private ThreatReport() {
    }

    /**
     * @param outDir   output directory (created if missing)
     * @param settings run settings to record (key id, sizes, ...); no key material
     * @param results  measured attacks, in order
     * @throws IOException if writing fails
     */
    public static void write(Path outDir, Map<String, Object> settings, List<AttackResult> results)
            throws IOException {
        Files.createDirectories(outDir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", settings);
        json.put("results", results);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(outDir.resolve(JSON).toFile(), json);
        Files.writeString(outDir.resolve(MARKDOWN), markdown(settings, results), StandardCharsets.UTF_8);
    }

    /**
     * @param settings run settings
     * @param results  measured attacks
     * @return the Markdown report
     */
    public static String markdown(Map<String, Object> settings, List<AttackResult> results) {
        StringBuilder sb = new StringBuilder("# Cipherformer threat report (EE mode)\n\n");
        sb.append("Measured, not asserted: each row is one run of an attack on the project's EE transform "
                + "(cipherformer-ee/v1) under a fresh key. Fractions are of the secret permutation's entries (or of "
                + "observed tokens) recovered; chance is 1/size.\n\n");
        sb.append("Settings: ");
        List<String> s = new ArrayList<>();
        settings.forEach((k, v) -> s.add("`" + k + "` = " + v));
        sb.append(String.join(", ", s)).append("\n");
        Set<String> ids = new LinkedHashSet<>();
        results.forEach(r -> ids.add(r.id()));
        for (String id : ids) {
            List<AttackResult> rows = results.stream().filter(r -> r.id().equals(id)).toList();
            sb.append("\n## ").append(id).append(": ").append(rows.get(0).title()).append("\n\n");
            if (SECTIONS.containsKey(id)) {
                sb.append(SECTIONS.get(id)).append("\n\n");
            }
            Set<String> cols = new LinkedHashSet<>();
            rows.forEach(r -> cols.addAll(r.metrics().keySet()));
            sb.append("| target | attacker knowledge | inputs |");
            cols.forEach(c -> sb.append(' ').append(c).append(" |"));
            sb.append(" seconds |\n|---|---|---|");
            cols.forEach(c -> sb.append("---|"));
            sb.append("---|\n");
            for (AttackResult r : rows) {
                sb.append("| ").append(r.model()).append(" | ").append(r.knowledge()).append(" | ")
                        .append(r.inputs()).append(" |");
                for (String c : cols) {
                    sb.append(' ').append(format(r.metrics().get(c))).append(" |");
                }
                sb.append(' ').append(String.format(Locale.ROOT, "%.3f", r.seconds())).append(" |\n");
            }
        }
        return sb.toString();
    }

    private static String format(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, d != 0 && Math.abs(d) < 1e-3 ? "%.2e" : "%.4f", d);
        }
        return String.valueOf(v);
    }
}
