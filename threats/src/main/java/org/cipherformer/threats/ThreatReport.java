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
 * Writes one suite run as {@code threats.md} (per attack id: a paragraph on the attacker's knowledge, inputs, method
 * and the measured headline figures, a table of every row, links to the plots), {@code threats.json} (settings, every
 * figure, the headlines, the failures, the plots) and the PNG plots ({@link ThreatPlots}). The report states
 * measurements, not verdicts; it never holds key material (the key id only).
 */
public final class ThreatReport {
    /** Markdown file name. */
    public static final String MARKDOWN = "threats.md";
    /** JSON file name. */
    public static final String JSON = "threats.json";

    /** Per id: attacker knowledge, inputs and method (the measured figures follow from the rows). */
    static final Map<String, String> EXPLANATIONS = Map.of(
            "T1", "The attacker holds the EE-transformed weights (any server hosting the model does) and a reference "
                    + "model: the victim's own public original, or a sibling model of the same architecture when the "
                    + "victim trained privately. Method: sort every row and column of each weight matrix (sorting "
                    + "erases the other side's permutation) and match nearest signatures; scoring compares with the "
                    + "true permutations derived from the key, which the attack never reads.",
            "T2", "The attacker can query the served (transformed) model as a black box with single permuted tokens "
                    + "and holds a reference model. Method: sort each query's output logits (sorting erases the "
                    + "output permutation) and match against the reference's sorted outputs for every plaintext "
                    + "token; a match names the token behind the permuted id.",
            "T3", "Cribs: the attacker knows fixed tokens that requests contain (special tokens, prompt templates) "
                    + "and sees the permuted ids of requests. Method: align the known plaintext positions with the "
                    + "observed permuted ids to read off vocabulary entries.",
            "T4", "Ciphertext-only: the attacker (an eavesdropper or the server) sees only permuted token streams "
                    + "and holds public text of the same kind, disjoint from the victim's. Method: map the r-th most "
                    + "frequent observed id to the r-th most frequent public token, then hill-climb over swaps under "
                    + "a bigram model of the public text.",
            "T5", "The attacker sees permuted intermediate activations (hidden states) of a request and holds a "
                    + "reference model. Method: sort each observed activation vector (erasing the feature "
                    + "permutation) and match it against the reference's sorted activations of candidate tokens.",
            "T6", "Every request uses a fresh EE key, so one permutation never covers two requests. The attacker "
                    + "sees many requests and tries to align them across keys (by statistics that survive a "
                    + "re-permutation) to recover tokens.",
            "L1", "CKKS decryption leakage (Li–Micciancio): the attacker holds a ciphertext and the value its owner "
                    + "decrypted from it. Method: the decryption equation is linear in the secret key, so enough "
                    + "pairs give the key by linear algebra; measured on a small ring once with raw decryption and "
                    + "once with the project's noise flooding at decryption.",
            "L2", "Audit of the server's inbound protocol messages during real sessions: the server must never "
                    + "receive a decrypted value. The figure that matters is the count of decrypted values seen.",
            "R1", "Bounded fuzzing of every RPC over a real loopback port: random and mutated protobuf messages "
                    + "and SEAL objects, truncated streams, wrong sessions. Counted: inputs tried, each status code "
                    + "returned, crashes, hangs, unexpected statuses.",
            "R2", "Bounded soak: concurrent clients against one real server for a fixed time. Measured: latency "
                    + "percentiles, and native memory, heap and session counts before and after.");

    /** Metrics that headline a row of a given id (others fall back to {@link #isHeadline}). */
    private static final Map<String, List<String>> HEADLINE_METRICS = Map.of(
            "T1", List.of("vocab_recovered", "classes_recovered", "entries_recovered", "top100_recovered",
                    "token_accuracy"),
            "T2", List.of("queries", "vocab_recovered", "top100_recovered", "token_accuracy", "chance_level"),
            "T5", List.of("layer", "token_accuracy", "prompts_recovered", "chance_level"),
            "T6", List.of("queries", "same_key_user_token_accuracy", "fresh_key_pooled_user_token_accuracy",
                    "fresh_key_per_request_user_token_accuracy", "aligned_by_weights_user_token_accuracy",
                    "tokens_per_request", "all_layers_coordinates_recovered", "bos_state_coordinates_recovered",
                    "chance_level", "vocab_recovered", "residual_recovered", "cross_request_vocab_recovered",
                    "cross_request_residual_recovered"),
            "T3", List.of("observed_tokens", "crib_entries_correct", "crib_vocab_recovered",
                    "baseline_user_token_accuracy", "cribs_user_token_accuracy"),
            "T4", List.of("observed_tokens", "frequency_token_accuracy", "refined_token_accuracy",
                    "refined_distinct_recovered"),
            "L2", List.of("decrypted_values_seen", "fields_inspected", "fields_unlisted", "messages_inspected",
                    "refresh_replies_fresh", "top1_agreement_accuracy"),
            "R1", List.of("inputs", "crashes", "hangs", "unexpected_status", "healthy_after"),
            "R2", List.of("kind", "requests", "errors", "wrong_results", "hangs", "crashes", "leaked_sessions",
                    "leaked_handles", "p50_ms", "p99_ms", "max_ms"),
            "L1", List.of("flooding_slot_std", "key_coefficients_recovered", "ternary_guess_recovered",
                    "chance_ternary", "decryptions_recovered", "key_recovered"));

