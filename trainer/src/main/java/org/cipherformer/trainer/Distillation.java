package org.cipherformer.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Knowledge distillation of a language model from a trained teacher checkpoint (in this project: the polynomial LM
 * from its softmax/LayerNorm/GELU twin).
 *
 * <p>Loss: {@code (1 - w) CE(y, student) + w T^2 KL(softmax(teacher / T) || softmax(student / T))}, averaged over
 * every position of the batch (Hinton et al., 2015; the T^2 keeps the soft term's gradient scale independent of T).
 * Why it helps here: the polynomial attention (Power-Softmax) cannot express every attention pattern softmax can;
 * the teacher's full next-token distribution is a denser training signal than the one-hot next token, so the
 * student spends its smaller capacity on what the twin actually predicts.
 *
 * <p>The teacher runs in float32 with its own components (read from the checkpoint's "variant"), without gradients:
 * its weights never require a gradient, so the teacher's logits are constants of the student's loss.
 */
final class Distillation implements AutoCloseable {
    private final Checkpoint teacher;
    private final double weight;
    private final double temperature;
    private final LmNet net;
    private final TransformerOps ops;
    private final NDManager manager;
    private final Map<String, NDArray> weights = new LinkedHashMap<>();

    /**
     * @param teacher checkpoint of a trained LM with the same tokenizer and vocabulary as the student
     * @param weight w in [0, 1]: share of the distillation term in the loss
     * @param temperature T > 0 applied to both logit sets inside the KL term
     * @throws IllegalArgumentException if w or T is out of range or the checkpoint is not a tiny-lm
     */
    Distillation(Checkpoint teacher, double weight, double temperature) {
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("--distill-weight must be in [0, 1], got " + weight);
        }
        if (!(temperature > 0 && Double.isFinite(temperature))) {
            throw new IllegalArgumentException("--temperature must be positive, got " + temperature);
        }
        if (!"tiny-lm".equals(teacher.metadata.get("model"))) {
            throw new IllegalArgumentException("teacher checkpoint holds model " + teacher.metadata.get("model")
                    + ", expected tiny-lm");
        }
        this.teacher = teacher;
        this.weight = weight;
        this.temperature = temperature;
        long[] pos = teacher.shapes.get("pos_embed");
        long[] fc1 = teacher.shapes.get("layers.0.mlp.fc1.weight");
        long[] head = teacher.shapes.get("lm_head.weight");
        int layers = 0;
        while (teacher.tensors.containsKey("layers." + layers + ".ln1.weight")) {
            layers++;
        }
        NetShape shape = new NetShape((int) pos[1], 4, layers, (int) fc1[0], (int) pos[0], (int) head[0]);
        this.net = new LmNet(shape);
        this.ops = new TransformerOps(ComponentSettings.fromMetadata(teacher.metadata),
                new RangeMonitor(false, 0), shape.heads(), true);
        this.manager = NDManager.newBaseManager();
        for (Map.Entry<String, float[]> e : teacher.tensors.entrySet()) {
            weights.put(e.getKey(), manager.create(e.getValue(), new Shape(teacher.shapes.get(e.getKey()))));
        }
    }

    /** The teacher's logits [B, T, V] for ids [B, T]; every intermediate is owned by {@code step}. */
    NDArray logits(NDManager step, NDArray ids) {
        Map<String, NDArray> views = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray view = e.getValue().reshape(e.getValue().getShape());
            view.attach(step);
            views.put(e.getKey(), view);
        }
        return net.forward(ops, views, ids);
    }

    /** (1 - w) ce + w T^2 KL(teacher_T || student_T), the KL averaged over positions. */
    NDArray loss(NDArray crossEntropy, NDArray studentLogits, NDArray teacherLogits) {
        if (!studentLogits.getShape().equals(teacherLogits.getShape())) {
            throw new IllegalArgumentException("student logits " + studentLogits.getShape()
                    + " and teacher logits " + teacherLogits.getShape() + " differ (different vocabulary?)");
        }
        NDArray s = Scalars.mul(studentLogits, 1.0 / temperature).logSoftmax(-1);
        NDArray t = Scalars.mul(teacherLogits, 1.0 / temperature).logSoftmax(-1);
        NDArray kl = t.exp().mul(t.sub(s)).sum(new int[] {-1}).mean();
        return Scalars.mul(crossEntropy, 1.0 - weight).add(Scalars.mul(kl, weight * temperature * temperature));
    }

    /** Provenance for the checkpoint metadata (and from there config.json). */
    void describeInto(Map<String, String> meta) {
        meta.put("distilled_from", teacher.metadata.get("variant") + " checkpoint of: "
                + teacher.metadata.get("command") + " (" + teacher.metadata.getOrDefault("epochs_completed",
                teacher.metadata.get("epochs")) + " epochs" + (teacher.metadata.containsKey("init")
                ? ", itself continued from: " + teacher.metadata.get("init") : "") + ")");
        meta.put("distill_weight", Double.toString(weight));
        meta.put("distill_temperature", Double.toString(temperature));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s teacher (%s), weight %g, temperature %g",
                teacher.metadata.get("variant"), teacher.metadata.get("command"), weight, temperature);
    }

    @Override
    public void close() {
        manager.close();
    }
}
