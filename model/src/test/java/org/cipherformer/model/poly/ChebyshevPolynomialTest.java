package org.cipherformer.model.poly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.cipherformer.model.format.Domain;
import org.junit.jupiter.api.Test;

class ChebyshevPolynomialTest {

    /** Sum of c_k T_k(t) with T_k(t) = cos(k arccos t) inside [-1, 1], cosh(k arccosh |t|) (with sign) outside. */
    private static double byTrigDefinition(double[] c, double t) {
        double s = 0;
        for (int k = 0; k < c.length; k++) {
            double tk;
            if (Math.abs(t) <= 1) {
                tk = Math.cos(k * Math.acos(t));
            } else {
                double a = Math.log(Math.abs(t) + Math.sqrt(t * t - 1));
                tk = Math.cosh(k * a) * (t < 0 && k % 2 == 1 ? -1 : 1);
            }
            s += c[k] * tk;
        }
        return s;
    }

    @Test
    void evaluationMatchesTrigonometricDefinitionInsideAndOutside() {
        Random rnd = new Random(3);
        double[] c = new double[9];
        for (int k = 0; k < c.length; k++) {
            c[k] = rnd.nextGaussian();
        }
        ChebyshevPolynomial p = new ChebyshevPolynomial(new Domain(2, 6), c);
        for (int i = 0; i <= 200; i++) {
            double x = 0 + 8.0 * i / 200; // covers [0, 8], outside the domain at both ends
            double t = (2 * x - 8) / 4;
            double expected = byTrigDefinition(c, t);
            assertEquals(expected, p.value(x), 1e-11 * Math.max(1, Math.abs(expected)), "x=" + x);
        }
    }

    @Test
    void fitReproducesPolynomialsOfItsDegree() {
        Domain d = new Domain(-3, 5);
        ChebyshevPolynomial p = ChebyshevPolynomial.fit(x -> 2 - x + 0.5 * x * x * x, d, 3);
        for (double x = -3; x <= 5; x += 0.125) {
            assertEquals(2 - x + 0.5 * x * x * x, p.value(x), 1e-12 * 70);
        }
        // x^3 = (3 T_1 + T_3) / 4 on [-1, 1]: check the coefficients themselves.
        double[] c = ChebyshevPolynomial.fit(x -> x * x * x, new Domain(-1, 1), 3).coefficients();
        assertEquals(0, c[0], 1e-15);
        assertEquals(0.75, c[1], 1e-15);
        assertEquals(0, c[2], 1e-15);
        assertEquals(0.25, c[3], 1e-15);
    }

    @Test
    void fitInterpolatesAtNodesAndErrorShrinksWithDegree() {
        Domain d = new Domain(0.5, 4);
        double previous = Double.POSITIVE_INFINITY;
        for (int degree : new int[] {2, 4, 8, 16}) {
            ChebyshevPolynomial p = ChebyshevPolynomial.fit(Math::log, d, degree);
            for (int j = 0; j <= degree; j++) {
                double x = ChebyshevPolynomial.node(d, degree + 1, j);
                assertEquals(Math.log(x), p.value(x), 1e-13);
            }
            double err = p.maxAbsError(Math::log, 10001);
            assertTrue(err < previous / 4, "degree " + degree + " error " + err + " vs " + previous);
            previous = err;
        }
        // log has a singularity at 0: Bernstein ellipse rho = 2.09, so degree 16 gives about rho^-16 = 7e-6
        assertTrue(previous < 5e-6, "degree 16 error " + previous);
    }

    @Test
    void maxErrorEstimateSeesTheWorstPoint() {
        ChebyshevPolynomial zero = new ChebyshevPolynomial(new Domain(0, 1), new double[] {0});
        assertEquals(1.0, zero.maxAbsError(x -> x, 11), 0);
        assertEquals(1.0, zero.maxRelError(x -> 1 + x, 11), 0);
    }

    @Test
    void recordsInputsInMonitor() {
        ChebyshevPolynomial p = new ChebyshevPolynomial(new Domain(-1, 1), new double[] {1, 2});
        RangeMonitor m = new RangeMonitor("act", p.domain());
        p.value(0.5, m);
        p.value(-3, m);
        p.value(1, m);
        assertEquals(3, m.count());
        assertEquals(1, m.outOfRange());
        assertEquals(-3, m.min());
        assertEquals(1, m.max());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new ChebyshevPolynomial(new Domain(0, 1), new double[0]));
        assertThrows(IllegalArgumentException.class,
                () -> ChebyshevPolynomial.fit(x -> Math.sqrt(x - 0.5), new Domain(0, 1), 5)); // NaN at nodes
        assertThrows(IllegalArgumentException.class, () -> ChebyshevPolynomial.fit(x -> x, new Domain(0, 1), -1));
    }
}
