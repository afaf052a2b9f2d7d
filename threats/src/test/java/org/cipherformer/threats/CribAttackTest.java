package org.cipherformer.threats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * T3 on the shipped tiny-lm and the fortunes corpus under a fresh key: the cribs must name exactly the special tokens
 * and the template words (every entry right), and anchoring the frequency analysis on them must not lose accuracy on
 * the user text.
 */
class CribAttackTest {
    /** Specials (<bos>, <eos>, <pad>) plus the distinct words of the fortune-app templates. */
    static int expectedEntries() {
        java.util.Set<String> words = new java.util.HashSet<>(List.of("<bos>", "<eos>", "<pad>"));
        for (RequestTemplate t : RequestTemplate.fortuneApp()) {
            words.addAll(t.prefix());
            words.addAll(t.suffix());
        }
        return words.size();
    }

    @Test
    void quickRunRecoversTheCribsAndAnchorsTheFrequencyAttack() throws Exception {
        long t0 = System.nanoTime();
        List<String> lines = new ArrayList<>();
        List<AttackResult> rs = CribAttack.run(CribAttack.Settings.quick(), lines::add);
        double seconds = (System.nanoTime() - t0) / 1e9;
        lines.forEach(System.out::println);
        System.out.println("T3 quick took " + seconds + " s");
        assertEquals(2, rs.size());
        assertEquals(rs.size(), lines.size());
        for (AttackResult r : rs) {
            System.out.println("T3 " + r.metrics());
            assertEquals("T3", r.id());
            // every crib entry is right, and all of them are found (each template is used in >= 3 requests)
            assertEquals(r.metric("crib_entries"), r.metric("crib_entries_correct"), r.metrics().toString());
            assertEquals(expectedEntries(), r.metric("crib_entries"), r.metrics().toString());
            assertEquals(RequestTemplate.fortuneApp().size() - 1, r.metric("crib_templates_found"));
            // anchors are kept: every crib-covered token is decoded right, so accuracy >= coverage
            assertTrue(r.metric("cribs_token_accuracy") >= r.metric("crib_token_coverage"), r.metrics().toString());
            // anchoring never hurts much and the attack stays far above chance on the private text
            assertTrue(r.metric("cribs_user_token_accuracy") > 0.1, r.metrics().toString());
            assertTrue(r.metric("cribs_user_token_accuracy") >= r.metric("baseline_user_token_accuracy") - 0.02,
                    r.metrics().toString());
        }
        assertTrue(seconds < 60, "quick T3 took " + seconds + " s");
    }

    @Test
    void cribDraggerRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> CribDragger.drag(List.of(new int[] {0, 5}), 4, 2, 3, 0,
                List.of(), List.of(), 1));
        assertThrows(IllegalArgumentException.class, () -> CribDragger.drag(List.of(new int[] {0, 1}), 4, 2, 3, 0,
                List.of(), List.of(), 0));
    }
}
