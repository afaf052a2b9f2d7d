package org.cipherformer.he;

/**
 * The number of threads the native kernels use for their limb-parallel loops (NTTs over the RNS primes, key
 * switching). Defaults to the number of available cores. Results do not depend on it: every thread count gives
 * byte-identical ciphertexts.
 */
public final class NativeThreads {
  private NativeThreads() {}

  /**
   * Sets the thread count (including the calling thread). Waits for native calls in progress to finish first.
   *
   * @param threads 1..1024, or 0 for the number of available cores
   * @throws IllegalArgumentException naming the value if it is out of range
   */
  public static void setThreadCount(int threads) {
    if (threads < 0 || threads > 1024) {
      throw new IllegalArgumentException("thread count " + threads + " outside 0..1024 (0 = all cores)");
    }
    NativeLibrary.load();
    nativeSetThreadCount(threads);
  }

  /** The current thread count. */
  public static int threadCount() {
    NativeLibrary.load();
    return nativeThreadCount();
  }

  private static native void nativeSetThreadCount(int threads);

  private static native int nativeThreadCount();
}
