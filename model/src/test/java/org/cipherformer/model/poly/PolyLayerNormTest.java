package org.cipherformer.model.poly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.cipherformer.model.format.Domain;
import org.junit.jupiter.api.Test;

class PolyLayerNormTest {

    @Test
    void newtonPlusChebyshevInverseSqrtWithinStatedBound() {
        Domain d = new Domain(0.01, 20);
        for (int degree : new int[] {8, 16, 32}) {
            for (int steps = 0; steps <= 3; steps++) {
                PolyLayerNorm ln = new PolyLayerNorm(1e-5, PolyLayerNorm.fitInvSqrt(d, degree), steps);
                double bound = ln.relativeErrorBound();
                double worst = 0;
                for (int i = 0; i <= 3000; i++) {
                    double v = d.lo() * Math.pow(d.hi() / d.lo(), i / 3000.0);
                    double rel = Math.abs(ln.inverseSqrt(v, null) * Math.sqrt(v) - 1);
                    worst = Math.max(worst, rel);
                    assertTrue(rel <= bound * 1.01 + 1e-14, "degree " + degree + " steps " + steps + " v=" + v
                            + " rel " + rel + " > bound " + bound);
                }
                if (steps == 0) {
                    assertTrue(worst >= 0.5 * bound, "bound " + bound + " not tight, worst " + worst);
                }
            }
        }
        // A 2000:1 variance range needs a 4th Newton step: degree 32 starts at 22% relative error (1/sqrt is steep near
        // lo), then 8%, 1%, 1.4e-4, 3e-8.
        PolyLayerNorm good = new PolyLayerNorm(1e-5, PolyLayerNorm.fitInvSqrt(d, 32), 4);
        assertTrue(good.relativeErrorBound() < 1e-6, "bound " + good.relativeErrorBound());
    }

    @Test
    void matchesExactLayerNormWithinStatedError() {
        Random rnd = new Random(21);
        Domain d = new Domain(0.25, 200);
        PolyLayerNorm ln = new PolyLayerNorm(1e-5, PolyLayerNorm.fitInvSqrt(d, 32), 3);
        ExactLayerNorm exact = new ExactLayerNorm(1e-5);
        double bound = ln.relativeErrorBound();
        assertTrue(bound < 1e-7, "bound " + bound);
        RangeMonitor m = new RangeMonitor("ln", d);
        for (int trial = 0; trial < 500; trial++) {
            int n = 16;
            double target = Math.exp(Math.log(0.3) + rnd.nextDouble() * Math.log(150 / 0.3)); // variance in domain
            double[] x = new double[n];
            double[] g = new double[n];
            double[] b = new double[n];
            double mean = 0;
            for (int i = 0; i < n; i++) {
                x[i] = rnd.nextGaussian();
                mean += x[i] / n;
                g[i] = 1 + 0.3 * rnd.nextGaussian();
                b[i] = 0.2 * rnd.nextGaussian();
            }
            double var = 0;
            for (int i = 0; i < n; i++) {
                var += (x[i] - mean) * (x[i] - mean) / n;
            }
            for (int i = 0; i < n; i++) {
                x[i] = 3 + (x[i] - mean) * Math.sqrt(target / var); // sample variance exactly target
            }
            double[] y = ln.apply(x, g, b, m);
            double[] z = exact.apply(x, g, b);
            for (int i = 0; i < n; i++) {
                // out - beta = (x - mu) y gamma: relative error of y carries over
                assertEquals(z[i] - b[i], y[i] - b[i], bound * Math.abs(z[i] - b[i]) * 1.01 + 1e-13);
            }
        }
        assertEquals(500, m.count());
        assertEquals(0, m.outOfRange());
    }

    @Test
    void outOfDomainVarianceIsCountedAndWrong() {
        Domain d = new Domain(0.5, 2);
        PolyLayerNorm ln = new PolyLayerNorm(0, PolyLayerNorm.fitInvSqrt(d, 6), 1);
        RangeMonitor m = new RangeMonitor("ln", d);
        double[] x = {-30, 30, -30, 30}; // variance 900
        double[] y = ln.apply(x, new double[] {1, 1, 1, 1}, new double[4], m);
        assertEquals(1, m.outOfRange());
        assertEquals(900, m.max(), 1e-9);
        assertTrue(Math.abs(y[1] - 1) > 0.5, "far outside the domain the polynomial LayerNorm is wrong: " + y[1]);
    }
}
