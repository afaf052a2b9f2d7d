package org.cipherformer.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.cipherformer.he.ops.OpKind;

/**
 * Markdown tables of an encrypted-inference benchmark: one summary row per (threads, batch), server time by
 * operation kind and by section (layer), the client's one-off costs, and a PASS/FAIL line against the targets.
 */
public final class EncryptedReport {
  /** Target: single-input latency, seconds. */
  public static final double SINGLE_TARGET_S = 60;
  /** Target: amortized latency per input with a full ciphertext, seconds. */
  public static final double AMORTIZED_TARGET_S = 10;

  /** Header of the summary table (tests find it by this line). */
  public static final String SUMMARY_HEADER = "| threads | batch | encrypt s | server s | client refresh s | "
      + "decrypt s | latency s | per image s | refresh rounds / values | refresh MB in / out | input / output MB "
      + "| top-1 agree | max \\|logit diff\\| |";

  /**
   * Client one-off costs.
   *
   * @param keyGenerationNanos time to make the relinearization key and the Galois keys
   * @param galoisKeys         number of Galois keys (rotation steps)
   * @param relinKeyBytes      relinearization key as uploaded
   * @param galoisKeyBytes     Galois keys as uploaded
   */
  public record Keys(long keyGenerationNanos, int galoisKeys, long relinKeyBytes, long galoisKeyBytes) {
  }

  private EncryptedReport() {
  }

  /**
   * The whole report.
   *
   * @param title header lines (machine, parameters, date), each printed as a list item
   * @param keys  client one-off costs
   * @param runs  one representative run per (threads, batch), in the order measured
   * @return Markdown
   */
  public static String render(List<String> title, Keys keys, List<EncryptedRun> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no runs to report");
    }
    StringBuilder sb = new StringBuilder();
    for (String t : title) {
      sb.append("- ").append(t).append('\n');
    }
    sb.append('\n').append("Client, once per key set: key generation ").append(s(keys.keyGenerationNanos()))
        .append(" s; relinearization key ").append(mb(keys.relinKeyBytes())).append(" MB, ")
        .append(keys.galoisKeys()).append(" Galois keys ").append(mb(keys.galoisKeyBytes()))
        .append(" MB (seeded, zstd, as uploaded)\n\n");

    sb.append(SUMMARY_HEADER).append('\n');
    sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (EncryptedRun r : runs) {
      sb.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %s | %s | %s | %d / %d | %s / %s | %s / %s "
              + "| %d/%d | %.2e |%n", r.threads(), r.batch(), s(r.encryptNanos()), s(r.serverNanos()),
          s(r.clientRefreshNanos()), s(r.decryptNanos()), s(r.latencyNanos()), s((long) r.perInputNanos()),
          r.refreshRounds(), r.refreshedValues(), mb(r.refreshBytesIn()), mb(r.refreshBytesOut()),
          mb(r.inputBytes()), mb(r.outputBytes()), r.agreeing(), r.batch(), r.maxLogitDiff()));
    }

    sb.append("\nServer time by operation kind, seconds (count per pass in brackets; refresh round = the client's "
        + "round trip, in-process)\n\n");
    sb.append("| kind |");
    StringBuilder rule = new StringBuilder("|---|");
    for (EncryptedRun r : runs) {
      sb.append(' ').append(label(r)).append(" |");
      rule.append("---:|");
    }
    sb.append('\n').append(rule).append('\n');
    for (OpKind k : OpKind.values()) {
      if (runs.stream().allMatch(r -> r.server().total(k).count() == 0)) {
        continue;
      }
      sb.append("| ").append(kindLabel(k)).append(" |");
      for (EncryptedRun r : runs) {
        var c = r.server().total(k);
        sb.append(' ').append(s(c.nanos())).append(" (").append(c.count()).append(") |");
      }
      sb.append('\n');
    }

    sb.append("\nServer time by section (layer), seconds (without refresh round trips)\n\n");
    sb.append("| section |");
    for (EncryptedRun r : runs) {
      sb.append(' ').append(label(r)).append(" |");
    }
    sb.append('\n').append(rule).append('\n');
    Set<String> sections = new LinkedHashSet<>();
    for (EncryptedRun r : runs) {
      sections.addAll(r.server().bySection().keySet());
    }
    for (String sec : sections) {
      sb.append("| ").append(sec).append(" |");
      for (EncryptedRun r : runs) {
        sb.append(' ').append(s(r.server().serverNanos(sec))).append(" |");
      }
      sb.append('\n');
    }
    sb.append('\n').append(verdict(runs)).append('\n');
    return sb.toString();
  }

  /**
   * PASS when the best single-input latency (batch 1, any thread count) is within {@link #SINGLE_TARGET_S} and the
   * best amortized latency of the largest batch measured is within {@link #AMORTIZED_TARGET_S}; a target with no run
   * to judge it (no batch 1, or only batch 1) is reported as not measured and fails.
   */
  public static String verdict(List<EncryptedRun> runs) {
    EncryptedRun single = null;
    EncryptedRun amortized = null;
    int largest = runs.stream().mapToInt(EncryptedRun::batch).max().orElse(0);
    for (EncryptedRun r : runs) {
      if (r.batch() == 1 && (single == null || r.latencyNanos() < single.latencyNanos())) {
        single = r;
      }
      if (largest > 1 && r.batch() == largest && (amortized == null || r.perInputNanos() < amortized.perInputNanos())) {
        amortized = r;
      }
    }
    boolean singleOk = single != null && single.latencyNanos() / 1e9 <= SINGLE_TARGET_S;
    boolean amortizedOk = amortized != null && amortized.perInputNanos() / 1e9 <= AMORTIZED_TARGET_S;
    List<String> parts = new ArrayList<>();
    parts.add(single == null ? "single image: not measured (no batch 1)"
        : String.format(Locale.ROOT, "single image %s s (%d thread%s) %s %.0f s", s(single.latencyNanos()),
            single.threads(), single.threads() == 1 ? "" : "s", singleOk ? "<=" : ">", SINGLE_TARGET_S));
    parts.add(amortized == null ? "amortized: not measured (no batch > 1)"
        : String.format(Locale.ROOT, "amortized %s s per image (batch %d, %d thread%s) %s %.0f s",
            s((long) amortized.perInputNanos()), amortized.batch(), amortized.threads(),
            amortized.threads() == 1 ? "" : "s", amortizedOk ? "<=" : ">", AMORTIZED_TARGET_S));
    return (singleOk && amortizedOk ? "PASS" : "FAIL") + ": " + String.join("; ", parts);
  }

  private static String label(EncryptedRun r) {
    return r.threads() + "t, batch " + r.batch();
  }

  private static String kindLabel(OpKind k) {
    return switch (k) {
      case ADD -> "additions";
      case MUL_PLAIN -> "plain multiplications";
      case MUL -> "ct-ct multiplications";
      case RELINEARIZE -> "relinearizations";
      case RESCALE -> "rescales";
      case ROTATE -> "rotations";
      case DROP -> "level drops";
      case ENCODE -> "encodings";
      case REFRESH -> "refreshes (server mask/unmask)";
      case REFRESH_ROUND -> "refresh rounds (client round trip)";
      default -> k.name().toLowerCase(Locale.ROOT);
    };
  }

  static String s(long nanos) {
    double sec = nanos / 1e9;
    return String.format(Locale.ROOT, sec >= 10 ? "%.1f" : sec >= 0.1 ? "%.2f" : "%.3f", sec);
  }

  static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.2f", bytes / 1e6);
  }
}
