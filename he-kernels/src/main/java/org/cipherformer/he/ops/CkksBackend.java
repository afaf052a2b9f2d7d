package org.cipherformer.he.ops;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.WeakHashMap;
import org.cipherformer.he.Backend;
import org.cipherformer.he.BackendSelection;
import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.CkksContext;
import org.cipherformer.he.CkksEncoder;
import org.cipherformer.he.GaloisKeys;
import org.cipherformer.he.Plaintext;
import org.cipherformer.he.RelinKeys;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.SealFormatException;

/**
 * {@link HeBackend} on CKKS ciphertexts (the server side): the native evaluator with the client's relinearization and
 * Galois keys, and a {@link RefreshClient} for client-aided refreshes. Every native primitive is timed separately
 * into {@link #stats()}, and the counts equal {@link SimulatedBackend}'s for the same program.
 *
 * <p><b>Scale discipline</b> (docs/encrypted-inference.md): every value at level l carries exactly the canonical
 * scale {@code Delta_l} of {@link CkksParameters#scale(int)}, so values at the same level can always be added.
 *
 * <ul>
 *   <li>{@code mul(a, b)}: multiply ({@link OpKind#MUL}), relinearize ({@link OpKind#RELINEARIZE}), rescale
 *       ({@link OpKind#RESCALE}): scale {@code Delta_l^2 / q_l = Delta_{l-1}} exactly (same double expression);
 *   <li>{@code mulPlain}/{@code mulConst}: the operand encoded at level l and scale {@code Delta_l}
 *       ({@link OpKind#ENCODE}), multiply-plain ({@link OpKind#MUL_PLAIN}), rescale: again {@code Delta_{l-1}};
 *   <li>{@code mulPlainSum}/{@code mulConstSum}: every operand encoded at the lowest input level l with scale
 *       {@code Delta_l}, the products (scale {@code Delta_l^2}) added without rescaling, one rescale for the sum:
 *       {@code Delta_{l-1}} again, with one rescaling instead of one per term;
 *   <li>{@code addPlain}/{@code addConst}: the operand encoded at the value's level and scale, then added;
 *   <li>{@code dropToLevel(a, l)} ({@link OpKind#DROP}, timed as one): modulus switch to level l+1, multiply by the
 *       constant 1 encoded at scale {@code s = Delta_l * q_{l+1} / scale(a)}, rescale by {@code q_{l+1}}: the value
 *       is unchanged up to the rounding of the constant ({@code round(s) / s = 1 +- 2^-41}) and the scale is
 *       {@code Delta_l} (set exactly; the double expression can differ from it by a few ulp);
 *   <li>binary operations on different levels first drop the higher operand (one {@link OpKind#DROP}).
 * </ul>
 *
 * <p><b>Rotations.</b> Every rotation step needs the Galois key of exactly that step (SEAL's native fallback to
 * products of power-of-two keys is not used: the plan states its steps and the client makes exactly those keys); a
 * missing key is an {@link IllegalArgumentException} naming the step, raised before any native call.
 *
 * <p><b>Refresh.</b> See {@link #refresh}: each value is switched down to the refresh floor (fewer primes, fewer
 * bytes), masked per slot with {@code r} uniform in {@code [-R, R]} from {@link SecureRandom}, sent to the key holder
 * in one round trip, and the mask is subtracted from the fresh top-level encryption that comes back. The key holder
 * sees {@code m + r} per slot; for {@code |m| <= B} its statistical distance from {@code r} alone is at most
 * {@code B / (2R)} per slot. {@link #DEFAULT_MASK_BOUND} is chosen by measurement (docs/encrypted-inference.md).
 *
 * <p><b>Multiplying by zero.</b> An exactly zero plaintext product would be a transparent ciphertext (no secret-key
 * part; SEAL refuses it). {@code mulPlain}/{@code mulConst} then multiply by the constant polynomial 1 instead, which
 * decrypts to {@code m / Delta_l} (below 1e-9 for |m| < 1000, under the CKKS noise). Exact cancellations such as
 * {@code sub(a, a)} still throw {@link IllegalStateException} from the native layer.
 *
 * <p><b>Encode cache.</b> Plain operands ({@code addPlain}, {@code mulPlain}, {@code mulPlainSum}) are encoded once
 * per array, level and scale and kept ({@link PlaintextCache}: keyed by the array's identity, weakly, guarded by a
 * content fingerprint; LRU within a bound on native bytes, default {@link #DEFAULT_ENCODE_CACHE_BYTES}). A program that
 * passes the same arrays on every run encodes nothing from its second run on. {@link OpKind#ENCODE} still counts
 * every operand (the counts stay equal to {@link SimulatedBackend}'s); its time is the lookup on a hit, and
 * {@link #encodeCacheHits()}/{@link #encodeCacheMisses()} say how many were encoded. Callers must not mutate arrays
 * they pass: a change in place is detected by the fingerprint and re-encoded, but that is a hash, not a proof.
 *
 * <p>Values: every ciphertext this backend returns is live until {@link #release}d (closed). Values made elsewhere
 * enter through {@link #input}. The backend owns the evaluation keys it was given and frees them in {@link #close};
 * the context is the caller's. Not thread-safe (one backend per thread; backends on several threads may share one
 * encode cache, see {@link PlaintextCache}).
 *
 * <p><b>Kernel backend.</b> The native primitives run on the CPU engine or, when this JVM's {@link BackendSelection}
 * ({@code -Dcipherformer.backend=cuda|auto}) resolves to CUDA, on the GPU ({@link #backend()}). On the GPU every value
 * is a device-resident {@link Ciphertext} from {@link #input} on: operations never copy it to the host, the keys are
 * uploaded once when the backend is made, and plaintext operands are copied to the device per use. A value crosses
 * back where the caller saves or decrypts it (and in refreshes, which send values to the key holder). The bytes are
 * the same on both (the CUDA backend is byte-identical to the CPU engine).
 */
