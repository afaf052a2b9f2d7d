package org.cipherformer.threats.leakage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.cipherformer.threats.AttackResult;
import org.junit.jupiter.api.Test;

/** L1 at quick() size on the real kernels: the raw decryption gives the key away, the flooded one does not. */
class KeyRecoveryAttackTest {
    @Test
    void rawDecryptionLeaksTheKeyAndFloodingStopsIt() throws Exception {
        List<String> progress = new ArrayList<>();
        List<AttackResult> rows = KeyRecoveryAttack.run(KeyRecoveryAttack.Settings.quick(), progress::add);
        assertEquals(2, rows.size());
        assertEquals(2, progress.size());
        rows.forEach(r -> System.out.println("L1 " + r.title() + ": " + r.metrics()));
        AttackResult raw = rows.get(0);
        AttackResult flooded = rows.get(1);
        assertEquals("L1", raw.id());
        assertEquals("L1", flooded.id());

        assertEquals(1.0, raw.metric("key_coefficients_recovered"), raw.metrics().toString());
        assertEquals(1.0, raw.metric("key_recovered"));
        assertEquals(1.0, raw.metric("decryptions_recovered"), raw.metrics().toString());
        assertEquals(0.0, raw.metric("flooding_sigma"));

        assertTrue(flooded.metric("flooding_sigma") > 1000, flooded.metrics().toString());
        assertEquals(0.0, flooded.metric("key_recovered"));
        // A uniform residue matches a ternary coefficient with probability ~3/q: none of 4096 should match.
        assertTrue(flooded.metric("key_coefficients_recovered") < 0.01, flooded.metrics().toString());
        // Rounding the candidate to {-1, 0, 1} is right a third of the time by chance (std 0.0074 at N = 4096).
        double ternary = flooded.metric("ternary_guess_recovered");
        assertTrue(Math.abs(ternary - 1.0 / 3) < 0.05, "ternary guess " + ternary + " is not at chance");
        assertEquals(0.0, flooded.metric("decryptions_recovered"), flooded.metrics().toString());
    }
}