    private ThreatReport() {
    }

    /**
     * Writes the Markdown, the JSON and the plots.
     *
     * @param outDir   output directory (created if missing)
     * @param settings run settings to record (key id, sizes, ...); no key material
     * @param outcome  the suite's rows and failures
     * @return the plots written
     * @throws IOException if writing fails
     */
    public static List<ThreatPlots.Plot> write(Path outDir, Map<String, Object> settings, SuiteOutcome outcome)
            throws IOException {
        Files.createDirectories(outDir);
        List<ThreatPlots.Plot> plots = ThreatPlots.write(outDir, outcome.results());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", settings);
        json.put("pieces_run", outcome.ran());
        json.put("headlines", headlines(outcome.results()));
        json.put("results", outcome.results());
        json.put("failures", outcome.failures());
        json.put("plots", plots);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(outDir.resolve(JSON).toFile(), json);
        Files.writeString(outDir.resolve(MARKDOWN), markdown(settings, outcome, plots), StandardCharsets.UTF_8);
        return plots;
    }

    /**
     * Compatibility form for callers with rows only (no failures, no plots).
     *
     * @param outDir   output directory
     * @param settings run settings
     * @param results  measured rows
     * @throws IOException if writing fails
     */
    public static void write(Path outDir, Map<String, Object> settings, List<AttackResult> results)
            throws IOException {
        write(outDir, settings, new SuiteOutcome(results, List.of(), List.of(), List.of()));
    }