public final class CkksBackend implements HeBackend<Ciphertext>, AutoCloseable {
  /**
   * Default mask bound R = 2^22 of refreshes: masks are uniform in [-R, R]. Chosen by measurement (CkksRefreshTest,
   * docs/encrypted-inference.md): the error a refresh adds grows like {@code R * 2^-52.5} (rms; double rounding of
   * {@code m + r} in the key holder's decode and encode and of {@code r} in the server's two mask encodings) on top of
   * the fresh-encryption noise (rms 2.7e-10 at n16384). At 2^22 a refresh adds rms 7e-10 (max 3e-9), under a third
   * of the error of one rescaling (rms 2.5e-9, max 1.6e-8); at 2^24 it adds as much as a rescaling, at 2^26 four times
   * as much. With values bounded by B = 64 the key holder's view of each slot is within statistical distance
   * {@code B / (2R) = 2^-17} of the mask alone.
   */
  public static final double DEFAULT_MASK_BOUND = 1 << 22;

  /**
   * Compression of the ciphertexts sent to the key holder: zstd (SEAL's default) saves 17% at the refresh floor
   * (0.52 -> 0.43 MB at n16384) for about 8 ms more per value; zlib saves no more and is ten times slower.
   */
  private static final ComprMode SEND_COMPRESSION = ComprMode.ZSTD;

  /**
   * System property that sets the default bound of the encode cache in bytes ({@code 0} disables it), for runs that
   * cannot pass {@link #CkksBackend(CkksParameters, CkksContext, EvaluationKeys, RefreshClient, double, long)}.
   */
  public static final String ENCODE_CACHE_BYTES_PROPERTY = "cipherformer.encodeCacheBytes";

  /**
   * Default bound of the encode cache: 2.5 GiB of native plaintexts. The shipped ViT at n16384 uses 2284 distinct
   * (array, level) operands per pass, 1.98 GiB (measured; docs/encrypted-inference.md), so from its second batch on
   * it encodes nothing. At n32768 the same program needs 6.2 GiB: with a smaller bound LRU gets no hits on a program
   * that cycles through its operands, so raise the bound there ({@value #ENCODE_CACHE_BYTES_PROPERTY}) or accept
   * encoding every pass.
   */
  public static final long DEFAULT_ENCODE_CACHE_BYTES = 5L << 29;

  private final CkksParameters parameters;
  private final CkksContext context;
  private final CkksEncoder encoder;
  /** The CPU engine or the CUDA backend (BackendSelection); the values live where it keeps them. */
  private final CiphertextEngine engine;
  private final Backend backend;
  private final RelinKeys relinKeys;
  private final GaloisKeys galoisKeys;
  private final EvaluationKeys keys;
  private final Set<Integer> galoisElements = new HashSet<>();
  private final RefreshClient client;
  private final double maskBound;
  private final SecureRandom random = new SecureRandom();
  private final OpStats stats = new OpStats();
  private final Set<Ciphertext> live = Collections.newSetFromMap(new WeakHashMap<>());
  private final PlaintextCache encodeCache;
  /** Whether {@link #encodeCache} is this backend's own (closed with it) or shared with other backends. */
  private final boolean ownsEncodeCache;

  /**
   * A backend with the default mask bound.
   *
   * @param parameters the parameter set (the key holder's)
   * @param context    a context for exactly these parameters (kept, not closed)
   * @param keys       the client's evaluation keys for this context (owned from now on)
   * @param client     answers refreshes
   * @throws IllegalArgumentException if the context or keys belong to other parameters
   */
  public CkksBackend(CkksParameters parameters, CkksContext context, EvaluationKeys keys, RefreshClient client) {
    this(parameters, context, keys, client, DEFAULT_MASK_BOUND);
  }

