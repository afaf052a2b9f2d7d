package org.cipherformer.trainer;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Text form of {@link RangeMonitor} statistics: "name:min:max:outside:seen:lo:hi;..." for checkpoints. */
final class RangeReport {
    private RangeReport() {
    }

    static String encode(Map<String, double[]> stats) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, double[]> e : stats.entrySet()) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            sb.append(e.getKey());
            for (double v : e.getValue()) {
                sb.append(':').append(v);
            }
        }
        return sb.toString();
    }

    static Map<String, double[]> decode(String text) {
        Map<String, double[]> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String item : text.split(";")) {
            String[] parts = item.split(":");
            double[] v = new double[parts.length - 1];
            for (int i = 1; i < parts.length; i++) {
                v[i - 1] = Double.parseDouble(parts[i]);
            }
            out.put(parts[0], v);
        }
        return out;
    }
}
