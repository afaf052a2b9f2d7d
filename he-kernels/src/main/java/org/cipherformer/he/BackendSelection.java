package org.cipherformer.he;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * The run-time choice of the kernel backend: {@code cpu}, {@code cuda} or {@code auto}, from the system property
 * {@value #PROPERTY} (default {@code cpu}, so nothing changes unless asked).
 *
 * <ul>
 *   <li>{@code cpu}: the CPU engine; the GPU is not probed at all.
 *   <li>{@code cuda}: the CUDA backend; if it cannot run (library built without CUDA, no driver, no device),
 *       {@link #resolve} throws {@link BackendUnavailableException} with the reason instead of silently running on
 *       the CPU.
 *   <li>{@code auto}: CUDA when usable, else the CPU, with exactly one log line that says so and why.
 * </ul>
 *
 * <p>What it routes (docs/cuda.md): {@code CkksBackend}, the backend the encrypted transformer runs on, evaluates on
 * the GPU through {@link CudaEvaluator} when the selection resolves to {@code cuda}, with every value resident in
 * device memory; the results are byte-identical to the CPU engine's. The plain {@link Evaluator} always runs on the
 * CPU.
 */
public final class BackendSelection {
  /** System property naming the backend: {@code cpu} (default), {@code cuda} or {@code auto}. */
  public static final String PROPERTY = "cipherformer.backend";

  private static final System.Logger LOG = System.getLogger(BackendSelection.class.getName());
  private static volatile BackendSelection current;

  private final Backend requested;
  private final Backend resolved;
  private final String detail;

  private BackendSelection(Backend requested, Backend resolved, String detail) {
    this.requested = requested;
    this.resolved = resolved;
    this.detail = detail;
  }

  /** What was asked for ({@code CPU}, {@code CUDA} or {@code AUTO}). */
  public Backend requested() {
    return requested;
  }

  /** What runs: {@code CPU} or {@code CUDA}, never {@code AUTO}. */
  public Backend resolved() {
    return resolved;
  }

  /** The GPU probe's detail (device or reason), or "not probed" when the CPU was requested. */
  public String detail() {
    return detail;
  }

  /**
   * Resolves a request against a probe.
   *
   * @param requested what was asked for
   * @param probe consulted only for {@code CUDA} and {@code AUTO}
   * @param log receives the single line written when {@code auto} falls back to the CPU or picks the GPU
   * @throws BackendUnavailableException if {@code CUDA} was requested and the probe says it is not usable
   */
  public static BackendSelection resolve(Backend requested, GpuProbe probe, Consumer<String> log) {
    Objects.requireNonNull(requested, "requested");
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(log, "log");
    if (requested == Backend.CPU) {
      return new BackendSelection(Backend.CPU, Backend.CPU, "not probed");
    }
    GpuStatus status = probe.probe();
    if (requested == Backend.CUDA) {
      if (!status.usable()) {
        throw new BackendUnavailableException(
            "backend cuda was requested (-D" + PROPERTY + "=cuda) but the CUDA backend cannot run: "
                + status.detail());
      }
      return new BackendSelection(Backend.CUDA, Backend.CUDA, status.detail());
    }
    if (status.usable()) {
      log.accept("cipherformer: backend auto -> cuda (" + status.detail() + ")");
      return new BackendSelection(Backend.AUTO, Backend.CUDA, status.detail());
    }
    log.accept("cipherformer: backend auto -> cpu, no usable GPU (" + status.detail() + ")");
    return new BackendSelection(Backend.AUTO, Backend.CPU, status.detail());
  }

  /**
   * Resolves the value of {@value #PROPERTY} (null or blank: {@code cpu}).
   *
   * @throws IllegalArgumentException naming the value if it is not cpu, cuda or auto
   * @throws BackendUnavailableException as {@link #resolve}
   */
  public static BackendSelection fromPropertyValue(String value, GpuProbe probe, Consumer<String> log) {
    Backend requested = value == null || value.isBlank() ? Backend.CPU : Backend.parse(value);
    return resolve(requested, probe, log);
  }

  /**
   * This JVM's selection: {@value #PROPERTY} resolved once with the real probe ({@link CudaSupport}), the log line
   * going to {@link System.Logger} at INFO.
   *
   * @throws IllegalArgumentException if the property has an unknown value
   * @throws BackendUnavailableException if it says {@code cuda} and CUDA cannot run
   */
  public static BackendSelection current() {
    BackendSelection selection = current;
    if (selection == null) {
      synchronized (BackendSelection.class) {
        selection = current;
        if (selection == null) {
          selection =
              fromPropertyValue(
                  System.getProperty(PROPERTY), CudaSupport.INSTANCE, line -> LOG.log(System.Logger.Level.INFO, line));
          current = selection;
        }
      }
    }
    return selection;
  }

  @Override
  public String toString() {
    return "backend " + requested.id() + " -> " + resolved.id() + " (" + detail + ")";
  }
}
