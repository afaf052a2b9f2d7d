package org.cipherformer.bench;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cipherformer.he.ops.OpKind;
import org.cipherformer.he.ops.OpStats;

/**
 * A frozen copy of an {@link OpStats}'s per-section, per-kind counts and times. {@code OpStats} accumulates over
 * every run of a backend, so the cost of one run is {@code after.minus(before)}.
 */
public final class StatsSnapshot {
  /** Count and nanoseconds of one kind in one section. */
  public record Cell(long count, long nanos) {
  }

  private final Map<String, Map<OpKind, Cell>> bySection;

  private StatsSnapshot(Map<String, Map<OpKind, Cell>> bySection) {
    this.bySection = bySection;
  }

  /** Copies the current tallies of {@code stats}. */
  public static StatsSnapshot of(OpStats stats) {
    Map<String, Map<OpKind, Cell>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Map<OpKind, OpStats.Tally>> e : stats.bySection().entrySet()) {
      Map<OpKind, Cell> kinds = new EnumMap<>(OpKind.class);
      for (Map.Entry<OpKind, OpStats.Tally> k : e.getValue().entrySet()) {
        kinds.put(k.getKey(), new Cell(k.getValue().count(), k.getValue().nanos()));
      }
      copy.put(e.getKey(), kinds);
    }
    return new StatsSnapshot(copy);
  }

  /**
   * What happened between {@code earlier} and this snapshot (both of the same {@code OpStats}); sections and kinds
   * with no operation in between are left out. Keeps this snapshot's section order (first use).
   */
  public StatsSnapshot minus(StatsSnapshot earlier) {
    Map<String, Map<OpKind, Cell>> out = new LinkedHashMap<>();
    for (Map.Entry<String, Map<OpKind, Cell>> e : bySection.entrySet()) {
      Map<OpKind, Cell> before = earlier.bySection.getOrDefault(e.getKey(), Map.of());
      Map<OpKind, Cell> kinds = new EnumMap<>(OpKind.class);
      for (Map.Entry<OpKind, Cell> k : e.getValue().entrySet()) {
        Cell b = before.getOrDefault(k.getKey(), new Cell(0, 0));
        long count = k.getValue().count() - b.count();
        long nanos = k.getValue().nanos() - b.nanos();
        if (count < 0 || nanos < 0) {
          throw new IllegalArgumentException("snapshot of section " + e.getKey() + ", " + k.getKey()
              + " is older than the one subtracted");
        }
        if (count > 0) {
          kinds.put(k.getKey(), new Cell(count, nanos));
        }
      }
      if (!kinds.isEmpty()) {
        out.put(e.getKey(), kinds);
      }
    }
    return new StatsSnapshot(out);
  }

  /** Per section (first-use order), per kind. */
  public Map<String, Map<OpKind, Cell>> bySection() {
    return Collections.unmodifiableMap(bySection);
  }

  /** One kind summed over all sections. */
  public Cell total(OpKind kind) {
    long count = 0;
    long nanos = 0;
    for (Map<OpKind, Cell> kinds : bySection.values()) {
      Cell c = kinds.get(kind);
      if (c != null) {
        count += c.count();
        nanos += c.nanos();
      }
    }
    return new Cell(count, nanos);
  }

  /**
   * Server time of one section: every kind except {@link OpKind#REFRESH_ROUND}, whose timer covers the client's
   * round trip (in-process, the key holder's work), which is reported on the client side.
   */
  public long serverNanos(String section) {
    long ns = 0;
    for (Map.Entry<OpKind, Cell> k : bySection.getOrDefault(section, Map.of()).entrySet()) {
      if (k.getKey() != OpKind.REFRESH_ROUND) {
        ns += k.getValue().nanos();
      }
    }
    return ns;
  }
}
