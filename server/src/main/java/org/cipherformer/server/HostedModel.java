package org.cipherformer.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.logging.Logger;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.model.encrypted.EncryptedTransformer;
import org.cipherformer.model.encrypted.ExecutionPlan;
import org.cipherformer.model.encrypted.InputPacker;
import org.cipherformer.model.encrypted.PlanCompiler;
import org.cipherformer.model.encrypted.PlanPreset;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.model.encrypted.SlotLayout;
import org.cipherformer.model.format.Architecture;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.Task;
import org.cipherformer.model.format.Variant;
import org.cipherformer.model.reference.ReferenceModel;

/**
 * One model the server hosts: the loaded directory and, for a polynomial model, its CKKS program, laid out and
 * planned once on first use (a plan is a simulated run of the whole program: seconds) and then shared by every
 * session. Thread-safe.
 */
public final class HostedModel {
  /**
   * Prompt length of a causal LM under CKKS: the layout's token rows (the plan and keys depend on it). 16 is what the
   * shipped tiny-lm was measured with (docs/encrypted-inference.md).
   */
  public static final int LM_PROMPT_TOKENS = 16;

  private static final Logger LOG = Logger.getLogger(HostedModel.class.getName());

  private final String name;
  private final Path directory;
  private final ModelDirectory.Model model;
  private final CkksParameters parameters;
  private final Path sampleRoot;
  private CkksProgram program;
  private RuntimeException compileFailure;
  private byte[] weightsSha256;
  private ReferenceModel reference;

  /**
   * @param name       the name clients use
   * @param directory  the model directory (config.json, model.safetensors)
   * @param model      the loaded model
   * @param parameters the CKKS parameters plans are made for
   * @param sampleRoot repository root whose data/ holds the shipped samples used as plan inputs (for the magnitude
   *                   figure only; null: a zero input)
   */
  HostedModel(String name, Path directory, ModelDirectory.Model model, CkksParameters parameters, Path sampleRoot) {
    this.name = Objects.requireNonNull(name, "name");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.model = Objects.requireNonNull(model, "model");
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.sampleRoot = sampleRoot;
    if (eeAvailable()) {
      // Milliseconds: build it now so the first RunEe does not pay for it.
      reference = new ReferenceModel(model);
    }
  }

  /** @return the name clients use */
  public String name() {
    return name;
  }

  /** @return the loaded model */
  public ModelDirectory.Model model() {
    return model;
  }

  /** @return what the model computes */
  public Task task() {
    return model.config().task();
  }

  /**
   * @return true for a polynomial model (the only kind that runs under CKKS) that is not EE-transformed (an EE model
   *     is served in plaintext by RunEe; a CKKS plan for it would only cost compile time)
   */
  public boolean ckksAvailable() {
    return model.config().variant() == Variant.POLYNOMIAL && !eeAvailable();
  }

  /** @return true for an EE-transformed model (config.json "equivariant"): served by RunEe */
  public boolean eeAvailable() {
    return model.config().equivariant() != null;
  }

  /** @return the public id of the EE key an EE model was transformed with, or "" */
  public String eeKeyId() {
    return eeAvailable() ? model.config().equivariant().keyId() : "";
  }

  /** The plaintext reference of the model (RunEe evaluates it), built on first use. */
  public synchronized ReferenceModel reference() {
    if (reference == null) {
      reference = new ReferenceModel(model);
    }
    return reference;
  }

  /** @return the CKKS parameters the plan is made for */
  public CkksParameters parameters() {
    return parameters;
  }

  /**
   * The CKKS program and plan, compiled on the first call (callers block while it compiles; later calls return at
   * once). A compilation failure is remembered and rethrown.
   *
   * @throws IllegalStateException if the model is not polynomial
   */
  public synchronized CkksProgram ckks() {
    if (!ckksAvailable()) {
      throw new IllegalStateException("model " + name + " is not polynomial; it has no CKKS plan");
    }
    if (program != null) {
      return program;
    }
    if (compileFailure != null) {
      throw compileFailure;
    }
    try {
      program = compile();
      return program;
    } catch (RuntimeException e) {
      compileFailure = e;
      throw e;
    }
  }

  /** @return true once {@link #ckks()} has compiled (for logs and health) */
  public synchronized boolean ckksCompiled() {
    return program != null;
  }

  private CkksProgram compile() {
    long t0 = System.nanoTime();
    Architecture arch = model.config().architecture();
    boolean vit = task() == Task.IMAGE_CLASSIFICATION;
    int tokens = vit ? arch.seqLen() : LM_PROMPT_TOKENS;
    int batch = SlotLayout.maxBatch(parameters.slotCount(), tokens, arch.dModel());
    SlotLayout layout = new SlotLayout(parameters.slotCount(), tokens, arch.dModel(), batch);
    EncryptedTransformer program = EncryptedTransformer.of(model, layout);
    double[] sample = sample(layout, vit);
    ExecutionPlan plan = PlanCompiler.compile(program, PlanPreset.of(parameters), sample).plan();
    long nanos = System.nanoTime() - t0;
    LOG.info(String.format(Locale.ROOT, "model %s: CKKS plan for %s compiled in %.1f s (batch %d, %d rotation "
            + "steps, %d refresh rounds)", name, parameters.description(), nanos / 1e9, batch,
        plan.rotationSteps().size(), plan.refreshRounds().size()));
    return new CkksProgram(program, plan, parameters, layout, nanos);
  }

  /** The shipped samples packed at the layout (the plan's magnitude figure only depends on it); zeros if absent. */
  private double[] sample(SlotLayout layout, boolean vit) {
    if (sampleRoot != null) {
      try {
        InputPacker packer = new InputPacker(model, layout);
        if (vit) {
          List<double[]> images = ShippedInputs.images(sampleRoot);
          return packer.images(images.subList(0, Math.min(layout.batch(), images.size())));
        }
        int[] ids = ShippedInputs.prompt(model, sampleRoot, layout.tokens());
        return packer.prompts(Collections.nCopies(layout.batch(), ids));
      } catch (IOException | RuntimeException e) {
        LOG.warning("model " + name + ": no shipped sample input under " + sampleRoot + " (" + e.getMessage()
            + "); planning on a zero input (only the plan's magnitude figure depends on it)");
      }
    }
    return new double[layout.slotCount()];
  }

  /** @return SHA-256 of model.safetensors (clients check their local embedding tables against it) */
  public synchronized byte[] weightsSha256() {
    if (weightsSha256 == null) {
      try {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        weightsSha256 = md.digest(Files.readAllBytes(directory.resolve(ModelDirectory.WEIGHTS)));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the weights of model " + name + ": " + e.getMessage(), e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("no SHA-256 in this JVM", e);
      }
    }
    return weightsSha256.clone();
  }
}
