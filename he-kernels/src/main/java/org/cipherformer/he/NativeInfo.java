package org.cipherformer.he;

/** Facts about the loaded native library. */
public final class NativeInfo {
  /** The version the Java classes were built against; a mismatch means a stale hand-built library. */
  public static final String EXPECTED_VERSION = "0.1.0";

  private NativeInfo() {}

  /** The native library's version string (loads the library on first use). */
  public static String version() {
    NativeLibrary.load();
    return nativeVersion();
  }

  private static native String nativeVersion();
}
