package org.cipherformer.model.encrypted;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cipherformer.he.ops.OpKind;
import org.cipherformer.he.ops.OpStats;
import org.cipherformer.he.ops.SimulatedBackend;

/**
 * The plan compiler: runs the encrypted transformer on {@link SimulatedBackend} (exact doubles, the CKKS backend's
 * level accounting) and reads the plan off the run. The program is data-oblivious, so everything but the largest
 * slot magnitude is the same for every input; the magnitude comes from the sample input given. The depth comes from
 * a second run with unbounded levels (no refresh ever needed).
 */
public final class PlanCompiler {
  /** Top level of the depth-measuring run (far above any program's depth). */
  static final int UNBOUNDED = 1 << 20;

  private PlanCompiler() {
  }

  /** A plan and the simulated outputs it came with. */
  public record Compiled(ExecutionPlan plan, java.util.List<double[]> outputs) {
  }

  /**
   * @param program the laid-out model
   * @param preset  parameter preset (its slot count must be the layout's)
   * @param input   a packed sample input (for the magnitude figure)
   * @return the plan and the simulated outputs
   */
  public static Compiled compile(EncryptedTransformer program, PlanPreset preset, double[] input) {
    if (preset.slotCount() != program.layout().slotCount()) {
      throw new IllegalArgumentException("preset " + preset.name() + " has " + preset.slotCount()
          + " slots, the layout " + program.layout().slotCount());
    }
    SimulatedBackend sim = new SimulatedBackend(preset.slotCount(), preset.topLevel(), preset.refreshFloor());
    RecordingBackend<SimulatedBackend.Value> rec = new RecordingBackend<>(sim);
    SimulatedBackend.Value in = sim.input(input);
    EncryptedTransformer.Result<SimulatedBackend.Value> r = program.run(rec, in);
    sim.release(in);
    java.util.List<double[]> outputs = new java.util.ArrayList<>();
    for (SimulatedBackend.Value v : r.outputs()) {
      outputs.add(sim.output(v));
      sim.release(v);
    }
    if (sim.stats().liveValues() != 0) {
      throw new IllegalStateException("program leaked " + sim.stats().liveValues() + " values");
    }
    OpStats st = sim.stats();
    Map<OpKind, Long> counts = new EnumMap<>(OpKind.class);
    for (OpKind k : OpKind.values()) {
      if (st.total(k).count() > 0) {
        counts.put(k, st.total(k).count());
      }
    }
    Map<String, Map<OpKind, Long>> bySection = new LinkedHashMap<>();
    st.bySection().forEach((sec, m) -> {
      Map<OpKind, Long> c = new EnumMap<>(OpKind.class);
      m.forEach((k, t) -> c.put(k, t.count()));
      bySection.put(sec, c);
    });
    ExecutionPlan plan = new ExecutionPlan(program.config().name(), preset, program.layout(), r.sections(),
        st.rotationSteps(), rec.rounds(), depth(program, input), counts, bySection, st.peakLiveValues(),
        st.maxMagnitude());
    return new Compiled(plan, outputs);
  }

  /**
   * Runs the program once on the simulated backend and returns its decrypted-equivalent outputs (no plan figures):
   * the noise-free result the CKKS run approximates.
   *
   * @param program the laid-out model
   * @param preset  parameter preset
   * @param input   packed input
   * @return the output slot vectors
   */
  public static java.util.List<double[]> simulate(EncryptedTransformer program, PlanPreset preset, double[] input) {
    SimulatedBackend sim = new SimulatedBackend(preset.slotCount(), preset.topLevel(), preset.refreshFloor());
    SimulatedBackend.Value in = sim.input(input);
    EncryptedTransformer.Result<SimulatedBackend.Value> r = program.run(sim, in);
    sim.release(in);
    java.util.List<double[]> outputs = new java.util.ArrayList<>();
    for (SimulatedBackend.Value v : r.outputs()) {
      outputs.add(sim.output(v));
      sim.release(v);
    }
    return outputs;
  }

  /** Levels the program consumes from input to output when nothing is refreshed. */
  static int depth(EncryptedTransformer program, double[] input) {
    SimulatedBackend sim = new SimulatedBackend(program.layout().slotCount(), UNBOUNDED, 0);
    SimulatedBackend.Value in = sim.input(input);
    EncryptedTransformer.Result<SimulatedBackend.Value> r = program.run(sim, in);
    int lowest = UNBOUNDED;
    for (SimulatedBackend.Value v : r.outputs()) {
      lowest = Math.min(lowest, sim.level(v));
      sim.release(v);
    }
    sim.release(in);
    if (sim.stats().total(OpKind.REFRESH_ROUND).count() != 0) {
      throw new IllegalStateException("the unbounded run refreshed");
    }
    return UNBOUNDED - lowest;
  }
}
