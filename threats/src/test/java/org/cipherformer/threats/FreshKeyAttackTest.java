package org.cipherformer.threats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * T6 on the shipped tiny-lm with a fresh key per request: pooling fresh-key requests must not help frequency
 * analysis the way one shared key does, while the server's alignment through each request's transformed weights
 * must restore it; the hidden permutation of every request must fall to the shared {@code <bos>} state; with the
 * originals every request's vocabulary must be recovered exactly.
 */
class FreshKeyAttackTest {
    @Test
    void quickRunShowsWhatAFreshKeyPerRequestStillLeaks() throws Exception {
        FreshKeyAttack.Settings s = FreshKeyAttack.Settings.quick();
        long t0 = System.nanoTime();
        List<String> lines = new ArrayList<>();
        List<AttackResult> rs = FreshKeyAttack.run(s, lines::add);
        double seconds = (System.nanoTime() - t0) / 1e9;
        lines.forEach(System.out::println);
        System.out.println("T6 quick took " + seconds + " s");
        assertEquals(s.queries().length + s.tokensPerRequest().length + 1, rs.size());
        rs.forEach(r -> {
            assertEquals("T6", r.id());
            System.out.println("T6 " + r.metrics());
        });
        AttackResult most = rs.get(s.queries().length - 1);
        assertEquals(100, most.metric("queries"));
        // one shared key over 100 requests: frequency analysis decodes a good share of the user text ...
        assertTrue(most.metric("same_key_user_token_accuracy") > 0.2, most.metrics().toString());
        // ... fresh keys pooled: far less
        assertTrue(most.metric("fresh_key_pooled_user_token_accuracy")
                < most.metric("same_key_user_token_accuracy") - 0.1, most.metrics().toString());
        // aligning requests through their transformed embeddings (no originals) turns fresh keys back into one key
        assertTrue(most.metric("aligned_by_weights_user_token_accuracy")
                > most.metric("fresh_key_pooled_user_token_accuracy") + 0.1, most.metrics().toString());

        for (int i = s.queries().length; i < s.queries().length + s.tokensPerRequest().length; i++) {
            AttackResult r = rs.get(i);
            // position 0 holds <bos> in every request: one vector under two permutations aligns every coordinate
            assertEquals(1.0, r.metric("bos_state_coordinates_recovered"), r.metrics().toString());
        }
        // user-text statistics alone: better than chance once a request has its full content
        AttackResult longest = rs.get(s.queries().length + s.tokensPerRequest().length - 1);
        assertTrue(longest.metric("all_layers_coordinates_recovered") > 3 * longest.metric("chance_level"),
                longest.metrics().toString());

        AttackResult w = rs.get(rs.size() - 1);
        assertEquals(1.0, w.metric("vocab_recovered_min"), w.metrics().toString());
        assertEquals(1.0, w.metric("residual_recovered"), w.metrics().toString());
        assertEquals(1.0, w.metric("request_token_accuracy"), w.metrics().toString());
        assertEquals(1.0, w.metric("cross_request_vocab_recovered"), w.metrics().toString());
        assertTrue(seconds < 60, "quick T6 took " + seconds + " s");
    }

    @Test
    void minCostAssignmentFindsTheOptimumAndRejectsBadInput() {
        double[][] c = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
        // optimum 1 + 2 + 2 = 5 with rows -> columns 1, 0, 2
        assertArrayEquals(new int[] {1, 0, 2}, MinCostAssignment.solve(c));
        assertThrows(IllegalArgumentException.class, () -> MinCostAssignment.solve(new double[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class,
                () -> MinCostAssignment.solve(new double[][] {{1, Double.NaN}, {0, 1}}));
    }

    @Test
    void sortedRowIndexFindsPermutedRowsAndRefusesAmbiguity() {
        SortedRowIndex idx = new SortedRowIndex(new double[][] {{1, 2, 3}, {3, 1, 5}, {2, 2, 2}, {2, 2, 2}});
        assertEquals(0, idx.find(new double[] {3, 1, 2}));
        assertEquals(1, idx.find(new double[] {5, 3, 1}));
        assertEquals(-1, idx.find(new double[] {2, 2, 2}));
        assertEquals(-1, idx.find(new double[] {9, 9, 9}));
    }
}
