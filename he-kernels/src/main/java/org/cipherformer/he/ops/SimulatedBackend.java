package org.cipherformer.he.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * {@link HeBackend} on plain double vectors with exactly the level accounting of the CKKS backend. Running a program
 * here is its plan: {@link #stats()} then holds the operation counts per section, the rotation steps (the Galois keys
 * the client must make), the refresh rounds, the peak number of live values and the largest slot magnitude (which
 * must stay within what the CKKS parameters can hold). It is also a fast, noise-free check of a slot layout: the
 * results equal the CKKS results up to CKKS noise.
 */
public final class SimulatedBackend implements HeBackend<SimulatedBackend.Value> {
  /** A simulated value: slots and level. */
  public static final class Value {
    private final double[] slots;
    private final int level;
    private boolean released;

    private Value(double[] slots, int level) {
      this.slots = slots;
      this.level = level;
    }

    /** The level. */
    public int level() {
      return level;
    }

    /** A copy of the slots. */
    public double[] slots() {
      check();
      return slots.clone();
    }

    private double[] data() {
      check();
      return slots;
    }

    private void check() {
      if (released) {
        throw new IllegalStateException("value used after release");
      }
    }
  }

  private final int slotCount;
  private final int topLevel;
  private final int refreshFloor;
  private final OpStats stats = new OpStats();

  /**
   * @param slotCount    slots per value (N / 2 on CKKS), a power of two
   * @param topLevel     level of fresh values
   * @param refreshFloor lowest level a value can be refreshed from, in {@code [0, topLevel]}
   * @throws IllegalArgumentException if the arguments are inconsistent
   */
  public SimulatedBackend(int slotCount, int topLevel, int refreshFloor) {
    if (slotCount < 1 || Integer.bitCount(slotCount) != 1) {
      throw new IllegalArgumentException("slot count must be a power of two, got " + slotCount);
    }
    if (topLevel < 0 || refreshFloor < 0 || refreshFloor > topLevel) {
      throw new IllegalArgumentException(
          "need 0 <= refreshFloor <= topLevel, got refreshFloor " + refreshFloor + ", topLevel " + topLevel);
    }
    this.slotCount = slotCount;
    this.topLevel = topLevel;
    this.refreshFloor = refreshFloor;
  }

  /**
   * A fresh value at the top level (what the client's encryption gives).
   *
   * @param values at most {@code slotCount} values; missing slots are 0
   */
  public Value input(double[] values) {
    return make(pad(values), topLevel);
  }

  /** The slots of a value (what the client's decryption gives). */
  public double[] output(Value a) {
    return a.slots();
  }

  @Override
  public int slotCount() {
    return slotCount;
  }

  @Override
  public int topLevel() {
    return topLevel;
  }

  @Override
  public int refreshFloor() {
    return refreshFloor;
  }

  @Override
  public int level(Value a) {
    a.check();
    return a.level;
  }

  @Override
  public Value add(Value a, Value b) {
    stats.record(OpKind.ADD, 1, 0);
    return zip(a, b, 0, Double::sum);
  }

  @Override
  public Value sub(Value a, Value b) {
    stats.record(OpKind.ADD, 1, 0);
    return zip(a, b, 0, (x, y) -> x - y);
  }

  @Override
  public Value negate(Value a) {
    stats.record(OpKind.ADD, 1, 0);
    double[] r = a.data().clone();
    for (int i = 0; i < r.length; i++) {
      r[i] = -r[i];
    }
    return make(r, a.level);
  }

  @Override
  public Value addPlain(Value a, double[] values) {
    // The CKKS backend encodes the operand at the value's level and scale, then adds.
    stats.record(OpKind.ENCODE, 1, 0);
    stats.record(OpKind.ADD, 1, 0);
    double[] p = pad(values);
    double[] r = a.data().clone();
    for (int i = 0; i < r.length; i++) {
      r[i] += p[i];
    }
    return make(r, a.level);
  }

  @Override
  public Value addConst(Value a, double c) {
    stats.record(OpKind.ENCODE, 1, 0);
    stats.record(OpKind.ADD, 1, 0);
    double[] r = a.data().clone();
    for (int i = 0; i < r.length; i++) {
      r[i] += c;
    }
    return make(r, a.level);
  }

  @Override
  public Value mulPlain(Value a, double[] values) {
    int level = consume(a.level, "mulPlain");
    stats.record(OpKind.ENCODE, 1, 0);
    stats.record(OpKind.MUL_PLAIN, 1, 0);
    stats.record(OpKind.RESCALE, 1, 0);
    double[] p = pad(values);
    double[] r = a.data().clone();
    for (int i = 0; i < r.length; i++) {
      r[i] *= p[i];
    }
    return make(r, level);
  }

  @Override
  public Value mulConst(Value a, double c) {
    int level = consume(a.level, "mulConst");
    stats.record(OpKind.ENCODE, 1, 0);
    stats.record(OpKind.MUL_PLAIN, 1, 0);
    stats.record(OpKind.RESCALE, 1, 0);
    double[] r = a.data().clone();
    for (int i = 0; i < r.length; i++) {
      r[i] *= c;
    }
    return make(r, level);
  }

  @Override
  public Value mulPlainSum(List<Value> xs, List<double[]> plains) {
    Objects.requireNonNull(plains, "plains");
    int level = sumLevel(xs, plains.size(), "mulPlainSum");
    double[][] p = new double[plains.size()][];
    for (int j = 0; j < p.length; j++) {
      p[j] = pad(Objects.requireNonNull(plains.get(j), "plains[" + j + "]"));
    }
    return weightedSum(xs, level, (j, i) -> p[j][i]);
  }

