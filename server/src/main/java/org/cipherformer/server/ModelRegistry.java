package org.cipherformer.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.cipherformer.he.CkksContext;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.model.format.ModelDirectory;

/**
 * The models a server hosts, by name (the model directory's name), and the one native {@link CkksContext} of the
 * server's CKKS parameters that every session's keys and ciphertexts are loaded into (a context is immutable and
 * thread-safe; making one per session would only cost memory and time).
 */
public final class ModelRegistry implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ModelRegistry.class.getName());

  private final Map<String, HostedModel> models;
  private final CkksParameters parameters;
  private final CkksContext context;

  private ModelRegistry(Map<String, HostedModel> models, CkksParameters parameters, CkksContext context) {
    this.models = Collections.unmodifiableMap(models);
    this.parameters = parameters;
    this.context = context;
  }

  /**
   * Loads models from a directory of model directories.
   *
   * @param modelsDirectory e.g. the repository's models/
   * @param names           the subdirectories to host; empty: every subdirectory holding a config.json
   * @param parameters      the CKKS parameters of every plan
   * @param sampleRoot      repository root for the shipped plan inputs (see {@link HostedModel}); may be null
   * @return the registry (close it: it holds the native context)
   * @throws IOException if a directory cannot be read
   * @throws IllegalArgumentException naming the model if a requested one is missing or malformed
   */
  public static ModelRegistry load(Path modelsDirectory, List<String> names, CkksParameters parameters,
      Path sampleRoot) throws IOException {
    Objects.requireNonNull(modelsDirectory, "modelsDirectory");
    Objects.requireNonNull(names, "names");
    Objects.requireNonNull(parameters, "parameters");
    List<String> wanted = new ArrayList<>(names);
    if (wanted.isEmpty()) {
      if (!Files.isDirectory(modelsDirectory)) {
        throw new IllegalArgumentException("models directory " + modelsDirectory + " does not exist");
      }
      try (Stream<Path> s = Files.list(modelsDirectory)) {
        s.filter(p -> Files.isRegularFile(p.resolve(ModelDirectory.CONFIG)))
            .forEach(p -> wanted.add(p.getFileName().toString()));
      }
      if (wanted.isEmpty()) {
        throw new IllegalArgumentException("no model directories (with " + ModelDirectory.CONFIG + ") in "
            + modelsDirectory);
      }
    }
    Map<String, HostedModel> models = new TreeMap<>();
    for (String name : wanted) {
      if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
        throw new IllegalArgumentException("model name '" + name + "' is not a directory name");
      }
      Path dir = modelsDirectory.resolve(name);
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("model '" + name + "' not found: no directory " + dir);
      }
      ModelDirectory.Model model;
      try {
        model = ModelDirectory.load(dir);
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("model '" + name + "' in " + dir + " does not load: " + e.getMessage(),
            e);
      }
      models.put(name, new HostedModel(name, dir, model, parameters, sampleRoot));
      LOG.info("hosting model " + name + " (" + model.config().task().jsonName() + ", "
          + model.config().variant().jsonName() + ")");
    }
    return new ModelRegistry(models, parameters, parameters.createContext());
  }

  /** @return the hosted models, sorted by name */
  public Collection<HostedModel> models() {
    return models.values();
  }

  /**
   * @return the model
   * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT for an empty name, NOT_FOUND for an unknown one
   */
  public HostedModel get(String name) {
    if (name == null || name.isEmpty()) {
      throw Errors.invalidArgument("model name is empty");
    }
    HostedModel m = models.get(name);
    if (m == null) {
      throw Errors.notFound("no model named '" + name + "' (hosted: " + String.join(", ", models.keySet()) + ")");
    }
    return m;
  }

  /** @return the CKKS parameters of every plan */
  public CkksParameters parameters() {
    return parameters;
  }

  /** @return the server's context for {@link #parameters()} */
  public CkksContext context() {
    return context;
  }

  /** Compiles every CKKS plan now (the server does this in the background after start). */
  public void compileAll() {
    for (HostedModel m : models.values()) {
      if (m.ckksAvailable()) {
        m.ckks();
      }
    }
  }

  @Override
  public void close() {
    context.close();
  }
}
