package org.cipherformer.model.encrypted;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import org.cipherformer.he.ops.OpKind;

/**
 * What running the encrypted transformer takes, as measured by running it on the simulated backend (the plan
 * compiler, {@link PlanCompiler}): the slot layout, the level at each section boundary, the exact rotation steps
 * (the Galois keys the client must make, nothing else), the refresh rounds, the multiplicative depth (levels the
 * program consumes end to end if no value were ever refreshed), operation counts in total and per section, the
 * peak number of live ciphertexts and the largest slot magnitude (which the CKKS scale must leave room for).
 *
 * @param model          model name
 * @param preset         parameter preset
 * @param layout         slot layout
 * @param sections       entry/exit level of each section, in program order
 * @param rotationSteps  distinct rotation steps, ascending
 * @param refreshRounds  refresh rounds in program order
 * @param depth          multiplicative depth without refreshes
 * @param counts         operation counts in total
 * @param bySection      operation counts by section
 * @param peakLive       largest number of live values
 * @param maxMagnitude   largest slot magnitude of any value
 */
public record ExecutionPlan(String model, PlanPreset preset, SlotLayout layout, List<SectionLevels> sections,
                            SortedSet<Integer> rotationSteps, List<RefreshRound> refreshRounds, int depth,
                            Map<OpKind, Long> counts, Map<String, Map<OpKind, Long>> bySection, int peakLive,
                            double maxMagnitude) {
  /** @return count of one kind (0 if never used) */
  public long count(OpKind kind) {
    return counts.getOrDefault(kind, 0L);
  }

  /** @return values refreshed in all rounds together */
  public int refreshedValues() {
    return refreshRounds.stream().mapToInt(RefreshRound::values).sum();
  }

  /** @return a human-readable summary (what {@code PlanCommand} prints) */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "plan: model %s, preset %s (%d slots, top level %d, refresh floor %d)%n",
        model, preset.name(), preset.slotCount(), preset.topLevel(), preset.refreshFloor()));
    sb.append(String.format(Locale.ROOT, "layout: %s (stride %d, %d of %d slots used)%n", layout,
        layout.dModel(), layout.usedSlots(), layout.slotCount()));
    sb.append(String.format(Locale.ROOT, "multiplicative depth (no refresh): %d%n", depth));
    sb.append(String.format(Locale.ROOT, "rotation steps (%d Galois keys): %s%n", rotationSteps.size(),
        rotationSteps));
    sb.append(String.format(Locale.ROOT, "refresh: %d rounds, %d values%n", refreshRounds.size(), refreshedValues()));
    for (RefreshRound r : refreshRounds) {
      sb.append(String.format(Locale.ROOT, "  %-22s %d value(s) at levels %s%n", r.section(), r.values(),
          java.util.Arrays.toString(r.levelsBefore())));
    }
    sb.append(String.format(Locale.ROOT,
        "operations: %d rotations, %d ct-ct multiplications, %d plain multiplications, %d rescales, %d additions,"
            + " %d level drops%n",
        count(OpKind.ROTATE), count(OpKind.MUL), count(OpKind.MUL_PLAIN), count(OpKind.RESCALE), count(OpKind.ADD),
        count(OpKind.DROP)));
    sb.append(String.format(Locale.ROOT, "peak live ciphertexts: %d; max slot magnitude: %.4g%n", peakLive,
        maxMagnitude));
    sb.append(String.format(Locale.ROOT, "%-22s %5s %5s %6s %6s %6s %6s %7s%n", "section", "entry", "exit", "rot",
        "mul", "plain", "resc", "refresh"));
    List<String> seen = new ArrayList<>();
    for (SectionLevels s : sections) {
      Map<OpKind, Long> c = bySection.getOrDefault(s.section(), Map.of());
      seen.add(s.section());
      sb.append(String.format(Locale.ROOT, "%-22s %5d %5d %6d %6d %6d %6d %7d%n", s.section(), s.entry(), s.exit(),
          c.getOrDefault(OpKind.ROTATE, 0L), c.getOrDefault(OpKind.MUL, 0L), c.getOrDefault(OpKind.MUL_PLAIN, 0L),
          c.getOrDefault(OpKind.RESCALE, 0L), c.getOrDefault(OpKind.REFRESH_ROUND, 0L)));
    }
    return sb.toString();
  }
}