    /**
     * @param results measured rows
     * @return per id, per row: target, described_inputs and the row's headline metrics
     */
    public static Map<String, List<Map<String, Object>>> headlines(List<AttackResult> results) {
        Map<String, List<Map<String, Object>>> h = new LinkedHashMap<>();
        for (AttackResult r : results) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("target", r.model());
            // "described_inputs", not "inputs": a piece may have a metric named inputs (R1 counts them)
            row.put("described_inputs", r.inputs());
            row.putAll(headlineMetrics(r));
            h.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(row);
        }
        return h;
    }

    static Map<String, Object> headlineMetrics(AttackResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<String> named = HEADLINE_METRICS.get(r.id());
        if (named != null) {
            named.stream().filter(r.metrics()::containsKey).forEach(k -> m.put(k, r.metrics().get(k)));
        }
        if (m.isEmpty()) {
            r.metrics().forEach((k, v) -> {
                if (isHeadline(k) && m.size() < 8) {
                    m.put(k, v);
                }
            });
        }
        return m;
    }

    /** A metric worth a headline when a piece did not name its own: x values, rates, failure counts, latencies. */
    static boolean isHeadline(String k) {
        return k.endsWith("_accuracy") || k.endsWith("_recovered") || k.equals("layer") || k.equals("queries")
                || k.equals("observed_tokens") || k.equals("crashes") || k.equals("hangs")
                || k.equals("unexpected_status") || k.equals("inputs") || k.equals("inputs_tried")
                || k.equals("requests") || k.startsWith("decrypted") || k.equals("p50_ms") || k.equals("p99_ms")
                || k.equals("key_recovered");
    }

    /**
     * @param settings run settings
     * @param outcome  rows and failures
     * @param plots    plots written (linked from their id's section)
     * @return the Markdown report
     */
    public static String markdown(Map<String, Object> settings, SuiteOutcome outcome, List<ThreatPlots.Plot> plots) {
        List<AttackResult> results = outcome.results();
        StringBuilder sb = new StringBuilder("# Cipherformer threat report\n\n");
        sb.append("Measured, not asserted: each row is one run of an attack or check against the project's own code "
                + "(EE transform cipherformer-ee/v1 under a fresh key, CKKS engine, gRPC server). Rates are "
                + "fractions in [0, 1] of the secret entries (or of observed tokens) recovered; chance is 1/size.\n\n");
        sb.append("Settings: ");
        List<String> s = new ArrayList<>();
        settings.forEach((k, v) -> s.add("`" + k + "` = " + v));
        sb.append(String.join(", ", s)).append("\n\n");
        if (!outcome.failures().isEmpty()) {
            sb.append("**").append(outcome.failures().size()).append(" piece(s) failed**; their ids have no figures "
                    + "in this run:\n\n| piece | ids | error | message | seconds |\n|---|---|---|---|---|\n");
            for (PieceFailure f : outcome.failures()) {
                sb.append("| ").append(f.piece()).append(" | ").append(String.join(",", f.ids())).append(" | ")
                        .append(f.error()).append(" | ").append(cell(f.message())).append(" | ")
                        .append(String.format(Locale.ROOT, "%.1f", f.seconds())).append(" |\n");
            }
            sb.append('\n');
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String id : ThreatSuite.ALL_IDS) {
            if (results.stream().anyMatch(r -> r.id().equals(id)) || outcome.ids().contains(id)
                    || outcome.failures().stream().anyMatch(f -> f.ids().contains(id))) {
                ids.add(id);
            }
        }
        results.forEach(r -> ids.add(r.id()));
        for (String id : ids) {
            List<AttackResult> rows = results.stream().filter(r -> r.id().equals(id)).toList();
            sb.append("## ").append(id).append(": ")
                    .append(rows.isEmpty() ? "(not measured in this run)" : rows.get(0).title()).append("\n\n");
            StringBuilder para = new StringBuilder(EXPLANATIONS.getOrDefault(id, ""));
            if (!rows.isEmpty()) {
                para.append(para.length() > 0 ? " " : "").append("Measured: ");
                List<String> parts = new ArrayList<>();
                for (AttackResult r : rows) {
                    List<String> kv = new ArrayList<>();
                    headlineMetrics(r).forEach((k, v) -> kv.add(k + " " + format(v)));
                    parts.add(rowLabel(r, rows) + ": " + String.join(", ", kv));
                }
                para.append(String.join("; ", parts)).append('.');
            }
            for (PieceFailure f : outcome.failures()) {
                if (f.ids().contains(id)) {
                    para.append(" **Piece ").append(f.piece()).append(" failed** (").append(f.error()).append(": ")
                            .append(f.message()).append(").");
                }
            }
            sb.append(para).append("\n\n");
            if (!rows.isEmpty()) {
                table(sb, rows);
            }
            for (ThreatPlots.Plot p : plots) {
                if (p.id().equals(id)) {
                    sb.append("\n![").append(p.caption()).append("](").append(p.file()).append(")\n");
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * Rows-only form (no failures, no plots).
     *
     * @param settings run settings
     * @param results  measured rows
     * @return the Markdown report
     */
    public static String markdown(Map<String, Object> settings, List<AttackResult> results) {
        return markdown(settings, new SuiteOutcome(results, List.of(), List.of(), List.of()), List.of());
    }

    /**
     * A short name for a row inside its id's paragraph: the target, plus what tells it apart from the other rows of
     * the same id (the attacker's reference when the knowledge differs, the inputs' first clause when they differ).
     */
    static String rowLabel(AttackResult r, List<AttackResult> rows) {
        StringBuilder b = new StringBuilder(r.model());
        boolean knowledgeVaries = rows.stream().map(AttackResult::knowledge).distinct().count() > 1;
        boolean inputsVary = rows.stream().map(AttackResult::inputs).distinct().count() > 1;
        if (knowledgeVaries) {
            String k = r.knowledge();
            int plus = k.indexOf(" + ");
            String ref = plus >= 0 ? k.substring(plus + 3) : k;
            int semi = ref.indexOf(';');
            b.append(" with ").append(semi >= 0 ? ref.substring(0, semi) : ref);
        }
        if (inputsVary) {
            String in = r.inputs();
            int cut = in.indexOf(';');
            int comma = in.indexOf(',');
            if (comma >= 0 && (cut < 0 || comma < cut)) {
                cut = comma;
            }
            b.append(" (").append(cut >= 0 ? in.substring(0, cut) : in).append(')');
        }
        return b.toString();
    }

    private static void table(StringBuilder sb, List<AttackResult> rows) {
        Set<String> cols = new LinkedHashSet<>();
        rows.forEach(r -> cols.addAll(r.metrics().keySet()));
        sb.append("| target | attacker knowledge | inputs |");
        cols.forEach(c -> sb.append(' ').append(c).append(" |"));
        sb.append(" seconds |\n|---|---|---|");
        cols.forEach(c -> sb.append("---|"));
        sb.append("---|\n");
        for (AttackResult r : rows) {
            sb.append("| ").append(cell(r.model())).append(" | ").append(cell(r.knowledge())).append(" | ")
                    .append(cell(r.inputs())).append(" |");
            for (String c : cols) {
                sb.append(' ').append(cell(format(r.metrics().get(c)))).append(" |");
            }
            sb.append(' ').append(String.format(Locale.ROOT, "%.3f", r.seconds())).append(" |\n");
        }
    }

    /** A table cell: pipes escaped, newlines flattened, so a message cannot break the table. */
    private static String cell(String s) {
        return s.replace("|", "\\|").replace('\n', ' ');
    }

    static String format(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof java.util.Collection<?> c) {
            return "(" + c.size() + " values: threats.json)";
        }
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, d != 0 && Math.abs(d) < 1e-3 ? "%.2e" : "%.4f", d);
        }
        if (v instanceof Float f) {
            return format(f.doubleValue());
        }
        return String.valueOf(v);
    }
}
