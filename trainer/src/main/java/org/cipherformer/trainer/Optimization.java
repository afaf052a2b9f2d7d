package org.cipherformer.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;

import java.util.Map;

/** Adam with linear warm-up then cosine decay, applied to a {@link ParameterSet} after each backward pass. */
final class Optimization {
    private final Optimizer optimizer;

    Optimization(float learningRate, int warmupSteps, int totalSteps, float clip) {
        Tracker cosine = Tracker.cosine().setBaseValue(learningRate).optFinalValue(learningRate * 0.02f)
                .setMaxUpdates(Math.max(1, totalSteps - warmupSteps)).build();
        Tracker schedule = WarmUpTracker.builder().setMainTracker(cosine).optWarmUpSteps(warmupSteps)
                .optWarmUpBeginValue(learningRate * 0.05f).build();
        this.optimizer = Optimizer.adam().optLearningRateTracker(schedule).optClipGrad(clip).build();
    }

    /** Updates every parameter from its gradient, then zeroes the gradient (PyTorch accumulates otherwise). */
    void step(ParameterSet params) {
        for (Map.Entry<String, NDArray> e : params.arrays().entrySet()) {
            try (NDArray g = e.getValue().getGradient()) {
                optimizer.update(e.getKey(), e.getValue(), g);
                g.muli(0);
            }
        }
    }
}
