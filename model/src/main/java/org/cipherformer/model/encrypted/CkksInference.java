package org.cipherformer.model.encrypted;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.ops.CkksBackend;
import org.cipherformer.he.ops.CkksKeyHolder;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.he.ops.EvaluationKeys;
import org.cipherformer.he.ops.OpStats;

/**
 * The executor, in one process: a key holder (the client: secret key, encryption, decryption, refresh answers) and a
 * CKKS backend (the server: evaluation keys for exactly the plan's rotation steps) running the transformer program.
 * The client makes the relinearization key and one Galois key per step of {@link ExecutionPlan#rotationSteps()},
 * encrypts the packed input at the top level, the server runs the program and answers each refresh round through
 * the key holder, the client decrypts the outputs. Client and server work are timed separately.
 *
 * <p>The backend's {@link OpStats} accumulate over all runs of one instance (per-kind and per-section times).
 */
public final class CkksInference implements AutoCloseable {
  /** Wall times of one run, in nanoseconds. */
  public record Timings(long encryptNanos, long evaluateNanos, long clientRefreshNanos, long decryptNanos) {
    /** Server time: evaluation minus the key holder's refresh work (which runs inside it in-process). */
    public long serverNanos() {
      return evaluateNanos - clientRefreshNanos;
    }
  }

  /**
   * One run's outputs and costs.
   *
   * @param outputs  decrypted output slot vectors (see {@link EncryptedTransformer#run})
   * @param sections level at each section boundary
   * @param rounds   refresh rounds of the run
   * @param timings  wall times
   * @param inputBytes  the client's input ciphertext as uploaded (SEAL format, seeded, {@link #WIRE_COMPRESSION})
   * @param outputBytes the output ciphertexts as downloaded (SEAL format, {@link #WIRE_COMPRESSION}), together
   */
  public record Outcome(List<double[]> outputs, List<SectionLevels> sections, List<RefreshRound> rounds,
                        Timings timings, long inputBytes, long outputBytes) {
  }

  /** Compression of what crosses the wire (keys, input and output ciphertexts), as for refreshes. */
  public static final ComprMode WIRE_COMPRESSION = ComprMode.ZSTD;

  private final EncryptedTransformer program;
  private final CkksKeyHolder holder;
  private final CkksBackend backend;
  private final EvaluationKeys keys;
  private final long keyGenerationNanos;
  private final SortedSet<Integer> steps;

  private CkksInference(EncryptedTransformer program, CkksKeyHolder holder, CkksBackend backend, EvaluationKeys keys,
                        long keyNanos, SortedSet<Integer> steps) {
    this.program = program;
    this.holder = holder;
    this.backend = backend;
    this.keys = keys;
    this.keyGenerationNanos = keyNanos;
    this.steps = steps;
  }

  /**
   * Makes a secret key, the evaluation keys for {@code steps} and the backend.
   *
   * @param program    the laid-out model (its slot count must be the parameters')
   * @param parameters CKKS parameters
   * @param steps      the rotation steps of the program's plan
   * @return the executor (close it: it holds native keys)
   */
  public static CkksInference create(EncryptedTransformer program, CkksParameters parameters,
                                     SortedSet<Integer> steps) {
    if (parameters.slotCount() != program.layout().slotCount()) {
      throw new IllegalArgumentException("parameters have " + parameters.slotCount() + " slots, the layout "
          + program.layout().slotCount());
    }
    CkksKeyHolder holder = new CkksKeyHolder(parameters);
    try {
      long t0 = System.nanoTime();
      EvaluationKeys keys = holder.generateEvaluationKeys(steps);
      long keyNanos = System.nanoTime() - t0;
      CkksBackend backend;
      try {
        backend = new CkksBackend(holder.parameters(), holder.context(), keys, holder);
      } catch (RuntimeException e) {
        keys.close();
        throw e;
      }
      return new CkksInference(program, holder, backend, keys, keyNanos, steps);
    } catch (RuntimeException e) {
      holder.close();
      throw e;
    }
  }