  /**
   * A backend with mask bound {@code maskBound} (R) and the default encode cache bound.
   *
   * @throws IllegalArgumentException if the context or keys belong to other parameters, or R is not positive and
   *     finite
   */
  public CkksBackend(
      CkksParameters parameters, CkksContext context, EvaluationKeys keys, RefreshClient client, double maskBound) {
    this(parameters, context, keys, client, maskBound, defaultEncodeCacheBytes());
  }

  /**
   * A backend with mask bound {@code maskBound} (R) and an encode cache of at most {@code encodeCacheBytes} native
   * bytes (see {@link #encodeCacheHits()}; 0 disables it).
   *
   * @throws IllegalArgumentException if the context or keys belong to other parameters, R is not positive and
   *     finite, or the cache bound is negative
   */
  public CkksBackend(CkksParameters parameters, CkksContext context, EvaluationKeys keys, RefreshClient client,
      double maskBound, long encodeCacheBytes) {
    this(parameters, context, keys, client, maskBound, null, encodeCacheBytes, selectedBackend());
  }

  /**
   * As {@link #CkksBackend(CkksParameters, CkksContext, EvaluationKeys, RefreshClient, double, long)} on the given
   * kernel backend instead of this JVM's {@link BackendSelection}: {@code CPU}, {@code CUDA} (values live in GPU
   * memory between operations; results are byte-identical to the CPU's), or {@code AUTO} (CUDA when usable).
   *
   * @throws org.cipherformer.he.BackendUnavailableException if {@code CUDA} is asked for and cannot run
   */
  public CkksBackend(CkksParameters parameters, CkksContext context, EvaluationKeys keys, RefreshClient client,
      double maskBound, long encodeCacheBytes, Backend backend) {
    this(parameters, context, keys, client, maskBound, null, encodeCacheBytes, resolve(backend));
  }

  /**
   * A backend with mask bound {@code maskBound} (R) that takes its plain-operand encodings from {@code sharedCache},
   * an encode cache it shares with other backends of the same parameters (for instance every session of one model in
   * a server: encodings do not depend on keys). The backend does not close the shared cache; its owner closes it
   * once no backend uses it any more. The {@code encodeCache*} getters then report the shared cache's totals.
   *
   * @throws IllegalArgumentException if the context, keys or cache belong to other parameters, or R is not positive
   *     and finite
   */
  public CkksBackend(CkksParameters parameters, CkksContext context, EvaluationKeys keys, RefreshClient client,
      double maskBound, PlaintextCache sharedCache) {
    this(parameters, context, keys, client, maskBound, Objects.requireNonNull(sharedCache, "sharedCache"), 0,
        selectedBackend());
  }

  /** sharedCache null: an own cache of encodeCacheBytes; backend CPU or CUDA. */
  private CkksBackend(CkksParameters parameters, CkksContext context, EvaluationKeys keys, RefreshClient client,
      double maskBound, PlaintextCache sharedCache, long encodeCacheBytes, Backend backend) {
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.context = Objects.requireNonNull(context, "context");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.client = Objects.requireNonNull(client, "client");
    if (!context.parameters().equals(parameters.encryptionParameters())) {
      throw new IllegalArgumentException(
          "context " + context + " does not match the parameter set " + parameters.description());
    }
    if (!keys.relinKeys().context().parameters().equals(context.parameters())
        || !keys.galoisKeys().context().parameters().equals(context.parameters())) {
      throw new IllegalArgumentException("evaluation keys belong to other parameters than " + context);
    }
    if (!(maskBound > 0) || Double.isInfinite(maskBound)) {
      throw new IllegalArgumentException("mask bound must be positive and finite, got " + maskBound);
    }
    this.relinKeys = keys.relinKeys();
    this.galoisKeys = keys.galoisKeys();
    for (int g : galoisKeys.galoisElements()) {
      galoisElements.add(g);
    }
    this.maskBound = maskBound;
    this.backend = backend;
    // First of the native resources this backend owns: on CUDA it uploads the keys and may fail.
    this.engine = backend == Backend.CUDA
        ? new DeviceEngine(context, relinKeys, galoisKeys)
        : new HostEngine(context, relinKeys, galoisKeys);
    if (sharedCache != null) {
      if (!sharedCache.context().parameters().equals(context.parameters())) {
        throw new IllegalArgumentException("shared encode cache belongs to " + sharedCache.context()
            + ", not to the parameters of " + context);
      }
      this.encodeCache = sharedCache;
      this.ownsEncodeCache = false;
    } else {
      this.encodeCache = new PlaintextCache(context, encodeCacheBytes);
      this.ownsEncodeCache = true;
    }
    this.encoder = new CkksEncoder(context);
  }

  /** This JVM's backend ({@link BackendSelection#current()}, resolved: CPU or CUDA). */
  private static Backend selectedBackend() {
    return BackendSelection.current().resolved();
  }

