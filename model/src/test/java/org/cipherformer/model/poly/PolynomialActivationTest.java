package org.cipherformer.model.poly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.cipherformer.model.format.Domain;
import org.junit.jupiter.api.Test;

class PolynomialActivationTest {

    @Test
    void exactGeluMatchesKnownValues() {
        // GELU(1) = Phi(1) = 0.8413447460685429...; GELU(-1) = -(1 - Phi(1)); GELU(0) = 0
        assertEquals(0.8413447460685429, Gelu.value(1), 1e-15);
        assertEquals(-0.15865525393145707, Gelu.value(-1), 1e-15);
        assertEquals(0, Gelu.value(0), 0);
        assertEquals(3 * 0.9986501019683699, Gelu.value(3), 1e-14); // 3 Phi(3)
    }

    @Test
    void polynomialGeluWithinStatedFitError() {
        Random rnd = new Random(31);
        for (int degree : new int[] {8, 16, 32}) {
            Domain d = new Domain(-10, 10);
            PolynomialActivation act = PolynomialActivation.fitGelu(d, degree);
            double stated = act.maxAbsErrorVsGelu();
            RangeMonitor m = new RangeMonitor("act", d);
            for (int i = 0; i < 5000; i++) {
                double x = -10 + 20 * rnd.nextDouble();
                // the grid estimate may miss the exact peak by a hair between grid points: allow 2%
                assertTrue(Math.abs(act.value(x, m) - Gelu.value(x)) <= stated * 1.02 + 1e-15,
                        "degree " + degree + " x " + x);
            }
            assertEquals(0, m.outOfRange());
            assertTrue(degree < 32 || stated < 1e-3, "degree 32 error " + stated);
        }
    }

    @Test
    void errorDecreasesWithDegreeAndDivergesOutsideDomain() {
        Domain d = new Domain(-6, 6);
        double e8 = PolynomialActivation.fitGelu(d, 8).maxAbsErrorVsGelu();
        double e24 = PolynomialActivation.fitGelu(d, 24).maxAbsErrorVsGelu();
        assertTrue(e24 < e8 / 10, e8 + " vs " + e24);
        PolynomialActivation act = PolynomialActivation.fitGelu(d, 24);
        RangeMonitor m = new RangeMonitor("act", d);
        double far = act.value(15, m);
        assertEquals(1, m.outOfRange());
        assertTrue(Math.abs(far - 15) > 1, "outside the domain the polynomial is not GELU: " + far);
    }
}