  /**
   * Plans the program on the simulated backend (for its rotation steps) and makes the executor.
   *
   * @param program    the laid-out model
   * @param parameters CKKS parameters
   * @param sample     a packed sample input
   * @return the executor
   */
  public static CkksInference planned(EncryptedTransformer program, CkksParameters parameters, double[] sample) {
    ExecutionPlan plan = PlanCompiler.compile(program, PlanPreset.of(parameters), sample).plan();
    return create(program, parameters, plan.rotationSteps());
  }

  /**
   * Encrypts, runs, decrypts.
   *
   * @param packedInput the client's packed input ({@link InputPacker})
   * @return outputs and costs
   */
  public Outcome run(double[] packedInput) {
    return run(program, packedInput);
  }

  /**
   * Encrypts, runs another program with the same keys (e.g. another batch size of the same model), decrypts. The
   * program's rotation steps must be among {@link #steps()} (a missing Galois key fails the rotation).
   *
   * @param other       the program to run; its slot count must be the parameters'
   * @param packedInput its packed input
   * @return outputs and costs
   * @throws IllegalArgumentException if the program's slot count differs from the parameters'
   */
  public Outcome run(EncryptedTransformer other, double[] packedInput) {
    if (other.layout().slotCount() != holder.parameters().slotCount()) {
      throw new IllegalArgumentException("program layout has " + other.layout().slotCount()
          + " slots, the parameters " + holder.parameters().slotCount());
    }
    long t0 = System.nanoTime();
    Ciphertext fresh = holder.encrypt(packedInput);
    long t1 = System.nanoTime();
    // Serialized size only (not timed): what the client uploads.
    long inputBytes = fresh.save(WIRE_COMPRESSION).length;
    Ciphertext in = backend.input(fresh);
    RecordingBackend<Ciphertext> rec = new RecordingBackend<>(backend);
    long refreshBefore = holder.refreshNanos();
    long t2 = System.nanoTime();
    EncryptedTransformer.Result<Ciphertext> r;
    try {
      r = other.run(rec, in);
    } finally {
      backend.release(in);
    }
    long t3end = System.nanoTime();
    long clientRefresh = holder.refreshNanos() - refreshBefore;
    long outputBytes = 0;
    for (Ciphertext c : r.outputs()) {
      outputBytes += c.save(WIRE_COMPRESSION).length;
    }
    long t3 = System.nanoTime();
    List<double[]> outputs = new ArrayList<>();
    for (Ciphertext c : r.outputs()) {
      outputs.add(holder.decrypt(c));
      backend.release(c);
    }
    long t4 = System.nanoTime();
    return new Outcome(outputs, r.sections(), rec.rounds(),
        new Timings(t1 - t0, t3end - t2, clientRefresh, t4 - t3), inputBytes, outputBytes);
  }

  /** @return the server's operation counts and times (over all runs) */
  public OpStats stats() {
    return backend.stats();
  }

  /** @return time the key holder took to make the relinearization and Galois keys */
  public long keyGenerationNanos() {
    return keyGenerationNanos;
  }

  /** @return size of the relinearization key as uploaded (SEAL format, seeded, {@link #WIRE_COMPRESSION}) */
  public long relinKeyBytes() {
    return keys.relinKeyBytes(WIRE_COMPRESSION).length;
  }

  /** @return size of the Galois keys as uploaded (SEAL format, seeded, {@link #WIRE_COMPRESSION}) */
  public long galoisKeyBytes() {
    return keys.galoisKeyBytes(WIRE_COMPRESSION).length;
  }

  /** @return the rotation steps the keys were made for */
  public SortedSet<Integer> steps() {
    return steps;
  }

  /** @return the key holder (its refresh counters: rounds, values, bytes, time) */
  public CkksKeyHolder keyHolder() {
    return holder;
  }

  /** @return the program */
  public EncryptedTransformer program() {
    return program;
  }

  @Override
  public void close() {
    try {
      backend.close();
    } finally {
      holder.close();
    }
  }
}