  private static Backend resolve(Backend requested) {
    Objects.requireNonNull(requested, "backend");
    if (requested == Backend.CPU) {
      return Backend.CPU;
    }
    return BackendSelection.resolve(requested, org.cipherformer.he.CudaSupport.INSTANCE,
        line -> System.getLogger(CkksBackend.class.getName()).log(System.Logger.Level.INFO, line)).resolved();
  }

  /** Where this backend evaluates: {@code CPU} (host ciphertexts) or {@code CUDA} (device-resident ciphertexts). */
  public Backend backend() {
    return backend;
  }

  /**
   * A backend in one process with its key holder (tests, local runs): keys for {@code steps} made by the holder, the
   * holder answering refreshes, the holder's context shared.
   */
  public static CkksBackend inProcess(CkksKeyHolder holder, SortedSet<Integer> steps) {
    return new CkksBackend(holder.parameters(), holder.context(), holder.generateEvaluationKeys(steps), holder);
  }

  /** The parameter set. */
  public CkksParameters parameters() {
    return parameters;
  }

  /** The mask bound R of refreshes. */
  public double maskBound() {
    return maskBound;
  }

  /** {@value #ENCODE_CACHE_BYTES_PROPERTY} if set, else {@link #DEFAULT_ENCODE_CACHE_BYTES}. */
  static long defaultEncodeCacheBytes() {
    String v = System.getProperty(ENCODE_CACHE_BYTES_PROPERTY);
    if (v == null || v.isBlank()) {
      return DEFAULT_ENCODE_CACHE_BYTES;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          ENCODE_CACHE_BYTES_PROPERTY + " must be a number of bytes, got '" + v + "'", e);
    }
  }

  /**
   * Plain operands ({@code addPlain}, {@code mulPlain}, {@code mulPlainSum}) whose encoding came from the encode
   * cache (a shared cache: of all its backends). The cache keys an array by identity at a level and scale, guarded by a fingerprint of its content (an
   * array changed in place is re-encoded); callers should not mutate arrays they pass. See {@link PlaintextCache}.
   */
  public long encodeCacheHits() {
    return encodeCache.hits();
  }

  /** Plain operands that were encoded (not in the cache, or changed since they were cached). */
  public long encodeCacheMisses() {
    return encodeCache.misses();
  }

  /** Cached arrays found changed in place since they were cached (re-encoded; included in the misses). */
  public long encodeCacheStaleHits() {
    return encodeCache.staleHits();
  }

  /** Cache entries freed to stay within the bound. */
  public long encodeCacheEvictions() {
    return encodeCache.evictions();
  }

  /** Native bytes the encode cache holds now. */
  public long encodeCacheBytes() {
    return encodeCache.bytes();
  }

  /** The bound on {@link #encodeCacheBytes()}. */
  public long encodeCacheByteBound() {
    return encodeCache.byteBound();
  }

  /**
   * Takes ownership of a ciphertext made elsewhere (the client's encryption) as a live value. On the CUDA backend
   * the value is a device copy and {@code fresh} is closed (the upload boundary); use the returned value.
   *
   * @throws IllegalArgumentException if it belongs to other parameters, or its level is above the top level or its
   *     scale is not the canonical scale of its level
   */
  public Ciphertext input(Ciphertext fresh) {
    Objects.requireNonNull(fresh, "fresh");
    check(fresh);
    if (!fresh.context().parameters().equals(context.parameters())) {
      throw new IllegalArgumentException("input ciphertext belongs to other parameters than " + context);
    }
    int level = fresh.level();
    if (level > parameters.topLevel() || fresh.size() != 2) {
      throw new IllegalArgumentException("input ciphertext has level " + level + " and size " + fresh.size()
          + "; expected size 2 at level <= " + parameters.topLevel());
    }
    if (!sameScale(fresh.scale(), parameters.scale(level))) {
      throw new IllegalArgumentException("input ciphertext has scale " + fresh.scale() + "; level " + level
          + " needs the canonical scale " + parameters.scale(level));
    }
    return created(engine.input(fresh));
  }

  @Override
  public int slotCount() {
    return parameters.slotCount();
  }

  @Override
  public int topLevel() {
    return parameters.topLevel();
  }

  @Override
  public int refreshFloor() {
    return parameters.refreshFloor();
  }

  @Override
  public int level(Ciphertext a) {
    check(a);
    return a.level();
  }

  @Override
  public Ciphertext add(Ciphertext a, Ciphertext b) {
    return addOrSub(a, b, true);
  }

  @Override
  public Ciphertext sub(Ciphertext a, Ciphertext b) {
    return addOrSub(a, b, false);
  }

  private Ciphertext addOrSub(Ciphertext a, Ciphertext b, boolean add) {
    Aligned p = align(a, b);
    try {
      long t = System.nanoTime();
      Ciphertext r = add ? engine.add(p.a, p.b) : engine.sub(p.a, p.b);
      stats.record(OpKind.ADD, 1, System.nanoTime() - t);
      return created(r);
    } finally {
      p.close();
    }
  }

  @Override
  public Ciphertext negate(Ciphertext a) {
    check(a);
    long t = System.nanoTime();
    Ciphertext r = engine.negate(a);
    stats.record(OpKind.ADD, 1, System.nanoTime() - t);
    return created(r);
  }

  @Override
  public Ciphertext addPlain(Ciphertext a, double[] values) {
    check(a);
    checkPlain(values);
    try (PlaintextCache.Encoded p = encodePlain(values, a.level(), a.scale())) {
      long t2 = System.nanoTime();
      Ciphertext r = engine.addPlain(a, p.plain());
      stats.record(OpKind.ADD, 1, System.nanoTime() - t2);
      return created(r);
    }
  }

  @Override
  public Ciphertext addConst(Ciphertext a, double c) {
    check(a);
    long t = System.nanoTime();
    try (Plaintext p = encoder.encode(c, a.level(), a.scale())) {
      long t2 = System.nanoTime();
      stats.record(OpKind.ENCODE, 1, t2 - t);
      Ciphertext r = engine.addPlain(a, p);
      stats.record(OpKind.ADD, 1, System.nanoTime() - t2);
      return created(r);
    }
  }

  @Override
  public Ciphertext mulPlain(Ciphertext a, double[] values) {
    check(a);
    checkPlain(values);
    int level = consume(a.level(), "mulPlain");
    Ciphertext r;
    try (PlaintextCache.Encoded p = encodePlain(values, level, parameters.scale(level))) {
      r = multiplyPlain(a, p.plain(), level);
    }
    return created(rescale(r, level));
  }

  @Override
  public Ciphertext mulConst(Ciphertext a, double c) {
    check(a);
    int level = consume(a.level(), "mulConst");
    Ciphertext r;
    try (Plaintext p = encodeConst(c, level)) {
      r = multiplyPlain(a, p, level);
    }
    return created(rescale(r, level));
  }

  /**
   * {@code sum_i xs_i * plains_i} with one rescaling. Each operand is encoded at the lowest input level l with scale
   * {@code Delta_l} (from the encode cache when possible), each product (scale {@code Delta_l^2}, not rescaled) is
   * added into one accumulator, and the sum is rescaled once by {@code q_l}: scale {@code Delta_l^2 / q_l =
   * Delta_{l-1}}, exactly the canonical scale, as for {@link #mulPlain}. Inputs above level l are dropped first
   * (temporaries). A zero operand is handled as in {@link #mulPlain}; a sum that cancels exactly to a transparent
   * ciphertext throws {@link IllegalStateException} like {@code sub(a, a)}.
   */
  @Override
  public Ciphertext mulPlainSum(List<Ciphertext> xs, List<double[]> plains) {
    Objects.requireNonNull(plains, "plains");
    int level = sumLevel(xs, plains.size(), "mulPlainSum");
    for (double[] p : plains) {
      checkPlain(p);
    }
    double scale = parameters.scale(level);
    return weightedSum(xs, level, j -> encodePlain(plains.get(j), level, scale));
  }

  /** {@code sum_i xs_i * consts[i]} with one rescaling; as {@link #mulPlainSum} with constant operands. */
  @Override
  public Ciphertext mulConstSum(List<Ciphertext> xs, double[] consts) {
    Objects.requireNonNull(consts, "consts");
    int level = sumLevel(xs, consts.length, "mulConstSum");
    return weightedSum(xs, level, j -> PlaintextCache.Encoded.owned(encodeConst(consts[j], level)));
  }

  /** The lowest level of {@code xs} (checked: live values, one operand each, at least one, level >= 1). */
  private int sumLevel(List<Ciphertext> xs, int terms, String op) {
    Objects.requireNonNull(xs, "xs");
    if (xs.isEmpty() || xs.size() != terms) {
      throw new IllegalArgumentException(op + " needs one operand per value and at least one value, got "
          + xs.size() + " values and " + terms + " operands");
    }
    int level = Integer.MAX_VALUE;
    for (Ciphertext x : xs) {
      check(x);
      level = Math.min(level, x.level());
    }
    return consume(level, op);
  }

  /**
   * {@code sum_j xs_j * operand(j)} at {@code level} (operands at scale Delta_level), rescaled once. Each operand is
   * made right before its product, so an encode-cache eviction cannot free one still in use.
   */
  private Ciphertext weightedSum(
      List<Ciphertext> xs, int level, java.util.function.IntFunction<PlaintextCache.Encoded> operand) {
    Ciphertext acc = null;
    try {
      for (int j = 0; j < xs.size(); j++) {
        Ciphertext x = xs.get(j);
        Ciphertext aligned = x.level() > level ? drop(x, level) : x;
        Ciphertext product;
        try (PlaintextCache.Encoded p = operand.apply(j)) {
          product = multiplyPlain(aligned, p.plain(), level);
        } finally {
          if (aligned != x) {
            aligned.close();
          }
        }
        if (acc == null) {
          acc = product;
        } else {
          try {
            long t = System.nanoTime();
            engine.addInplace(acc, product);
            stats.record(OpKind.ADD, 1, System.nanoTime() - t);
          } finally {
            product.close();
          }
        }
      }
    } catch (RuntimeException e) {
      if (acc != null) {
        acc.close();
      }
      throw e;
    }
    return created(rescale(acc, level));
  }

  /** The encoding of {@code values} at {@code level} and {@code scale} via the encode cache; one ENCODE (timed). */
  private PlaintextCache.Encoded encodePlain(double[] values, int level, double scale) {
    long t = System.nanoTime();
    PlaintextCache.Encoded p = encodeCache.get(values, level, scale);
    stats.record(OpKind.ENCODE, 1, System.nanoTime() - t);
    return p;
  }

  /** The constant {@code c} at {@code level} with scale Delta_level; one ENCODE (timed; not cached: no FFT). */
  private Plaintext encodeConst(double c, int level) {
    long t = System.nanoTime();
    Plaintext p = encoder.encode(c, level, parameters.scale(level));
    stats.record(OpKind.ENCODE, 1, System.nanoTime() - t);
    return p;
  }

  /**
   * {@code a * p} (p at {@code level} with scale Delta_level; not closed here), not rescaled; one MUL_PLAIN. A zero
   * plaintext would make a transparent product (SEAL refuses it): then the constant polynomial 1 is used instead
   * (decrypts to m / Delta_level, below the noise).
   */
  private Ciphertext multiplyPlain(Ciphertext a, Plaintext p, int level) {
    Ciphertext r;
    long t = System.nanoTime();
    try {
      r = engine.multiplyPlain(a, p);
    } catch (IllegalStateException e) {
      if (e.getMessage() == null || !e.getMessage().contains("transparent")) {
        throw e;
      }
      try (Plaintext one = encoder.encode(1.0 / parameters.scale(level), level, parameters.scale(level))) {
        r = engine.multiplyPlain(a, one);
      }
    }
    stats.record(OpKind.MUL_PLAIN, 1, System.nanoTime() - t);
    return r;
  }

  @Override
  public Ciphertext mul(Ciphertext a, Ciphertext b) {
    check(a);
    check(b);
    int level = consume(Math.min(a.level(), b.level()), "mul");
    Aligned p = align(a, b);
    Ciphertext r;
    try {
      long t = System.nanoTime();
      r = p.a == p.b ? engine.square(p.a) : engine.multiply(p.a, p.b);
      stats.record(OpKind.MUL, 1, System.nanoTime() - t);
    } finally {
      p.close();
    }
    try {
      long t = System.nanoTime();
      engine.relinearizeInplace(r);
      stats.record(OpKind.RELINEARIZE, 1, System.nanoTime() - t);
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
    return created(rescale(r, level));
  }

  @Override
  public Ciphertext square(Ciphertext a) {
    return mul(a, a);
  }

  /** Rescales r in place (closing it on failure); the result is at {@code level - 1} with scale Delta_{level-1}. */
  private Ciphertext rescale(Ciphertext r, int level) {
    try {
      long t = System.nanoTime();
      engine.rescaleToNextInplace(r);
      stats.record(OpKind.RESCALE, 1, System.nanoTime() - t);
      // Canonical scales are computed with the very expression rescale uses, so this holds exactly.
      assert r.scale() == parameters.scale(level - 1) : r.scale() + " vs " + parameters.scale(level - 1);
      return r;
    } catch (RuntimeException | AssertionError e) {
      r.close();
      throw e;
    }
  }

  @Override
  public Ciphertext rotate(Ciphertext a, int steps) {
    check(a);
    if (Math.floorMod(steps, slotCount()) == 0) {
      return created(a.copy());
    }
    requireKey(steps);
    long t = System.nanoTime();
    Ciphertext r = engine.rotateVector(a, steps);
    stats.record(OpKind.ROTATE, 1, System.nanoTime() - t);
    stats.recordRotationStep(steps);
    return created(r);
  }

  @Override
  public List<Ciphertext> rotateHoisted(Ciphertext a, int[] steps) {
    check(a);
    Objects.requireNonNull(steps, "steps");
    int[] nativeSteps = new int[steps.length];
    int rotations = 0;
    for (int j = 0; j < steps.length; j++) {
      if (Math.floorMod(steps[j], slotCount()) != 0) {
        requireKey(steps[j]);
        nativeSteps[j] = steps[j];
        rotations++;
      }
    }
    List<Ciphertext> out = new ArrayList<>(steps.length);
    if (rotations == 0) {
      for (int j = 0; j < steps.length; j++) {
        out.add(created(a.copy()));
      }
      return out;
    }
    long t = System.nanoTime();
    Ciphertext[] r = engine.rotateHoisted(a, nativeSteps);
    stats.record(OpKind.ROTATE, rotations, System.nanoTime() - t);
    for (int j = 0; j < steps.length; j++) {
      if (nativeSteps[j] != 0) {
        stats.recordRotationStep(steps[j]);
      }
      out.add(created(r[j]));
    }
    return out;
  }

  private void requireKey(int steps) {
    int slots = slotCount();
    if (steps <= -slots || steps >= slots) {
      throw new IllegalArgumentException(
          "rotation step " + steps + " outside (-" + slots + ", " + slots + "); reduce it modulo " + slots);
    }
    int element = GaloisKeys.galoisElementFromStep(context, steps);
    if (!galoisElements.contains(element)) {
      throw new IllegalArgumentException("no Galois key for rotation step " + steps + " (Galois element " + element
          + "); the client made keys for steps " + keys.steps());
    }
  }

  @Override
  public Ciphertext dropToLevel(Ciphertext a, int level) {
    check(a);
    if (level > a.level() || level < 0) {
      throw new IllegalArgumentException("cannot drop a level-" + a.level() + " value to level " + level);
    }
    if (level == a.level()) {
      return created(a.copy());
    }
    return created(drop(a, level));
  }

  /** a at {@code level < level(a)} with scale exactly Delta_level; one DROP. */
  private Ciphertext drop(Ciphertext a, int level) {
    long t = System.nanoTime();
    int above = level + 1;
    Ciphertext r = a.level() > above ? engine.modSwitchTo(a, context.parmsId(above)) : a.copy();
    try {
      double constantScale = parameters.scale(level) * (double) parameters.prime(above) / a.scale();
      try (Plaintext one = encoder.encode(1.0, above, constantScale)) {
        engine.multiplyPlainInplace(r, one);
      }
      engine.rescaleToNextInplace(r);
      // (scale(a) * constantScale) / q_{level+1} equals Delta_level up to a few ulp; make it exact.
      r.setScale(parameters.scale(level));
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
    stats.record(OpKind.DROP, 1, System.nanoTime() - t);
    return r;
  }

  /** Two operands at the same level; temporaries made by dropping are closed by {@link #close()}. */
  private static final class Aligned implements AutoCloseable {
    final Ciphertext a;
    final Ciphertext b;
    final Ciphertext temporary;

    Aligned(Ciphertext a, Ciphertext b, Ciphertext temporary) {
      this.a = a;
      this.b = b;
      this.temporary = temporary;
    }

    @Override
    public void close() {
      if (temporary != null) {
        temporary.close();
      }
    }
  }

  private Aligned align(Ciphertext a, Ciphertext b) {
    check(a);
    check(b);
    int la = a.level();
    int lb = b.level();
    if (la == lb) {
      return new Aligned(a, b, null);
    }
    if (la > lb) {
      Ciphertext d = drop(a, lb);
      return new Aligned(d, b, d);
    }
    Ciphertext d = drop(b, la);
    return new Aligned(a, d, d);
  }

  /**
   * Client-aided refresh in one round trip. For each value: modulus switch to the refresh floor (the scale is kept;
   * fewer primes to send), add a fresh mask {@code r} (each slot uniform in {@code [-R, R]}, {@link SecureRandom},
   * encoded at the value's level and scale), serialize (SEAL 4.1 format). The key holder returns fresh top-level
   * encryptions of {@code m + r}; the mask encoded at the top level with {@code Delta_top} is subtracted.
   *
   * <p>Counts: one {@link OpKind#REFRESH_ROUND} (timed: the client round trip including its serialization) and one
   * {@link OpKind#REFRESH} per value (timed: the server's masking and unmasking); bytes both ways.
   *
   * @throws OutOfLevelsException if a value is below the refresh floor (nothing is sent)
   * @throws IllegalArgumentException if the client's reply is malformed (wrong count, not a ciphertext of these
   *     parameters, not at the top level with the canonical scale)
   */
  @Override
  public List<Ciphertext> refresh(List<Ciphertext> values) {
    Objects.requireNonNull(values, "values");
    for (Ciphertext v : values) {
      check(v);
      if (v.level() < refreshFloor()) {
        throw new OutOfLevelsException(
            "cannot refresh a level-" + v.level() + " value: the refresh floor is level " + refreshFloor());
      }
    }
    long serverNanos = 0;
    long bytes = 0;
    long t = System.nanoTime();
    List<double[]> masks = new ArrayList<>(values.size());
    List<byte[]> sent = new ArrayList<>(values.size());
    for (Ciphertext v : values) {
      double[] mask = drawMask();
      masks.add(mask);
      try (Ciphertext masked = v.level() > refreshFloor()
              ? engine.modSwitchTo(v, context.parmsId(refreshFloor()))
              : v.copy();
          Plaintext p = encoder.encode(mask, refreshFloor(), v.scale())) {
        engine.addPlainInplace(masked, p);
        byte[] b = masked.save(SEND_COMPRESSION);
        bytes += b.length;
        sent.add(b);
      }
    }
    long t2 = System.nanoTime();
    serverNanos += t2 - t;
    List<byte[]> replies = client.refresh(sent);
    long roundNanos = System.nanoTime() - t2;
    t = System.nanoTime();
    if (replies == null || replies.size() != values.size()) {
      throw new IllegalArgumentException("refresh client returned " + (replies == null ? "null" : replies.size())
          + " ciphertexts for " + values.size());
    }
    int top = topLevel();
    double topScale = parameters.scale(top);
    List<Ciphertext> out = new ArrayList<>(values.size());
    try {
      for (int i = 0; i < replies.size(); i++) {
        byte[] b = replies.get(i);
        if (b == null) {
          throw new IllegalArgumentException("refresh reply " + i + " is null");
        }
        bytes += b.length;
        Ciphertext loaded;
        try {
          loaded = Ciphertext.load(context, b);
        } catch (SealFormatException e) {
          throw new IllegalArgumentException("refresh reply " + i + " is not a valid ciphertext: " + e.getMessage(),
              e);
        }
        Ciphertext fresh;
        try {
          fresh = engine.input(loaded); // the upload boundary on the GPU (closes loaded), loaded itself on the CPU
        } catch (RuntimeException e) {
          loaded.close();
          throw e;
        }
        out.add(fresh);
        if (fresh.level() != top || fresh.size() != 2 || !sameScale(fresh.scale(), topScale)) {
          throw new IllegalArgumentException("refresh reply " + i + " has level " + fresh.level() + ", size "
              + fresh.size() + ", scale " + fresh.scale() + "; expected size 2 at level " + top + " with scale "
              + topScale);
        }
        try (Plaintext p = encoder.encode(masks.get(i), top, topScale)) {
          engine.subPlainInplace(fresh, p);
        }
      }
    } catch (RuntimeException e) {
      out.forEach(Ciphertext::close);
      throw e;
    }
    out.forEach(this::created);
    serverNanos += System.nanoTime() - t;
    stats.record(OpKind.REFRESH_ROUND, 1, roundNanos);
    stats.record(OpKind.REFRESH, values.size(), serverNanos);
    stats.recordRefreshBytes(bytes);
    return out;
  }

  /** One mask: every slot uniform in [-R, R] (53 random bits per slot from one SecureRandom call). */
  private double[] drawMask() {
    int slots = slotCount();
    byte[] bits = new byte[8 * slots];
    random.nextBytes(bits);
    double[] mask = new double[slots];
    for (int i = 0; i < slots; i++) {
      long w = 0;
      for (int k = 0; k < 8; k++) {
        w = (w << 8) | (bits[8 * i + k] & 0xff);
      }
      double u = (w >>> 11) * 0x1.0p-53; // uniform in [0, 1)
      mask[i] = maskBound * (2 * u - 1);
    }
    return mask;
  }

  @Override
  public Ciphertext copy(Ciphertext a) {
    check(a);
    return created(a.copy());
  }

  @Override
  public void release(Ciphertext a) {
    if (a == null || a.isClosed()) {
      return;
    }
    a.close();
    if (live.remove(a)) {
      stats.valueReleased();
    }
  }

  @Override
  public OpStats stats() {
    return stats;
  }

  /**
   * Frees the evaluation keys, encoder, evaluator and its own encode cache (not a shared cache, not the context, not
   * the values).
   */
  @Override
  public void close() {
    if (ownsEncodeCache) {
      encodeCache.close();
    }
    engine.close();
    encoder.close();
    keys.close();
  }

  private Ciphertext created(Ciphertext c) {
    live.add(c);
    stats.valueCreated();
    return c;
  }

  private static void check(Ciphertext a) {
    Objects.requireNonNull(a, "value");
    if (a.isClosed()) {
      throw new IllegalStateException("value used after release");
    }
  }

  private void checkPlain(double[] values) {
    Objects.requireNonNull(values, "values");
    if (values.length > slotCount()) {
      throw new IllegalArgumentException(
          "plain operand has " + values.length + " values, a value has " + slotCount() + " slots");
    }
  }

  private static int consume(int level, String op) {
    if (level < 1) {
      throw new OutOfLevelsException(op + " needs a level, the value is at level " + level);
    }
    return level;
  }

  /** SEAL's are_same_scale: equal up to one double epsilon relative. */
  private static boolean sameScale(double a, double b) {
    return Math.abs(a - b) < Math.ulp(1.0) * Math.max(Math.max(Math.abs(a), Math.abs(b)), 1.0);
  }
}
