package org.cipherformer.he.ops;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Counts and times of the primitive operations a program ran on a backend, by section (a name the program gives to a
 * part of itself, e.g. {@code layers.0.attention}) and by {@link OpKind}; the set of rotation steps used; the largest
 * number of live values; on the simulated backend the largest slot magnitude seen. Sections nest; operations are
 * charged to the innermost one. Not thread-safe (one program per backend).
 */
public final class OpStats {
  /** Section name used for operations outside any section. */
  public static final String NO_SECTION = "(top)";

  /** Count and total time of one kind of operation. */
  public static final class Tally {
    private long count;
    private long nanos;

    /** Number of operations. */
    public long count() {
      return count;
    }

    /** Total wall time in nanoseconds (0 on backends that do not time). */
    public long nanos() {
      return nanos;
    }

    void add(long n, long ns) {
      count += n;
      nanos += ns;
    }
  }

  private final Map<String, Map<OpKind, Tally>> bySection = new LinkedHashMap<>();
  private final Map<OpKind, Tally> total = new EnumMap<>(OpKind.class);
  private final SortedSet<Integer> rotationSteps = new TreeSet<>();
  private final java.util.ArrayDeque<String> stack = new java.util.ArrayDeque<>();
  private int live;
  private int peakLive;
  private double maxAbs;
  private long refreshBytes;

  /** A section scope; closing it returns to the enclosing section. */
  public interface Section extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Charges the following operations to section {@code name} until the returned scope is closed.
   *
   * @param name section name, e.g. {@code layers.0.attention}
   * @return the scope (use in try-with-resources)
   */
  public Section enter(String name) {
    stack.push(name);
    return () -> {
      if (!stack.isEmpty() && stack.peek().equals(name)) {
        stack.pop();
      }
    };
  }

  /** The innermost open section, or {@link #NO_SECTION}. */
  public String currentSection() {
    return stack.isEmpty() ? NO_SECTION : stack.peek();
  }

  /**
   * Records {@code count} operations of one kind that took {@code nanos} in total.
   *
   * @param kind  operation kind
   * @param count number of operations
   * @param nanos wall time (0 if not timed)
   */
  public void record(OpKind kind, long count, long nanos) {
    bySection
        .computeIfAbsent(currentSection(), s -> new EnumMap<>(OpKind.class))
        .computeIfAbsent(kind, k -> new Tally())
        .add(count, nanos);
    total.computeIfAbsent(kind, k -> new Tally()).add(count, nanos);
  }

  /** Notes that a rotation by {@code steps} was used (it needs a Galois key). */
  public void recordRotationStep(int steps) {
    rotationSteps.add(steps);
  }

  /** Notes bytes exchanged with the key holder during refreshes (both directions). */
  public void recordRefreshBytes(long bytes) {
    refreshBytes += bytes;
  }

  /** Notes a value created. */
  public void valueCreated() {
    live++;
    peakLive = Math.max(peakLive, live);
  }

  /** Notes a value released. */
  public void valueReleased() {
    live--;
  }

  /** Notes a slot magnitude (simulated backend). */
  public void recordMagnitude(double abs) {
    if (abs > maxAbs) {
      maxAbs = abs;
    }
  }

  /** Tallies by section (in first-use order), then by kind. */
  public Map<String, Map<OpKind, Tally>> bySection() {
    return Collections.unmodifiableMap(bySection);
  }

  /** The tally of one kind over all sections (count 0 if never used). */
  public Tally total(OpKind kind) {
    return total.getOrDefault(kind, new Tally());
  }

  /** Distinct rotation steps used, ascending. */
  public SortedSet<Integer> rotationSteps() {
    return Collections.unmodifiableSortedSet(rotationSteps);
  }

  /** Values currently live (created and not released). */
  public int liveValues() {
    return live;
  }

  /** The largest number of values live at once. */
  public int peakLiveValues() {
    return peakLive;
  }

  /** Largest slot magnitude seen (simulated backend; 0 elsewhere). */
  public double maxMagnitude() {
    return maxAbs;
  }

  /** Bytes exchanged in refreshes. */
  public long refreshBytes() {
    return refreshBytes;
  }
}
