package org.cipherformer.threats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured attack run: what the attacker knew and fed in, what it achieved, what it cost.
 *
 * @param id        short attack id, e.g. {@code T1}
 * @param title     one-line name of the attack and its target
 * @param model     the model attacked (directory name), or the corpus for stream attacks
 * @param knowledge what the attacker holds (weights, oracle access, public text ...)
 * @param inputs    what the attack consumed (queries, observed tokens ...)
 * @param metrics   figures in insertion order; success rates are fractions in [0, 1]
 * @param seconds   wall time of the attack itself (excluding the defender's transform and the scoring)
 */
public record AttackResult(String id, String title, String model, String knowledge, String inputs,
                           Map<String, Object> metrics, double seconds) {
    public AttackResult {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /**
     * @param name a metric name
     * @return the metric as a double
     * @throws IllegalArgumentException if the metric is absent or not a number
     */
    public double metric(String name) {
        Object v = metrics.get(name);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("attack " + id + " on " + model + " has no numeric metric '" + name
                    + "' (has " + metrics.keySet() + ")");
        }
        return n.doubleValue();
    }
}
