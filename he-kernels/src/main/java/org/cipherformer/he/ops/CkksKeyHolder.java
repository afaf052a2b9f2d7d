package org.cipherformer.he.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.CkksContext;
import org.cipherformer.he.CkksEncoder;
import org.cipherformer.he.Decryptor;
import org.cipherformer.he.Encryptor;
import org.cipherformer.he.GaloisKeys;
import org.cipherformer.he.KeyGenerator;
import org.cipherformer.he.NoiseFlooding;
import org.cipherformer.he.Plaintext;
import org.cipherformer.he.RelinKeys;
import org.cipherformer.he.SecretKey;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.SealFormatException;

/**
 * The client side of CKKS inference: owns the secret key (ternary, from the OS CSPRNG), makes the evaluation keys the
 * server needs, encrypts inputs, decrypts outputs and answers client-aided refreshes.
 *
 * <p><b>Refresh.</b> {@link #refresh} loads each masked ciphertext the server sent (validated like any untrusted SEAL
 * object), decrypts it, decodes the real parts of all slots ({@code m + r}: the value plus the server's mask), encodes
 * them again at the top level with scale {@code Delta_top} and encrypts them symmetrically with a seed (SEAL's compact
 * form: {@code c_1} travels as its 64-byte seed, half the bytes). It returns fresh encryptions only, never a decrypted
 * value. The imaginary parts, which carry only CKKS noise, are dropped.
 *
 * <p>Counts its refresh rounds, values, bytes (in and out) and time. Not thread-safe.
 */
public final class CkksKeyHolder implements RefreshClient, AutoCloseable {
  private final CkksParameters parameters;
  private final CkksContext context;
  private final KeyGenerator keyGenerator;
  private final SecretKey secretKey;
  private final CkksEncoder encoder;
  private final Encryptor encryptor;
  private final Decryptor decryptor;
  private final ComprMode replyCompression;
  private long refreshRounds;
  private long refreshedValues;
  private long bytesIn;
  private long bytesOut;
  private long refreshNanos;

  /**
   * A key holder with a fresh secret key; replies to refreshes with zstd compression (SEAL's default: a seeded
   * top-level ciphertext at n16384 shrinks from 1.18 to 0.91 MB for about 40 ms more).
   */
  public CkksKeyHolder(CkksParameters parameters) {
    this(parameters, ComprMode.ZSTD);
  }

  /**
   * A key holder with a fresh secret key.
   *
   * @param parameters       the parameter set (the server must use the same)
   * @param replyCompression compression of the ciphertexts returned by {@link #refresh}
   */
  public CkksKeyHolder(CkksParameters parameters, ComprMode replyCompression) {
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.replyCompression = Objects.requireNonNull(replyCompression, "replyCompression");
    this.context = parameters.createContext();
    this.keyGenerator = new KeyGenerator(context);
    this.secretKey = keyGenerator.secretKey();
    this.encoder = new CkksEncoder(context);
    this.encryptor = new Encryptor(context, secretKey);
    this.decryptor = new Decryptor(context, secretKey);
  }

  /** The parameter set. */
  public CkksParameters parameters() {
    return parameters;
  }

  /** The key holder's context (an in-process server may share it). */
  public CkksContext context() {
    return context;
  }

  /**
   * The relinearization key and one Galois key per step, both seeded.
   *
   * @param steps rotation steps (SEAL's rotate_vector convention), each in {@code (-slots, slots)}, not 0
   * @throws IllegalArgumentException naming the step if one is 0 or out of range
   */
  public EvaluationKeys generateEvaluationKeys(SortedSet<Integer> steps) {
    Objects.requireNonNull(steps, "steps");
    int slots = parameters.slotCount();
    int[] array = new int[steps.size()];
    int i = 0;
    for (int s : steps) {
      if (s == 0 || s <= -slots || s >= slots) {
        throw new IllegalArgumentException(
            "rotation step " + s + " is not a nonzero step in (-" + slots + ", " + slots + ")");
      }
      array[i++] = s;
    }
    RelinKeys relin = keyGenerator.createRelinKeysSeeded();
    try {
      GaloisKeys galois = keyGenerator.createGaloisKeysSeeded(array);
      return new EvaluationKeys(relin, galois, steps);
    } catch (RuntimeException e) {
      relin.close();
      throw e;
    }
  }

