package org.cipherformer.he;

/** Finds out whether the CUDA backend is usable (injectable so that the backend choice is testable without a GPU). */
@FunctionalInterface
public interface GpuProbe {
  /** Probes once; never throws for a missing GPU, driver or CUDA build (that is a non-usable status). */
  GpuStatus probe();
}
