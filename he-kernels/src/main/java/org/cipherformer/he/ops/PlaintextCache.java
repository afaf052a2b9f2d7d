package org.cipherformer.he.ops;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.cipherformer.he.CkksContext;
import org.cipherformer.he.CkksEncoder;
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
 * <p><b>Sharing.</b> Encodings depend on the parameters, the array, the level and the scale, not on keys, so one cache
 * can serve every {@link CkksBackend} of one model at once (one per client session: {@link
 * CkksBackend#CkksBackend(CkksParameters, CkksContext, EvaluationKeys, RefreshClient, double, PlaintextCache)}); the
 * cache then costs its bound once instead of once per session. Thread-safe:
 *
 * <ul>
 *   <li>each lookup returns an {@link Encoded} that holds a reference on its entry until closed. Eviction (bound,
 *       stale content, collected array, {@link #close()}) removes an entry from the cache at once, so the bound
 *       always holds for the entries kept, but the plaintext of an entry still referenced is freed only when its
 *       last {@code Encoded} is closed ({@link #pinnedBytes()} counts such retired, still-used bytes);
 *   <li>concurrent misses of the same key encode once: the first caller encodes (outside the lock, so lookups of
 *       other keys and other encodings go on), the others wait for its result and count as hits;
 *   <li>the counters are exact totals over all users.
 * </ul>
 *
 * <p>The cache encodes with its own encoder on its context, which must outlive it (the context is not closed here).
 */
public final class PlaintextCache implements AutoCloseable {
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

  /**
   * One encoding and its users. Fields other than {@code loaded} are guarded by the cache's lock. An entry is either
   * kept (in {@link #entries}, its bytes in {@link #bytes}) or retired (removed; its bytes in {@link #pinnedBytes}
   * until its last user releases it, when the plaintext is freed).
   */
  private static final class Entry {
    final Key key;
    final long fingerprint;
    final long bytes;
    /** Completed with the plaintext once encoded (or exceptionally if encoding failed). */
    final CompletableFuture<Plaintext> loaded = new CompletableFuture<>();
    int users;
    boolean retired;

    Entry(Key key, long fingerprint, long bytes) {
      this.key = key;
      this.fingerprint = fingerprint;
      this.bytes = bytes;
    }
  }

  /**
   * An encoding handed out: either a reference on a cache entry (closing releases it) or a plaintext the caller owns
   * (closing frees it). Close exactly once, from the thread that got it; further closes do nothing.
   */
  static final class Encoded implements AutoCloseable {
    private final PlaintextCache cache;
    private final Entry entry;
    private final Plaintext plain;
    private boolean closed;

    private Encoded(PlaintextCache cache, Entry entry, Plaintext plain) {
      this.cache = cache;
      this.entry = entry;
      this.plain = plain;
    }

    /** A plaintext not kept by any cache: {@link #close()} frees it. */
    static Encoded owned(Plaintext plain) {
      return new Encoded(null, null, Objects.requireNonNull(plain, "plain"));
    }

    /** The plaintext; valid until {@link #close()}. */
    Plaintext plain() {
      if (closed) {
        throw new IllegalStateException("encoding used after close");
      }
      return plain;
    }

    /** Whether the plaintext belongs to a cache entry (else to this object). */
    boolean cached() {
      return entry != null;
    }

    /** Releases the cache entry (its plaintext is freed if it was evicted meanwhile), or frees an owned plaintext. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (entry == null) {
        plain.close();
      } else {
        cache.release(entry);
      }
    }
  }

  private final CkksContext context;
  private final CkksEncoder encoder;
  private final long byteBound;
  private final long bytesPerPrime;
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private final ReferenceQueue<double[]> collected = new ReferenceQueue<>();
  private final Object lock = new Object();
  private long bytes;
  private long pinnedBytes;
  private long hits;
  private long misses;
  private long staleHits;
  private long evictions;
  private boolean closed;

  /**
   * A cache for plaintexts of {@code context}'s parameters.
   *
   * @param context   the parameters' context (kept, not closed; must outlive the cache)
   * @param byteBound largest total of native bytes kept (0 disables caching: every lookup encodes)
   * @throws IllegalArgumentException if {@code byteBound} is negative
   */
  public PlaintextCache(CkksContext context, long byteBound) {
    this.context = Objects.requireNonNull(context, "context");
    if (byteBound < 0) {
      throw new IllegalArgumentException("encode cache bound must be >= 0 bytes, got " + byteBound);
    }
    this.byteBound = byteBound;
    this.bytesPerPrime = 8L * context.polyModulusDegree();
    this.encoder = new CkksEncoder(context);
  }

  /** The context whose parameters every plaintext here has. */
  public CkksContext context() {
    return context;
  }

  /**
   * The encoding of {@code values} at {@code level} and {@code scale}: from the cache if it holds one for this array
   * with the same content fingerprint (or another thread is encoding it now), otherwise encoded here (and kept if it
   * fits the bound).
   *
   * @param values the plain operand (its identity is the key; at most N/2 values)
   * @param level  the level it is encoded at
   * @param scale  the scale it is encoded at
   * @return the plaintext; close the {@link Encoded} after use, before that no eviction frees it
   * @throws IllegalStateException if the cache is closed
   * @throws IllegalArgumentException if the encoder refuses the operand (then no entry is kept)
   */
  Encoded get(double[] values, int level, double scale) {
    long fingerprint = fingerprint(values);
    long size = bytesPerPrime * (level + 1L);
    Entry entry;
    boolean mine;
    List<Entry> toFree = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("encode cache is closed");
      }
      if (size > byteBound) {
        misses++;
        entry = null;
        mine = true;
      } else {
        purgeCollected(toFree);
        Entry found = entries.get(new Key(values, level, scale, null));
        if (found != null && found.fingerprint == fingerprint) {
          hits++;
          found.users++;
          entry = found;
          mine = false;
        } else {
          misses++;
          if (found != null) {
            staleHits++;
            retire(found, toFree);
          }
          Iterator<Entry> eldest = entries.values().iterator();
          while (bytes + size > byteBound && eldest.hasNext()) {
            Entry old = eldest.next();
            eldest.remove();
            retireRemoved(old, toFree);
            evictions++;
          }
          entry = new Entry(new Key(values, level, scale, collected), fingerprint, size);
          entry.users = 1;
          entries.put(entry.key, entry);
          bytes += size;
          mine = true;
        }
      }
    }
    freeAll(toFree);
    if (entry == null) {
      return Encoded.owned(encoder.encode(values, level, scale));
    }
    if (mine) {
      return load(entry, values, level, scale);
    }
    try {
      return new Encoded(this, entry, entry.loaded.join());
    } catch (CompletionException e) {
      release(entry);
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** Encodes the entry this thread inserted (outside the lock) and publishes it to waiting threads. */
  private Encoded load(Entry entry, double[] values, int level, double scale) {
    Plaintext plain;
    try {
      plain = encoder.encode(values, level, scale);
    } catch (RuntimeException | Error e) {
      List<Entry> toFree = new ArrayList<>();
      synchronized (lock) {
        retire(entry, toFree); // a failed encoding must not stay cached
      }
      entry.loaded.completeExceptionally(e);
      release(entry);
      throw e;
    }
    entry.loaded.complete(plain);
    return new Encoded(this, entry, plain);
  }

  /** Drops one reference on entry; frees its plaintext if it was the last one and the entry is retired. */
  private void release(Entry entry) {
    boolean free;
    synchronized (lock) {
      if (entry.users <= 0) {
        throw new IllegalStateException("encode cache entry released more often than it was handed out");
      }
      entry.users--;
      free = entry.users == 0 && entry.retired;
      if (free) {
        pinnedBytes -= entry.bytes;
      }
    }
    if (free) {
      freePlain(entry);
    }
  }

  /** Removes a kept entry from the cache (lock held); frees it now if unused (added to toFree), else on release. */
  private void retire(Entry entry, List<Entry> toFree) {
    if (entry.retired) {
      return;
    }
    entries.remove(entry.key);
    retireRemoved(entry, toFree);
  }

  /** As {@link #retire} for an entry already removed from the map (lock held). */
  private void retireRemoved(Entry entry, List<Entry> toFree) {
    entry.retired = true;
    bytes -= entry.bytes;
    if (entry.users == 0) {
      toFree.add(entry);
    } else {
      pinnedBytes += entry.bytes;
    }
  }

  /** Frees retired, unused entries (outside the lock: freeing takes the plaintext's own lock). */
  private static void freeAll(List<Entry> toFree) {
    for (Entry e : toFree) {
      freePlain(e);
    }
  }

  /**
   * Frees the entry's plaintext if encoding made one (an unused entry is always complete: its loader has released
   * it; a failed encoding left nothing to free).
   */
  private static void freePlain(Entry entry) {
    if (entry.loaded.isDone() && !entry.loaded.isCompletedExceptionally()) {
      entry.loaded.join().close();
    }
  }

  /** Lookups answered from the cache (including lookups that waited for another thread's encoding). */
  public long hits() {
    synchronized (lock) {
      return hits;
    }
  }

  /** Lookups that encoded (including stale ones and operands larger than the bound). */
  public long misses() {
    synchronized (lock) {
      return misses;
    }
  }

  /** Lookups that found an entry for the array whose content had changed since (re-encoded). */
  public long staleHits() {
    synchronized (lock) {
      return staleHits;
    }
  }

  /** Entries removed to stay within the bound. */
  public long evictions() {
    synchronized (lock) {
      return evictions;
    }
  }

  /** Native bytes of the entries kept now (at most {@link #byteBound()}). */
  public long bytes() {
    synchronized (lock) {
      return bytes;
    }
  }

  /**
   * Native bytes of entries already evicted but still in use by a caller (freed when it closes its
   * {@link Encoded}); zero when no lookup is in use.
   */
  public long pinnedBytes() {
    synchronized (lock) {
      return pinnedBytes;
    }
  }

  /** Entries kept now. */
  public int size() {
    synchronized (lock) {
      return entries.size();
    }
  }

  /** The bound on {@link #bytes()}. */
  public long byteBound() {
    return byteBound;
  }

  /**
   * Frees every entry not in use now (entries in use are freed as their users release them) and the encoder; later
   * lookups throw {@link IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    List<Entry> toFree = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      for (Entry e : entries.values()) {
        retireRemoved(e, toFree);
      }
      entries.clear();
      while (collected.poll() != null) {
        // drained: the entries are gone already
      }
    }
    freeAll(toFree);
    encoder.close();
  }

  /** Retires the entries of arrays the program no longer holds (lock held). */
  private void purgeCollected(List<Entry> toFree) {
    for (Object k; (k = collected.poll()) != null; ) {
      Entry e = entries.get(k);
      if (e != null && e.key == k) {
        retire(e, toFree);
      }
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
