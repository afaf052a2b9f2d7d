package org.cipherformer.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.cipherformer.model.format.Domain;
import org.cipherformer.model.poly.ChebyshevPolynomial;
import org.cipherformer.model.poly.GoldschmidtInverse;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training graph's polynomial pieces against module model's double-precision implementations. */
class PolynomialOpsTest {
    private static double[] randomIn(Random r, int n, double lo, double hi) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + (hi - lo) * r.nextDouble();
        }
        return x;
    }

    @Test
    void chebyshevRecurrenceAndHornerMatchModelModule() {
        ComponentSettings s = PolynomialChoice.standard();
        ChebyshevPolynomial ref = new ChebyshevPolynomial(new Domain(s.actLo, s.actHi), s.activationCoefficients);
        double[] mono = TransformerOps.chebyshevToMonomial(s.activationCoefficients);
        double[] x = randomIn(new Random(1), 200, -9, 9); // also a little outside the domain
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray in = m.create(x, new Shape(x.length));
            double[] rec = TransformerOps.chebyshev(in, s.actLo, s.actHi, s.activationCoefficients).toDoubleArray();
            double[] horner = TransformerOps.chebyshevByHorner(in, s.actLo, s.actHi, mono).toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                double want = ref.value(x[i]);
                assertEquals(want, rec[i], 1e-12 * Math.max(1, Math.abs(want)), "recurrence at " + x[i]);
                assertEquals(want, horner[i], 1e-9 * Math.max(1, Math.abs(want)), "Horner at " + x[i]);
            }
        }
    }

    @Test
    void goldschmidtMatchesModelModuleAndConvergesInsideDomain() {
        ComponentSettings s = PolynomialChoice.standard();
        GoldschmidtInverse ref = new GoldschmidtInverse(new Domain(s.invLo, s.invHi), s.invIterations);
        double[] x = randomIn(new Random(2), 200, s.invLo, s.invHi);
        try (NDManager m = NDManager.newBaseManager()) {
            double[] got = TransformerOps.goldschmidt(m.create(x, new Shape(x.length)), s.invLo, s.invHi,
                    s.invIterations).toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(ref.value(x[i]), got[i], 1e-13, "at " + x[i]);
                assertTrue(Math.abs(got[i] * x[i] - 1) < 1e-6, "1/x at " + x[i] + " -> " + got[i]);
            }
        }
    }

    @Test
    void shippedCoefficientsAreModelModuleChebyshevFits() {
        // the trainer keeps its own interpolation because the shipped models were trained with its exact numbers;
        // it is the same construction as ChebyshevPolynomial.fit (GELU differs only through the erf used)
        ComponentSettings s = PolynomialChoice.standard();
        double[] invSqrt = ChebyshevPolynomial.fit(v -> 1 / Math.sqrt(v), new Domain(s.varLo, s.varHi), 15)
                .coefficients();
        double[] gelu = ChebyshevPolynomial.fit(org.cipherformer.model.poly.Gelu::value, new Domain(s.actLo, s.actHi),
                15).coefficients();
        for (int k = 0; k < 16; k++) {
            assertEquals(invSqrt[k], s.invSqrtCoefficients[k], 1e-13, "inv sqrt c" + k);
            assertEquals(gelu[k], s.activationCoefficients[k], 1e-6, "gelu c" + k);
        }
    }

    @Test
    void rejectsBadPolynomialSettings() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ComponentSettings.polynomial(3, 1, 1, 2, 1, 1e-5, 0.1, 1, new double[] {1}, 1, -1, 1,
                        new double[] {1}));
        assertTrue(e.getMessage().contains("3"), e.getMessage());
    }
}
