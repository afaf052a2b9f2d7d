package org.cipherformer.model.poly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.cipherformer.model.format.Domain;
import org.junit.jupiter.api.Test;

class PowerSoftmaxTest {
    private static double[][] randomScores(Random rnd, int n) {
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i][j] = 2 * rnd.nextGaussian();
            }
        }
        return s;
    }

    @Test
    void rowsSumToOneWithExactInverseAndZeroEps() {
        Random rnd = new Random(11);
        for (int p : new int[] {2, 4, 6, 8}) {
            for (boolean causal : new boolean[] {false, true}) {
                double[][] a = new PowerSoftmax(p, 0, null).apply(randomScores(rnd, 7), causal, null);
                for (double[] row : a) {
                    double sum = 0;
                    for (double v : row) {
                        assertTrue(v >= 0);
                        sum += v;
                    }
                    assertEquals(1.0, sum, 1e-14, "p=" + p + " causal=" + causal);
                }
            }
        }
    }

    @Test
    void invariantToPositiveScaling() {
        Random rnd = new Random(12);
        PowerSoftmax ps = new PowerSoftmax(4, 0, null);
        double[][] s = randomScores(rnd, 6);
        double[][] a = ps.apply(s, true, null);
        for (double c : new double[] {0.01, 0.5, 3, 100}) {
            double[][] sc = new double[6][6];
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 6; j++) {
                    sc[i][j] = c * s[i][j];
                }
            }
            double[][] b = ps.apply(sc, true, null);
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 6; j++) {
                    assertEquals(a[i][j], b[i][j], 1e-14, "c=" + c);
                }
            }
        }
        // eps > 0 breaks the invariance: the check above can fail.
        PowerSoftmax withEps = new PowerSoftmax(4, 1.0, null);
        assertTrue(Math.abs(withEps.apply(s, false, null)[0][0] - withEps.apply(mul(s, 0.1), false, null)[0][0])
                > 1e-6);
    }

    private static double[][] mul(double[][] s, double c) {
        double[][] r = new double[s.length][];
        for (int i = 0; i < s.length; i++) {
            r[i] = s[i].clone();
            for (int j = 0; j < r[i].length; j++) {
                r[i][j] *= c;
            }
        }
        return r;
    }

    @Test
    void matchesDefinitionAndCausalMaskZeros() {
        double[][] s = {{1, 2, 3}, {-1, 0.5, 2}, {0.3, -0.2, 1}};
        double eps = 0.1;
        double[][] a = new PowerSoftmax(2, eps, null).apply(s, true, null);
        // row 1 by hand: L = 2, M = (1 + 0.25) / 2, a = s^2 / (eps + M) / L
        double m1 = (1 + 0.25) / 2;
        assertEquals(1 / (eps + m1) / 2, a[1][0], 1e-15);
        assertEquals(0.25 / (eps + m1) / 2, a[1][1], 1e-15);
        assertEquals(0.0, a[1][2]);
        assertEquals(0.0, a[0][1]);
        assertEquals(0.0, a[0][2]);
        assertEquals(1 / (eps + 1), a[0][0], 1e-15);
    }

    @Test
    void goldschmidtInverseVersionWithinItsBoundAndMonitored() {
        Random rnd = new Random(13);
        GoldschmidtInverse inv = new GoldschmidtInverse(new Domain(0.05, 400), 9);
        PowerSoftmax approx = new PowerSoftmax(4, 0.05, inv);
        PowerSoftmax exact = new PowerSoftmax(4, 0.05, null);
        double[][] s = randomScores(rnd, 5);
        RangeMonitor m = new RangeMonitor("inv", inv.domain());
        double[][] a = approx.apply(s, false, m);
        double[][] b = exact.apply(s, false, null);
        assertEquals(5, m.count());
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                assertEquals(b[i][j], a[i][j], inv.relativeErrorBound() * b[i][j] + 1e-15);
            }
        }
    }

    @Test
    void oddOrInvalidPRejected() {
        for (int p : new int[] {1, 3, 5, 0, -2, 66}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new PowerSoftmax(p, 0.1, null));
            assertTrue(e.getMessage().contains("got " + p), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new PowerSoftmax(4, -1, null));
        assertThrows(IllegalArgumentException.class, () -> new PowerSoftmax(4, Double.NaN, null));
    }
}
