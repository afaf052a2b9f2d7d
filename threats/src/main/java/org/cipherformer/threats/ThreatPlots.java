package org.cipherformer.threats;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG plots of the report (JFreeChart, rendered headless: no display is needed, only fonts, which Debian's
 * fonts-dejavu-core provides). Each plot is drawn only when the rows it needs are present:
 * <ul>
 *   <li>T3: user-text token accuracy vs observed tokens (log x), frequency analysis alone vs anchored on cribs;
 *   <li>T4: token accuracy, and fraction of distinct ids recovered, vs observed tokens (log x), before and after the
 *       bigram refinement;
 *   <li>T5: token accuracy vs {@code layer}, one series per (target, reference);
 *   <li>T6: user-text token accuracy vs {@code queries} (requests; one key vs fresh keys), and residual
 *       coordinates recovered across requests vs {@code tokens_per_request};
 *   <li>L1: every {@code *_recovered} metric, raw vs noise-flooded decryption;
 *   <li>R1: status counts ({@code status_<CODE>}) per RPC;
 *   <li>R2: latency percentiles ({@code p50_ms}, {@code p90_ms}, {@code p99_ms}, {@code max_ms}) per row.
 * </ul>
 */
public final class ThreatPlots {
    /** Width of every plot, pixels. */
    public static final int WIDTH = 800;
    /** Height of every plot, pixels. */
    public static final int HEIGHT = 500;

    /**
     * One written plot.
     *
     * @param id      the attack id it belongs to
     * @param file    file name inside the output directory
     * @param caption one line saying what it shows
     */
    public record Plot(String id, String file, String caption) {
    }

    private ThreatPlots() {
    }

    /**
     * Writes every plot the results allow.
     *
     * @param outDir  output directory (exists)
     * @param results the measured rows
     * @return the plots written, in report order
     * @throws IOException if a PNG cannot be written
     */
    public static List<Plot> write(Path outDir, List<AttackResult> results) throws IOException {
        // Rendering needs no display; set it before AWT initialises (harmless if it already has, headless or not).
        System.setProperty("java.awt.headless", "true");
        List<Plot> out = new ArrayList<>();
        xy(outDir, results, "T3", "observed_tokens", true,
                List.of("baseline_user_token_accuracy", "cribs_user_token_accuracy"), "t3-cribs-accuracy.png",
                "T3 user-text token accuracy: frequency analysis alone vs anchored on cribs",
                "observed tokens (log scale)", "user-text token accuracy", out);
        xy(outDir, results, "T4", "observed_tokens", true,
                List.of("frequency_token_accuracy", "refined_token_accuracy"), "t4-token-accuracy.png",
                "T4 token accuracy vs observed permuted tokens", "observed tokens (log scale)", "token accuracy", out);
        xy(outDir, results, "T4", "observed_tokens", true,
                List.of("frequency_distinct_recovered", "refined_distinct_recovered"), "t4-distinct-recovered.png",
                "T4 fraction of distinct observed ids recovered vs observed tokens", "observed tokens (log scale)",
                "distinct ids recovered", out);
        xy(outDir, results, "T5", "layer", false, List.of("token_accuracy"), "t5-accuracy-vs-layer.png",
                "T5 token recovery vs layer of the observed activations", "layer (0 = embedding output)",
                "token accuracy", out);
        xy(outDir, results, "T6", "queries", true, List.of("same_key_user_token_accuracy",
                        "fresh_key_pooled_user_token_accuracy", "fresh_key_per_request_user_token_accuracy",
                        "aligned_by_weights_user_token_accuracy"), "t6-accuracy-vs-queries.png",
                "T6 user-text token accuracy vs requests observed (one key vs a fresh key per request)",
                "requests (log scale)", "user-text token accuracy", out);
        xy(outDir, results, "T6", "tokens_per_request", false, List.of("layer0_coordinates_recovered",
                        "layer1_coordinates_recovered", "layer2_coordinates_recovered",
                        "all_layers_coordinates_recovered", "chance_level"), "t6-coordinates-vs-tokens.png",
                "T6 residual coordinates aligned across fresh-key requests from activations",
                "tokens per request", "fraction of coordinates recovered", out);
        bars(outDir, results, "L1", Bars.RECOVERED, r -> r.metrics().get("flooding_slot_std") instanceof Number n
                        && n.doubleValue() > 0 ? "flooded decryption" : "raw decryption", "l1-key-recovery.png",
                "L1 Li-Micciancio key recovery: raw vs noise-flooded decryption", "fraction recovered", out);
        bars(outDir, results, "R1", Bars.STATUS, ThreatPlots::label, "r1-status-counts.png",
                "R1 fuzzing: status codes per RPC", "count", out);
        bars(outDir, results, "R2", Bars.LATENCY, ThreatPlots::label, "r2-latency.png",
                "R2 soak: latency percentiles per request kind", "milliseconds", out);
        series(outDir, results, "R2", "series_elapsed_s", "series_ee_classify_p50_ms", "r2-latency-over-time.png",
                "R2 soak: EE classify p50 latency per 10 s window", "elapsed seconds", "p50 ms", out);
        series(outDir, results, "R2", "series_elapsed_s", "series_rss_mib", "r2-rss-over-time.png",
                "R2 soak: resident memory (server + clients, one JVM)", "elapsed seconds", "RSS MiB", out);
        return out;
    }

