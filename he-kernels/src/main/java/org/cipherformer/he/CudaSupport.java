package org.cipherformer.he;

/**
 * The real {@link GpuProbe}: asks the native library whether it was built with the CUDA backend
 * ({@code -Dcipherformer.cuda=true}, CMake {@code -DCF_BUILD_CUDA=ON}) and how many CUDA devices the driver reports.
 * The CUDA runtime is linked statically, so a library built with CUDA still loads on a machine without a driver; it
 * then reports no device.
 */
public final class CudaSupport implements GpuProbe {
  /** The shared instance. */
  public static final CudaSupport INSTANCE = new CudaSupport();

  private CudaSupport() {}

  @Override
  public GpuStatus probe() {
    try {
      NativeLibrary.load();
      int count = nativeDeviceCount();
      String description = nativeDescription();
      if (count < 0) {
        return new GpuStatus(false, description);
      }
      return new GpuStatus(count > 0, description);
    } catch (UnsatisfiedLinkError e) {
      return new GpuStatus(false, "native library unavailable: " + e.getMessage());
    }
  }

  /** True iff the loaded native library contains the CUDA backend (whether or not a GPU is present). */
  public static boolean builtWithCuda() {
    NativeLibrary.load();
    return nativeDeviceCount() >= 0;
  }

  /** -1 if the library was built without CUDA, else the number of usable CUDA devices (0 without GPU or driver). */
  private static native int nativeDeviceCount();

  /** The device, or why there is none. */
  private static native String nativeDescription();
}
