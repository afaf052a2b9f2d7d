package org.cipherformer.he;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

/**
 * Loads the native CKKS kernels ({@code libcipherformer_he.so}) exactly once.
 *
 * <p>By default the library bundled in the jar under {@code native/linux-x86_64/} is extracted to a temporary file and
 * loaded from there (a jar entry cannot be {@code dlopen}ed directly). Set the system property
 * {@value #LIBRARY_PATH_PROPERTY} to the path of a hand-built library to load that one instead (for example a Debug
 * build with sanitizers).
 */
public final class NativeLibrary {
  /** System property naming a hand-built library file to load instead of the bundled one. */
  public static final String LIBRARY_PATH_PROPERTY = "cipherformer.native.library";

  static final String LIBRARY_FILE = "libcipherformer_he.so";
  static final String RESOURCE_DIR = "/native/linux-x86_64/";

  private static volatile boolean loaded;

  private NativeLibrary() {}

  /**
   * Ensures the native library is loaded; cheap after the first call.
   *
   * @throws UnsatisfiedLinkError if the library cannot be found, extracted or loaded; the message says where it looked
   */
  public static void load() {
    if (loaded) {
      return;
    }
    synchronized (NativeLibrary.class) {
      if (loaded) {
        return;
      }
      String override = System.getProperty(LIBRARY_PATH_PROPERTY);
      if (override != null && !override.isBlank()) {
        Path path = Paths.get(override).toAbsolutePath();
        if (!Files.isRegularFile(path)) {
          throw new UnsatisfiedLinkError(
              LIBRARY_PATH_PROPERTY + " points at " + path + ", which is not a readable file");
        }
        System.load(path.toString());
      } else {
        System.load(extractBundled().toString());
      }
      loaded = true;
    }
  }

  private static Path extractBundled() {
    String resource = RESOURCE_DIR + LIBRARY_FILE;
    try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new UnsatisfiedLinkError(
            "native library " + resource + " is not on the class path (was he-kernels built with cmake?); set -D"
                + LIBRARY_PATH_PROPERTY + "=/path/to/" + LIBRARY_FILE + " to use a hand-built one");
      }
      Path file = createTempFile();
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      UnsatisfiedLinkError error = new UnsatisfiedLinkError("cannot extract " + resource + ": " + e.getMessage());
      error.initCause(e);
      throw error;
    }
  }

  /** A temp file in java.io.tmpdir, falling back to the user's home when the temp dir is not writable or noexec. */
  private static Path createTempFile() throws IOException {
    try {
      return Files.createTempFile("cipherformer_he-", ".so");
    } catch (IOException first) {
      Path home = Paths.get(System.getProperty("user.home"), ".cache", "cipherformer");
      Files.createDirectories(home);
      return Files.createTempFile(home, "cipherformer_he-", ".so");
    }
  }
}