  /**
   * Encrypts up to {@code slots} values at the top level with scale {@code Delta_top} (symmetric, seeded).
   *
   * @throws IllegalArgumentException naming the value if there are too many values or one is not finite or too large
   */
  public Ciphertext encrypt(double[] values) {
    Objects.requireNonNull(values, "values");
    if (values.length > parameters.slotCount()) {
      throw new IllegalArgumentException(
          values.length + " values do not fit in " + parameters.slotCount() + " slots");
    }
    int top = parameters.topLevel();
    try (Plaintext p = encoder.encode(values, top, parameters.scale(top))) {
      return encryptor.encryptSymmetricSeeded(p);
    }
  }

  /**
   * The real parts of all slots of {@code ciphertext}, raw: {@code m + e}, whose noise e reveals the secret key to
   * anyone holding the ciphertext (Li–Micciancio). Use it for values that stay with the key holder; decrypt values
   * that will be released with {@link #decrypt(Ciphertext, double)}.
   */
  public double[] decrypt(Ciphertext ciphertext) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    try (Plaintext p = decryptor.decrypt(ciphertext)) {
      return encoder.decode(p);
    }
  }

  /**
   * The real parts of all slots of {@code ciphertext}, with noise flooding for release: a fresh discrete Gaussian is
   * added to the decrypted polynomial (see {@link NoiseFlooding}) with the coefficient width that gives each decoded
   * value a Gaussian error of standard deviation {@code slotStd} at this ciphertext's scale
   * ({@code sigma = slotStd * scale / sqrt(N / 2)}).
   *
   * @param slotStd the standard deviation added to each value; 0 decrypts raw (as {@link #decrypt(Ciphertext)})
   * @throws IllegalArgumentException naming slotStd if it is negative or not finite, or so large that the flooding
   *     would not fit the ciphertext's modulus
   */
  public double[] decrypt(Ciphertext ciphertext, double slotStd) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    if (!(slotStd >= 0) || Double.isInfinite(slotStd)) {
      throw new IllegalArgumentException("flooding std must be >= 0 and finite, got " + slotStd);
    }
    if (slotStd == 0) {
      return decrypt(ciphertext);
    }
    double sigma = NoiseFlooding.sigmaForSlotStandardDeviation(
        slotStd, context.polyModulusDegree(), ciphertext.scale());
    try (Plaintext p = decryptor.decrypt(ciphertext)) {
      NoiseFlooding.addInPlace(p, sigma);
      return encoder.decode(p);
    }
  }

  /**
   * Answers one refresh round: every masked ciphertext comes back as a fresh top-level encryption of its decoded real
   * parts.
   *
   * @throws IllegalArgumentException if an element is not a valid SEAL ciphertext for these parameters (naming its
   *     index and the reason) or its values cannot be encoded at the top level
   */
  @Override
  public List<byte[]> refresh(List<byte[]> maskedCiphertexts) {
    Objects.requireNonNull(maskedCiphertexts, "maskedCiphertexts");
    long start = System.nanoTime();
    List<byte[]> out = new ArrayList<>(maskedCiphertexts.size());
    int top = parameters.topLevel();
    double scale = parameters.scale(top);
    for (int i = 0; i < maskedCiphertexts.size(); i++) {
      byte[] bytes = Objects.requireNonNull(maskedCiphertexts.get(i), "maskedCiphertexts[" + i + "]");
      bytesIn += bytes.length;
      double[] values;
      try (Ciphertext masked = Ciphertext.load(context, bytes)) {
        values = decrypt(masked);
      } catch (SealFormatException e) {
        throw new IllegalArgumentException("refresh ciphertext " + i + " is not valid: " + e.getMessage(), e);
      }
      try (Plaintext p = encoder.encode(values, top, scale);
          Ciphertext fresh = encryptor.encryptSymmetricSeeded(p)) {
        byte[] reply = fresh.save(replyCompression);
        bytesOut += reply.length;
        out.add(reply);
      }
    }
    refreshRounds++;
    refreshedValues += maskedCiphertexts.size();
    refreshNanos += System.nanoTime() - start;
    return out;
  }

  /** Refresh rounds answered. */
  public long refreshRounds() {
    return refreshRounds;
  }

  /** Ciphertexts refreshed. */
  public long refreshedValues() {
    return refreshedValues;
  }

  /** Bytes received in refreshes. */
  public long refreshBytesIn() {
    return bytesIn;
  }

  /** Bytes sent in refresh replies. */
  public long refreshBytesOut() {
    return bytesOut;
  }

  /** Time spent answering refreshes, in nanoseconds. */
  public long refreshNanos() {
    return refreshNanos;
  }

  /** Frees the keys (the secret key first) and the context. */
  @Override
  public void close() {
    decryptor.close();
    encryptor.close();
    secretKey.close();
    keyGenerator.close();
    encoder.close();
    context.close();
  }
}
