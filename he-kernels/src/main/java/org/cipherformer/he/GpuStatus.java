package org.cipherformer.he;

import java.util.Objects;

/**
 * What a {@link GpuProbe} found: whether the CUDA backend can run here, and a one-line detail (the device, or why
 * not).
 *
 * @param usable true iff the native library has the CUDA backend and sees at least one CUDA device
 * @param detail the device ("NVIDIA H200, sm_90, 139 GiB, 1 device(s)") or the reason it is not usable
 */
public record GpuStatus(boolean usable, String detail) {
  public GpuStatus {
    Objects.requireNonNull(detail, "detail");
  }
}
