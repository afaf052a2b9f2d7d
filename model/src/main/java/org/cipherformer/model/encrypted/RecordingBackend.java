package org.cipherformer.model.encrypted;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.cipherformer.he.ops.HeBackend;
import org.cipherformer.he.ops.OpStats;

/**
 * A {@link HeBackend} that forwards every operation to another and logs each {@link #refresh} round (section, size,
 * levels before), including rounds that building blocks start by themselves. The plan lists these rounds.
 *
 * @param <V> the value type
 */
public final class RecordingBackend<V> implements HeBackend<V> {
  private final HeBackend<V> inner;
  private final List<RefreshRound> rounds = new ArrayList<>();

  /** @param inner the backend that does the work */
  public RecordingBackend(HeBackend<V> inner) {
    this.inner = inner;
  }

  /** @return the refresh rounds so far, in order */
  public List<RefreshRound> rounds() {
    return Collections.unmodifiableList(rounds);
  }

  /** @return the wrapped backend */
  public HeBackend<V> inner() {
    return inner;
  }

  @Override
  public List<V> refresh(List<V> values) {
    int[] levels = new int[values.size()];
    for (int i = 0; i < levels.length; i++) {
      levels[i] = inner.level(values.get(i));
    }
    List<V> out = inner.refresh(values);
    rounds.add(new RefreshRound(inner.stats().currentSection(), values.size(), levels));
    return out;
  }

  @Override
  public int slotCount() {
    return inner.slotCount();
  }

  @Override
  public int topLevel() {
    return inner.topLevel();
  }

  @Override
  public int refreshFloor() {
    return inner.refreshFloor();
  }

  @Override
  public int level(V a) {
    return inner.level(a);
  }

  @Override
  public V add(V a, V b) {
    return inner.add(a, b);
  }

  @Override
  public V sub(V a, V b) {
    return inner.sub(a, b);
  }

  @Override
  public V negate(V a) {
    return inner.negate(a);
  }

  @Override
  public V addPlain(V a, double[] values) {
    return inner.addPlain(a, values);
  }

  @Override
  public V addConst(V a, double c) {
    return inner.addConst(a, c);
  }

  @Override
  public V mulPlain(V a, double[] values) {
    return inner.mulPlain(a, values);
  }

  @Override
  public V mulConst(V a, double c) {
    return inner.mulConst(a, c);
  }

  @Override
  public V mulPlainSum(List<V> xs, List<double[]> plains) {
    return inner.mulPlainSum(xs, plains);
  }

  @Override
  public V mulConstSum(List<V> xs, double[] consts) {
    return inner.mulConstSum(xs, consts);
  }

  @Override
  public V mul(V a, V b) {
    return inner.mul(a, b);
  }

  @Override
  public V square(V a) {
    return inner.square(a);
  }

  @Override
  public V rotate(V a, int steps) {
    return inner.rotate(a, steps);
  }

  @Override
  public List<V> rotateHoisted(V a, int[] steps) {
    return inner.rotateHoisted(a, steps);
  }

  @Override
  public V dropToLevel(V a, int level) {
    return inner.dropToLevel(a, level);
  }

  @Override
  public V copy(V a) {
    return inner.copy(a);
  }

  @Override
  public void release(V a) {
    inner.release(a);
  }

  @Override
  public OpStats stats() {
    return inner.stats();
  }
}
