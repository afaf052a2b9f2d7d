package org.cipherformer.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The distillation loss against a direct double-precision computation, and its teacher forward pass. */
class DistillationTest {
    private static final NetShape SHAPE = new NetShape(16, 4, 2, 32, 8, 50);

    private static Checkpoint randomLm(long seed, String variant) {
        try (NDManager m = NDManager.newBaseManager(); ParameterSet p = new ParameterSet(m)) {
            new LmNet(SHAPE).initialize(p, seed);
            return TrainVit.toCheckpoint(p, Map.of("model", "tiny-lm", "variant", variant, "command", "test"));
        }
    }

    /** (1 - w) ce + w T^2 mean_positions sum_v pt (log pt - log ps), softmaxes of logits / T, in double. */
    private static double expected(double ce, double[] student, double[] teacher, int vocab, double w, double t) {
        int positions = student.length / vocab;
        double kl = 0;
        for (int i = 0; i < positions; i++) {
            double[] ls = logSoftmax(student, i * vocab, vocab, t);
            double[] lt = logSoftmax(teacher, i * vocab, vocab, t);
            for (int v = 0; v < vocab; v++) {
                kl += Math.exp(lt[v]) * (lt[v] - ls[v]);
            }
        }
        return (1 - w) * ce + w * t * t * kl / positions;
    }

    private static double[] logSoftmax(double[] x, int off, int n, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i] / t);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(x[off + i] / t - max);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = x[off + i] / t - max - Math.log(sum);
        }
        return out;
    }

    @Test
    void lossMatchesDirectKlAndVanishesForTheTeacherItself() {
        Random r = new Random(4);
        int positions = 2 * 3;
        int vocab = 7;
        double[] student = new double[positions * vocab];
        double[] teacher = new double[positions * vocab];
        for (int i = 0; i < student.length; i++) {
            student[i] = 3 * r.nextGaussian();
            teacher[i] = 3 * r.nextGaussian();
        }
        try (Distillation d = new Distillation(randomLm(1, "original"), 0.7, 2.0);
             NDManager m = NDManager.newBaseManager()) {
            NDArray ce = m.create(1.25);
            NDArray s = m.create(student, new Shape(2, 3, vocab));
            NDArray t = m.create(teacher, new Shape(2, 3, vocab));
            double got = d.loss(ce, s, t).getDouble();
            double want = expected(1.25, student, teacher, vocab, 0.7, 2.0);
            assertEquals(want, got, 1e-9 * Math.abs(want));
            assertTrue(want > 0.3 * 1.25 + 0.1, "the KL term must contribute: " + want);
            // the KL of a distribution with itself is 0: only the cross-entropy share remains
            assertEquals(0.3 * 1.25, d.loss(ce, t, t).getDouble(), 1e-12);
        }
    }

    @Test
    void teacherLogitsAreTheTeacherNetworksOutputWithoutGradient() {
        Checkpoint ck = randomLm(2, "original");
        long[] ids = {2, 7, 9, 11, 3, 2, 40, 49};
        try (Distillation d = new Distillation(ck, 0.5, 1.0);
             NDManager m = NDManager.newBaseManager();
             ParameterSet direct = ParameterSet.fromCheckpoint(m, ck)) {
            NDArray x = m.create(ids, new Shape(1, ids.length));
            double[] got;
            try (NDManager step = m.newSubManager()) {
                NDArray logits = d.logits(step, x);
                assertEquals(new Shape(1, ids.length, SHAPE.outputs()), logits.getShape());
                assertTrue(!logits.hasGradient(), "teacher logits must be constants of the student's loss");
                got = logits.toType(DataType.FLOAT64, false).toDoubleArray();
            }
            TransformerOps ops = new TransformerOps(ComponentSettings.original(), new RangeMonitor(false, 0),
                    SHAPE.heads(), true);
            double[] want = new LmNet(SHAPE).forward(ops, direct.arrays(), x)
                    .toType(DataType.FLOAT64, false).toDoubleArray();
            assertEquals(want.length, got.length);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-5, "logit " + i);
            }
        }
    }

    @Test
    void rejectsBadSettingsNamingTheValue() {
        Checkpoint ck = randomLm(3, "original");
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> new Distillation(ck, 1.5, 1));
        assertTrue(w.getMessage().contains("1.5"), w.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> new Distillation(ck, 0.5, 0));
        assertTrue(t.getMessage().contains("temperature"), t.getMessage());
    }
}
