package org.cipherformer.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cipherformer.model.data.RepoPaths;

/**
 * Where the shipped models (models/) and samples (data/) are: the {@code cipherformer.root} system property (the
 * launcher sets it to the repository it lives in, so the command works from any directory), else the repository
 * above the working directory.
 */
final class RepoRoot {
  private RepoRoot() {
  }

  static Path get() {
    String p = System.getProperty("cipherformer.root");
    if (p != null && !p.isEmpty()) {
      Path root = Path.of(p).toAbsolutePath().normalize();
      if (!Files.isDirectory(root.resolve("models"))) {
        throw new IllegalStateException("cipherformer.root " + root + " has no models/ directory");
      }
      return root;
    }
    try {
      return RepoPaths.root();
    } catch (IllegalStateException e) {
      throw new IllegalStateException("cannot find the repository (models/, data/): run through the ./cipherformer "
          + "launcher or from inside the repository");
    }
  }

  /** A model directory: an existing directory as given, else models/NAME of the repository. */
  static Path model(String nameOrDir) {
    Path given = Path.of(nameOrDir);
    if (Files.isRegularFile(given.resolve("config.json"))) {
      return given;
    }
    Path shipped = get().resolve("models").resolve(nameOrDir);
    if (!Files.isRegularFile(shipped.resolve("config.json"))) {
      throw new IllegalArgumentException("no model '" + nameOrDir + "' (neither a model directory nor one of "
          + get().resolve("models") + ")");
    }
    return shipped;
  }
}
