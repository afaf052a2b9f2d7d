package org.cipherformer.server;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.cipherformer.he.ops.HeBackend;
import org.cipherformer.he.ops.OpStats;

/**
 * The backend an inference runs on: forwards every operation to the session's backend, and before each one
 *
 * <ul>
 *   <li>runs the call's guard, which throws when the client cancelled, the deadline passed or the stream broke the
 *       protocol: the program stops at the next operation, so native work ends within one kernel call;
 *   <li>notices when the program has left a section (the plan's sections: embed, each layer's ln1, attention, ln2,
 *       mlp, final_ln, head) and tells the listener, which streams an InferenceProgress.
 * </ul>
 *
 * It also remembers every value it handed out and not yet released, so that an inference that stops half way frees
 * all its ciphertexts at once ({@link #releaseAll()}) instead of leaving megabytes each to the garbage collector.
 * HeBackend has no default methods, so nothing can slip past the guard unforwarded. Not thread-safe (one program run).
 *
 * @param <V> the value type
 */
final class GuardedBackend<V> implements HeBackend<V> {
  /** What the inference reports as it goes. */
  interface Listener {
    /** The program finished section {@code name}. */
    void sectionFinished(String name);

    /** Refresh round {@code rounds - 1} came back (rounds completed so far). */
    void refreshFinished(int rounds);
  }

  private final HeBackend<V> delegate;
  private final Runnable guard;
  private final Listener listener;
  private final Set<V> live = Collections.newSetFromMap(new IdentityHashMap<>());
  private String section = OpStats.NO_SECTION;
  private int refreshRounds;

  /**
   * @param delegate the session's backend
   * @param guard    throws (a StatusRuntimeException) when the inference must stop
   * @param listener progress reports
   */
  GuardedBackend(HeBackend<V> delegate, Runnable guard, Listener listener) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.guard = Objects.requireNonNull(guard, "guard");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  private void before() {
    guard.run();
    String now = delegate.stats().currentSection();
    if (!now.equals(section)) {
      String left = section;
      section = now;
      if (!left.equals(OpStats.NO_SECTION)) {
        listener.sectionFinished(left);
      }
    }
  }

  private V made(V v) {
    live.add(v);
    return v;
  }

  private List<V> madeAll(List<V> vs) {
    live.addAll(vs);
    return vs;
  }

  /** Reports the last section once the program has returned (no operation follows it to notice the change). */
  void finish() {
    String now = delegate.stats().currentSection();
    if (!section.equals(OpStats.NO_SECTION) && !now.equals(section)) {
      listener.sectionFinished(section);
    }
    section = now;
  }

  /** Releases every value handed out and not yet released (outputs included); call on every path out. */
  void releaseAll() {
    for (V v : new ArrayList<>(live)) {
      delegate.release(v);
    }
    live.clear();
  }

  /** Stops tracking a value the caller now owns (it must release it itself). */
  void forget(V v) {
    live.remove(v);
  }

  /** @return values handed out and not released */
  int liveValues() {
    return live.size();
  }

  @Override
  public int slotCount() {
    return delegate.slotCount();
  }

  @Override
  public int topLevel() {
    return delegate.topLevel();
  }

  @Override
  public int refreshFloor() {
    return delegate.refreshFloor();
  }

  @Override
  public int level(V a) {
    before();
    return delegate.level(a);
  }

  @Override
  public V add(V a, V b) {
    before();
    return made(delegate.add(a, b));
  }

  @Override
  public V sub(V a, V b) {
    before();
    return made(delegate.sub(a, b));
  }

  @Override
  public V negate(V a) {
    before();
    return made(delegate.negate(a));
  }

  @Override
  public V addPlain(V a, double[] values) {
    before();
    return made(delegate.addPlain(a, values));
  }

  @Override
  public V addConst(V a, double c) {
    before();
    return made(delegate.addConst(a, c));
  }

  @Override
  public V mulPlain(V a, double[] values) {
    before();
    return made(delegate.mulPlain(a, values));
  }

  @Override
  public V mulConst(V a, double c) {
    before();
    return made(delegate.mulConst(a, c));
  }

  @Override
  public V mulPlainSum(List<V> xs, List<double[]> plains) {
    before();
    return made(delegate.mulPlainSum(xs, plains));
  }

  @Override
  public V mulConstSum(List<V> xs, double[] consts) {
    before();
    return made(delegate.mulConstSum(xs, consts));
  }

  @Override
  public V mul(V a, V b) {
    before();
    return made(delegate.mul(a, b));
  }

  @Override
  public V square(V a) {
    before();
    return made(delegate.square(a));
  }

  @Override
  public V rotate(V a, int steps) {
    before();
    return made(delegate.rotate(a, steps));
  }

  @Override
  public List<V> rotateHoisted(V a, int[] steps) {
    before();
    return madeAll(delegate.rotateHoisted(a, steps));
  }

  @Override
  public V dropToLevel(V a, int level) {
    before();
    return made(delegate.dropToLevel(a, level));
  }

  /**
   * One refresh round over the stream. A reply the session's backend refuses (not a ciphertext of the parameters,
   * wrong level or scale, wrong count) is the client's error: INVALID_ARGUMENT with the backend's reason.
   */
  @Override
  public List<V> refresh(List<V> values) {
    before();
    List<V> out;
    try {
      out = delegate.refresh(values);
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT.withDescription("refresh round " + refreshRounds + ": " + e.getMessage())
          .asRuntimeException();
    }
    madeAll(out);
    refreshRounds++;
    listener.refreshFinished(refreshRounds);
    guard.run();
    return out;
  }

  @Override
  public V copy(V a) {
    before();
    return made(delegate.copy(a));
  }

  /** Never guarded: releasing must work while an inference stops. */
  @Override
  public void release(V a) {
    live.remove(a);
    delegate.release(a);
  }

  @Override
  public OpStats stats() {
    return delegate.stats();
  }
}
