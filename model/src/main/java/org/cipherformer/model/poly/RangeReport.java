package org.cipherformer.model.poly;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cipherformer.model.format.Domain;

/**
 * The inputs every polynomial component of a model saw during one or more inferences: one {@link RangeMonitor} per
 * component instance (e.g. {@code layers.0.attn.inverse}, {@code layers.1.ln2.inv_sqrt}, {@code final_ln.inv_sqrt},
 * {@code layers.0.mlp.activation}), in first-use order.
 */
public final class RangeReport {
    private final Map<String, RangeMonitor> monitors = new LinkedHashMap<>();

    /**
     * @param name   component instance name
     * @param domain its valid domain
     * @return the monitor for that name, created on first use
     */
    public RangeMonitor monitor(String name, Domain domain) {
        return monitors.computeIfAbsent(name, n -> new RangeMonitor(n, domain));
    }

    /** @return the monitors in first-use order */
    public Collection<RangeMonitor> monitors() {
        return Collections.unmodifiableCollection(new ArrayList<>(monitors.values()));
    }

    /**
     * @param name component instance name
     * @return its monitor or null
     */
    public RangeMonitor get(String name) {
        return monitors.get(name);
    }

    /** @return total inputs outside their domains, over all components */
    public long totalOutOfRange() {
        long s = 0;
        for (RangeMonitor m : monitors.values()) {
            s += m.outOfRange();
        }
        return s;
    }

    /** @return total inputs recorded, over all components */
    public long totalCount() {
        long s = 0;
        for (RangeMonitor m : monitors.values()) {
            s += m.count();
        }
        return s;
    }

    /**
     * Adds another report's counts into this one.
     *
     * @param other the report to merge
     */
    public void merge(RangeReport other) {
        for (RangeMonitor m : other.monitors.values()) {
            monitor(m.name(), m.domain()).merge(m);
        }
    }

    /** @return one line per component: name, count, out-of-range count, domain, seen min and max */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-28s %12s %10s %6s %25s %25s%n", "component", "inputs", "outside", "NaN", "domain",
                "seen"));
        for (RangeMonitor m : monitors.values()) {
            sb.append(String.format("%-28s %12d %10d %6d %25s %25s%n", m.name(), m.count(), m.outOfRange(), m.nanCount(),
                    String.format("[%.4g, %.4g]", m.domain().lo(), m.domain().hi()),
                    String.format("[%.4g, %.4g]", m.min(), m.max())));
        }
        return sb.toString();
    }
}