    /** A row's label in a legend or a category axis: its RPC if it has one, else its target and inputs. */
    static String label(AttackResult r) {
        Object rpc = r.metrics().get("rpc");
        if (rpc != null) {
            return String.valueOf(rpc);
        }
        Object kind = r.metrics().get("kind");
        if (kind != null) {
            return String.valueOf(kind);
        }
        // T1/T2/T5 rows of one target differ by the attacker's reference (stated in the knowledge string)
        if (r.knowledge().contains("not the victim's originals")) {
            return r.model() + " vs a sibling reference";
        }
        if (r.knowledge().contains("original weights of")) {
            return r.model() + " vs its own original";
        }
        return r.model();
    }

    private static boolean isRate(String metric) {
        return metric.endsWith("_accuracy") || metric.endsWith("_recovered");
    }

    /**
     * Line plot of metrics vs an x metric; one series per (row label, metric). With {@code metrics == null} every
     * rate metric of the rows is drawn.
     */
    private static void xy(Path outDir, List<AttackResult> results, String id, String xMetric, boolean logX,
                           List<String> metrics, String file, String title, String xLabel, String yLabel,
                           List<Plot> out) throws IOException {
        List<AttackResult> rows = results.stream()
                .filter(r -> r.id().equals(id) && r.metrics().get(xMetric) instanceof Number).toList();
        if (rows.isEmpty()) {
            return;
        }
        Set<String> labels = new LinkedHashSet<>();
        rows.forEach(r -> labels.add(label(r)));
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (AttackResult r : rows) {
            double x = r.metric(xMetric);
            if (logX && x <= 0) {
                continue;
            }
            for (Map.Entry<String, Object> e : r.metrics().entrySet()) {
                boolean wanted = metrics == null ? isRate(e.getKey()) : metrics.contains(e.getKey());
                if (!wanted || !(e.getValue() instanceof Number n) || e.getKey().equals(xMetric)) {
                    continue;
                }
                String name = labels.size() > 1 ? label(r) + ": " + e.getKey() : e.getKey();
                series.computeIfAbsent(name, k -> new XYSeries(k, true, false)).addOrUpdate(x, n.doubleValue());
            }
        }
        if (series.isEmpty()) {
            return;
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        style(chart);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        if (logX) {
            LogAxis axis = new LogAxis(xLabel);
            axis.setBase(10);
            axis.setSmallestValue(1);
            axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            plot.setDomainAxis(axis);
        } else {
            ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setRange(0, 1.05);
        save(outDir, file, chart);
        out.add(new Plot(id, file, title));
    }

    /** Line plot of one row's time series: two list metrics of equal length (x, y). */
    private static void series(Path outDir, List<AttackResult> results, String id, String xMetric, String yMetric,
                               String file, String title, String xLabel, String yLabel, List<Plot> out)
            throws IOException {
        for (AttackResult r : results) {
            if (r.id().equals(id) && r.metrics().get(xMetric) instanceof List<?> xs
                    && r.metrics().get(yMetric) instanceof List<?> ys && !xs.isEmpty() && xs.size() == ys.size()) {
                XYSeries s = new XYSeries(yMetric, true, true);
                for (int i = 0; i < xs.size(); i++) {
                    if (xs.get(i) instanceof Number x && ys.get(i) instanceof Number y) {
                        s.add(x.doubleValue(), y.doubleValue());
                    }
                }
                JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, new XYSeriesCollection(s),
                        PlotOrientation.VERTICAL, true, false, false);
                style(chart);
                XYPlot plot = chart.getXYPlot();
                plot.setBackgroundPaint(Color.WHITE);
                plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
                plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
                plot.setRenderer(new XYLineAndShapeRenderer(true, true));
                save(outDir, file, chart);
                out.add(new Plot(id, file, title));
                return;
            }
        }
    }

    /** Which metrics a bar chart draws, one category per metric. */
    private enum Bars {
        /** {@code status_<CODE>} counts, the category is the code. */
        STATUS("status", "status_"),
        /** Latency percentiles in their natural order. */
        LATENCY("percentile", null),
        /** Every {@code *_recovered} rate. */
        RECOVERED("metric", null);

        final String axis;
        final String prefix;

        Bars(String axis, String prefix) {
            this.axis = axis;
            this.prefix = prefix;
        }

        static final List<String> PERCENTILES = List.of("p50_ms", "p90_ms", "p99_ms", "max_ms");

        boolean wants(String metric) {
            return switch (this) {
                case STATUS -> metric.startsWith(prefix);
                case LATENCY -> PERCENTILES.contains(metric);
                case RECOVERED -> metric.endsWith("_recovered");
            };
        }

        String column(String metric) {
            return this == STATUS ? metric.substring(prefix.length()) : metric;
        }
    }

    /** Bar plot: one category per wanted metric, one series per row label (values of equal labels are summed). */
    private static void bars(Path outDir, List<AttackResult> results, String id, Bars kind,
                             java.util.function.Function<AttackResult, String> rowLabel, String file,
                             String title, String yLabel, List<Plot> out) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        Map<String, Map<String, Double>> cells = new LinkedHashMap<>();
        Set<String> columns = new LinkedHashSet<>();
        for (AttackResult r : results) {
            if (!r.id().equals(id)) {
                continue;
            }
            // a summary row ("all RPCs" total) would dwarf the per-RPC bars; rows without a wanted metric are skipped
            if ("all RPCs".equals(r.model()) || r.metrics().keySet().stream().noneMatch(kind::wants)) {
                continue;
            }
            Map<String, Double> row = cells.computeIfAbsent(rowLabel.apply(r), k -> new TreeMap<>());
            for (Map.Entry<String, Object> e : r.metrics().entrySet()) {
                if (kind.wants(e.getKey()) && e.getValue() instanceof Number n) {
                    String col = kind.column(e.getKey());
                    row.merge(col, n.doubleValue(), Double::sum);
                    columns.add(col);
                }
            }
        }
        if (columns.isEmpty()) {
            return;
        }
        List<String> cols = new ArrayList<>(columns);
        if (kind == Bars.LATENCY) {
            cols.sort((a, b) -> Bars.PERCENTILES.indexOf(a) - Bars.PERCENTILES.indexOf(b));
        }
        for (Map.Entry<String, Map<String, Double>> row : cells.entrySet()) {
            for (String c : cols) {
                Double v = row.getValue().getOrDefault(c, 0.0);
                // latencies span 10 ms (EE) to 10^5 ms (CKKS): log scale, where a zero has no bar
                data.addValue(kind == Bars.LATENCY && v <= 0 ? null : v, row.getKey(), c);
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(title, kind.axis, yLabel, data, PlotOrientation.VERTICAL, true,
                false, false);
        style(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        // status codes are long (INVALID_ARGUMENT): slanted labels instead of truncated ones
        plot.getDomainAxis().setCategoryLabelPositions(
                org.jfree.chart.axis.CategoryLabelPositions.UP_45);
        if (kind == Bars.LATENCY) {
            LogAxis y = new LogAxis(yLabel + " (log scale)");
            y.setBase(10);
            y.setSmallestValue(0.1);
            // whole decades, labelled as plain milliseconds (10, 100, 1,000 ...)
            y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            y.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.#"));
            plot.setRangeAxis(y);
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        save(outDir, file, chart);
        out.add(new Plot(id, file, title));
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
    }

    private static void save(Path outDir, String file, JFreeChart chart) throws IOException {
        Files.createDirectories(outDir);
        ChartUtils.saveChartAsPNG(outDir.resolve(file).toFile(), chart, WIDTH, HEIGHT);
    }
}
