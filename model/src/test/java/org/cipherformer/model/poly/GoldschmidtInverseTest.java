package org.cipherformer.model.poly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cipherformer.model.format.Domain;
import org.junit.jupiter.api.Test;

class GoldschmidtInverseTest {

    @Test
    void relativeErrorWithinBoundEverywhereOnDomain() {
        Domain d = new Domain(0.01, 40);
        for (int k = 1; k <= 14; k++) {
            GoldschmidtInverse inv = new GoldschmidtInverse(d, k);
            double bound = inv.relativeErrorBound();
            double worst = 0;
            for (int i = 0; i <= 4000; i++) {
                // geometric grid: the interesting region is near lo
                double x = d.lo() * Math.pow(d.hi() / d.lo(), i / 4000.0);
                double rel = Math.abs(inv.value(x) * x - 1);
                assertTrue(rel <= bound + 1e-13, "k=" + k + " x=" + x + " rel=" + rel + " bound=" + bound);
                worst = Math.max(worst, rel);
            }
            // tight: the bound is attained at the domain ends (when it is above rounding level)
            if (bound > 1e-10) {
                assertTrue(worst >= 0.9 * bound, "k=" + k + " worst " + worst + " far below bound " + bound);
            }
        }
    }

    @Test
    void boundMatchesClosedForm() {
        GoldschmidtInverse inv = new GoldschmidtInverse(new Domain(1, 3), 2);
        // q = (3-1)/(3+1) = 1/2; bound = q^(2^3) = 1/256
        assertEquals(1.0 / 256, inv.relativeErrorBound(), 1e-18);
        // at x = 1: x' = 1/2, Inv = (1 - (1/2)^8) / 1
        assertEquals(1 - 1.0 / 256, inv.value(1), 1e-15);
        assertEquals(1.0 / 256, inv.relativeError(1), 1e-18);
    }

    @Test
    void convergesToExactInverseWithEnoughIterations() {
        GoldschmidtInverse inv = new GoldschmidtInverse(new Domain(0.5, 2), 6);
        for (double x = 0.5; x <= 2; x += 0.01) {
            assertEquals(1 / x, inv.value(x), 1e-14 / x);
        }
    }

    @Test
    void divergesOutsideConvergenceRegion() {
        GoldschmidtInverse inv = new GoldschmidtInverse(new Domain(1, 3), 8);
        // converges on (0, lo + hi) = (0, 4); at x = 5 the error |1 - 2.5|^(2^9) explodes
        assertTrue(Math.abs(inv.value(5) * 5 - 1) > 1e6);
        RangeMonitor m = new RangeMonitor("inv", inv.domain());
        inv.value(5, m);
        assertEquals(1, m.outOfRange());
    }

    @Test
    void rejectsNonPositiveDomainAndZeroIterations() {
        assertThrows(IllegalArgumentException.class, () -> new GoldschmidtInverse(new Domain(0, 1), 3));
        assertThrows(IllegalArgumentException.class, () -> new GoldschmidtInverse(new Domain(-1, 1), 3));
        assertThrows(IllegalArgumentException.class, () -> new GoldschmidtInverse(new Domain(1, 2), 0));
    }
}
