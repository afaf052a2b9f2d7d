package org.cipherformer.model.encrypted;

import java.util.ArrayList;
import java.util.List;
import org.cipherformer.he.ops.HeBackend;

/**
 * Refresh placement: before a stage that will take {@code need} more levels from a value, the program asks the guard
 * to make sure the value has them, i.e. {@code level >= refreshFloor + need} (so that the stage's results can still be
 * refreshed). All values of one request that fall short go through ONE {@link HeBackend#refresh} call, i.e. one round
 * trip to the key holder; the program makes its requests where few values are live. Values that already have enough
 * levels are left as they are.
 *
 * @param <V> the backend's value type
 */
final class LevelGuard<V> {
  private final HeBackend<V> be;

  LevelGuard(HeBackend<V> be) {
    this.be = be;
  }

  /** Levels a value has between two refreshes. */
  int budget() {
    return be.topLevel() - be.refreshFloor();
  }

  /** {@code need} capped at what one refresh can give (a longer stage has to refresh inside itself). */
  int capped(int need) {
    return Math.min(need, budget());
  }

  /**
   * Brings each value {@code values[i]} to at least {@code refreshFloor + needs[i]} levels, in one refresh round.
   * Values that are refreshed are released and replaced in the returned list; the others are returned as they are.
   *
   * @param values the values (ownership of those refreshed passes to the guard)
   * @param needs  levels each value must have above the refresh floor (capped at {@link #budget()})
   * @return the values, refreshed where needed, in the same order
   */
  List<V> ensure(List<V> values, int... needs) {
    if (needs.length != values.size()) {
      throw new IllegalArgumentException(values.size() + " values but " + needs.length + " level needs");
    }
    List<Integer> low = new ArrayList<>();
    for (int i = 0; i < needs.length; i++) {
      if (be.level(values.get(i)) < be.refreshFloor() + capped(needs[i])) {
        low.add(i);
      }
    }
    List<V> out = new ArrayList<>(values);
    if (low.isEmpty()) {
      return out;
    }
    List<V> send = new ArrayList<>(low.size());
    for (int j = 0; j < low.size(); j++) {
      send.add(values.get(low.get(j)));
    }
    List<V> back = be.refresh(send);
    for (int j = 0; j < low.size(); j++) {
      be.release(send.get(j));
      out.set(low.get(j), back.get(j));
    }
    return out;
  }

  /** {@link #ensure} for one value. */
  V ensure(V value, int need) {
    return ensure(List.of(value), need).get(0);
  }
}
