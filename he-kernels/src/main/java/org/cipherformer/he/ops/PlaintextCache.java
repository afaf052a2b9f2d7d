package org.cipherformer.he.ops;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.cipherformer.he.Plaintext;

/**
 * Encoded plain operands kept for reuse: the {@link Plaintext} of a {@code double[]} at a level and scale, looked up
 * by the <b>identity</b> of the array. A homomorphic program passes the same weight diagonals, masks and biases on
 * every run; encoding one (FFT, then one NTT per prime) costs more than the plain multiplication it feeds, so from
 * the second run on the encodings come from here.
 *
 * <p><b>Key: identity, guarded by a fingerprint.</b> Keying by content would need the content kept for the equality
 * check (64 KB of heap per entry at N = 16384) or trust in a hash alone; keying by identity is free and exact for the
 * programs here, which build their operands once. The weak point of identity is an array mutated in place between
 * two calls: that would silently reuse a stale encoding. So each entry also stores a 64-bit fingerprint of the
 * content, recomputed on every lookup (about 10 microseconds for 8192 values against milliseconds for an encoding);
 * a mismatch re-encodes (counted in {@link #staleHits()}). Callers should still not mutate arrays they pass (the
 * fingerprint is a hash, not a proof), and arrays with equal content but different identity share nothing.
 *
 * <p><b>Lifetime and bound.</b> Keys are weak: once the program drops an array, its entries are freed at the next
 * lookup. The native bytes of all entries ({@code N * (level + 1) * 8} each) are bounded by {@link #byteBound()};
 * inserting beyond it evicts the least recently used entries, and an entry larger than the bound is not kept. A
 * program whose working set exceeds the bound and that cycles through it in the same order gets no hits at all from
 * LRU, so the bound should cover the program (the shipped ViT: 1.98 GiB at n16384, 6.2 GiB at n32768).
 *
 * <p>Plaintexts returned by {@link #get} stay owned by the cache and may be closed by a later {@link #get} (eviction):
 * use each before the next lookup. Not thread-safe (one backend, one thread).
 */
final class PlaintextCache implements AutoCloseable {
  /** A cache key: the array (weakly), the level and the exact scale. */
  private static final class Key extends WeakReference<double[]> {
    private final int hash;
    private final int level;
    private final long scaleBits;

    Key(double[] values, int level, double scale, ReferenceQueue<double[]> queue) {
      super(values, queue);
      this.level = level;
      this.scaleBits = Double.doubleToLongBits(scale);
      this.hash = (System.identityHashCode(values) * 31 + level) * 31 + Long.hashCode(scaleBits);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    /** Same live array, level and scale; a cleared key equals only itself (so it can still be removed). */
    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof Key k) || k.hash != hash || k.level != level || k.scaleBits != scaleBits) {
        return false;
      }
      double[] mine = get();
      return mine != null && mine == k.get();
    }
  }

  private record Entry(Plaintext plain, long fingerprint, long bytes) {}

  /** An encoding handed out: {@code cached} ones belong to the cache, the others to the caller. */
  record Encoded(Plaintext plain, boolean cached) implements AutoCloseable {
    /** Frees the plaintext unless the cache owns it. */
    @Override
    public void close() {
      if (!cached) {
        plain.close();
      }
    }
  }

  private final long byteBound;
  private final long bytesPerPrime;
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private final ReferenceQueue<double[]> collected = new ReferenceQueue<>();
  private long bytes;
  private long hits;
  private long misses;
  private long staleHits;
  private long evictions;

  /**
   * @param byteBound     largest total of native bytes kept (0 disables caching)
   * @param bytesPerPrime native bytes of a plaintext per prime of its level ({@code N * 8})
   * @throws IllegalArgumentException if {@code byteBound} is negative
   */
  PlaintextCache(long byteBound, long bytesPerPrime) {
    if (byteBound < 0) {
      throw new IllegalArgumentException("encode cache bound must be >= 0 bytes, got " + byteBound);
    }
    this.byteBound = byteBound;
    this.bytesPerPrime = bytesPerPrime;
  }

  /**
   * The encoding of {@code values} at {@code level} and {@code scale}: from the cache if it holds one for this array
   * with the same content fingerprint, otherwise {@code encode.get()} (kept if it fits the bound).
   *
   * @param values the plain operand (its identity is the key)
   * @param level  the level it is encoded at
   * @param scale  the scale it is encoded at
   * @param encode makes the plaintext on a miss
   * @return the plaintext; close the {@link Encoded} after use (a no-op for cached plaintexts)
   */
  Encoded get(double[] values, int level, double scale, Supplier<Plaintext> encode) {
    purgeCollected();
    long fingerprint = fingerprint(values);
    Key probe = new Key(values, level, scale, null);
    Entry e = entries.get(probe);
    if (e != null && e.fingerprint == fingerprint) {
      hits++;
      return new Encoded(e.plain, true);
    }
    misses++;
    if (e != null) {
      staleHits++;
      remove(probe);
    }
    Plaintext p = encode.get();
    long size = bytesPerPrime * (level + 1L);
    if (size > byteBound) {
      return new Encoded(p, false);
    }
    Iterator<Map.Entry<Key, Entry>> eldest = entries.entrySet().iterator();
    while (bytes + size > byteBound && eldest.hasNext()) {
      Entry old = eldest.next().getValue();
      eldest.remove();
      bytes -= old.bytes;
      old.plain.close();
      evictions++;
    }
    entries.put(new Key(values, level, scale, collected), new Entry(p, fingerprint, size));
    bytes += size;
    return new Encoded(p, true);
  }

  /** Lookups answered from the cache. */
  long hits() {
    return hits;
  }

  /** Lookups that encoded (including stale ones). */
  long misses() {
    return misses;
  }

  /** Lookups that found an entry for the array whose content had changed since (re-encoded). */
  long staleHits() {
    return staleHits;
  }

  /** Entries freed to stay within the bound. */
  long evictions() {
    return evictions;
  }

  /** Native bytes held now. */
  long bytes() {
    return bytes;
  }

  /** Entries held now. */
  int size() {
    return entries.size();
  }

  /** The bound on {@link #bytes()}. */
  long byteBound() {
    return byteBound;
  }

  /** Frees every entry. */
  @Override
  public void close() {
    for (Entry e : entries.values()) {
      e.plain.close();
    }
    entries.clear();
    bytes = 0;
    while (collected.poll() != null) {
      // drained: the entries are gone already
    }
  }

  /** Frees the entries of arrays the program no longer holds. */
  private void purgeCollected() {
    for (Object k; (k = collected.poll()) != null; ) {
      remove((Key) k);
    }
  }

  private void remove(Key k) {
    Entry old = entries.remove(k);
    if (old != null) {
      bytes -= old.bytes;
      old.plain.close();
    }
  }

  /**
   * A 64-bit fingerprint of the content: the bit patterns of the values mixed by a multiply-xorshift step (distinct
   * for any single changed value; a hash, not a proof, for several).
   */
  static long fingerprint(double[] values) {
    long h = 0x9E3779B97F4A7C15L ^ values.length;
    for (double v : values) {
      h = (h ^ Double.doubleToRawLongBits(v)) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return h;
  }
}