  @Override
  public Value mulConstSum(List<Value> xs, double[] consts) {
    Objects.requireNonNull(consts, "consts");
    int level = sumLevel(xs, consts.length, "mulConstSum");
    return weightedSum(xs, level, (j, i) -> consts[j]);
  }

  /** The lowest level of {@code xs} (checked: nonempty, {@code terms} operands, room for one level). */
  private int sumLevel(List<Value> xs, int terms, String op) {
    Objects.requireNonNull(xs, "xs");
    if (xs.isEmpty() || xs.size() != terms) {
      throw new IllegalArgumentException(op + " needs one operand per value and at least one value, got "
          + xs.size() + " values and " + terms + " operands");
    }
    int level = Integer.MAX_VALUE;
    for (int j = 0; j < xs.size(); j++) {
      level = Math.min(level, level(Objects.requireNonNull(xs.get(j), "xs[" + j + "]")));
    }
    return consume(level, op);
  }

  /** Weight of term j in slot i. */
  private interface Weight {
    double at(int term, int slot);
  }

  /** {@code sum_j xs_j * w(j, .)} at {@code level}; counts as the CKKS backend does (one rescaling). */
  private Value weightedSum(List<Value> xs, int level, Weight w) {
    double[] r = new double[slotCount];
    for (int j = 0; j < xs.size(); j++) {
      Value x = xs.get(j);
      if (x.level > level + 1) {
        stats.record(OpKind.DROP, 1, 0);
      }
      stats.record(OpKind.ENCODE, 1, 0);
      stats.record(OpKind.MUL_PLAIN, 1, 0);
      if (j > 0) {
        stats.record(OpKind.ADD, 1, 0);
      }
      double[] d = x.data();
      for (int i = 0; i < slotCount; i++) {
        r[i] += d[i] * w.at(j, i);
      }
    }
    stats.record(OpKind.RESCALE, 1, 0);
    return make(r, level);
  }

  @Override
  public Value mul(Value a, Value b) {
    int level = consume(Math.min(level(a), level(b)), "mul");
    Value r = zip(a, b, 1, (x, y) -> x * y);
    stats.record(OpKind.MUL, 1, 0);
    stats.record(OpKind.RELINEARIZE, 1, 0);
    stats.record(OpKind.RESCALE, 1, 0);
    assert r.level == level;
    return r;
  }

  @Override
  public Value square(Value a) {
    return mul(a, a);
  }

  @Override
  public Value rotate(Value a, int steps) {
    double[] r = rotated(a.data(), steps);
    if (Math.floorMod(steps, slotCount) != 0) {
      stats.record(OpKind.ROTATE, 1, 0);
      stats.recordRotationStep(steps);
    }
    return make(r, a.level);
  }

  @Override
  public List<Value> rotateHoisted(Value a, int[] steps) {
    List<Value> out = new ArrayList<>(steps.length);
    for (int s : steps) {
      out.add(rotate(a, s));
    }
    return out;
  }

  @Override
  public Value dropToLevel(Value a, int level) {
    if (level > level(a) || level < 0) {
      throw new IllegalArgumentException("cannot drop a level-" + a.level + " value to level " + level);
    }
    if (level < a.level) {
      stats.record(OpKind.DROP, 1, 0);
    }
    return make(a.data().clone(), level);
  }

  @Override
  public List<Value> refresh(List<Value> values) {
    List<Value> out = new ArrayList<>(values.size());
    for (Value v : values) {
      if (level(v) < refreshFloor) {
        throw new OutOfLevelsException(
            "cannot refresh a level-" + v.level + " value: the refresh floor is level " + refreshFloor);
      }
    }
    stats.record(OpKind.REFRESH_ROUND, 1, 0);
    stats.record(OpKind.REFRESH, values.size(), 0);
    for (Value v : values) {
      out.add(make(v.data().clone(), topLevel));
    }
    return out;
  }

  @Override
  public Value copy(Value a) {
    return make(a.data().clone(), a.level);
  }

  @Override
  public void release(Value a) {
    if (a != null && !a.released) {
      a.released = true;
      stats.valueReleased();
    }
  }

  @Override
  public OpStats stats() {
    return stats;
  }

  private int consume(int level, String op) {
    if (level < 1) {
      throw new OutOfLevelsException(op + " needs a level, the value is at level " + level);
    }
    return level - 1;
  }

  private Value zip(Value a, Value b, int levelCost, java.util.function.DoubleBinaryOperator f) {
    double[] x = a.data();
    double[] y = b.data();
    int level = Math.min(a.level, b.level) - levelCost;
    if (a.level != b.level) {
      stats.record(OpKind.DROP, 1, 0);
    }
    double[] r = new double[slotCount];
    for (int i = 0; i < r.length; i++) {
      r[i] = f.applyAsDouble(x[i], y[i]);
    }
    return make(r, level);
  }

  private double[] rotated(double[] x, int steps) {
    int k = Math.floorMod(steps, slotCount);
    double[] r = new double[slotCount];
    System.arraycopy(x, k, r, 0, slotCount - k);
    System.arraycopy(x, 0, r, slotCount - k, k);
    return r;
  }

  private double[] pad(double[] values) {
    Objects.requireNonNull(values, "values");
    if (values.length > slotCount) {
      throw new IllegalArgumentException(
          "plain operand has " + values.length + " values, a value has " + slotCount + " slots");
    }
    return values.length == slotCount ? values : Arrays.copyOf(values, slotCount);
  }

  private Value make(double[] slots, int level) {
    double m = 0;
    for (double s : slots) {
      if (!Double.isFinite(s)) {
        throw new ArithmeticException("slot value " + s + " in simulated program");
      }
      m = Math.max(m, Math.abs(s));
    }
    stats.recordMagnitude(m);
    stats.valueCreated();
    return new Value(slots, level);
  }
}
