package org.cipherformer.threats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * T1/T2 without the originals at the quick size, shipped models, fresh key: a random reference does no better than
 * chance, and the weight-free frequency ranking of the output bias still decodes a share of a victim's tokens far
 * above chance.
 */
class WithoutOriginalsAttacksTest {
    @Test
    void randomReferenceIsAtChanceAndFrequencyRankingIsNot() throws Exception {
        long t0 = System.nanoTime();
        List<AttackResult> rs = WithoutOriginalsAttacks.run(WithoutOriginalsAttacks.Settings.quick(),
                System.out::println);
        System.out.printf("without originals quick: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        for (AttackResult r : rs) {
            System.out.println(r.id() + " " + r.model() + " | " + r.title() + " | " + r.knowledge() + " | "
                    + r.metrics() + " " + r.seconds() + " s");
        }
        assertEquals(6, rs.size());
        AttackResult vit = rs.get(0);
        assertEquals("T1", vit.id());
        assertTrue(vit.knowledge().contains("randomly initialised"), vit.knowledge());
        // 10 classes: a random reference names at most a few by luck
        assertTrue(vit.metric("entries_recovered") < 0.1, vit.metrics().toString());
        AttackResult t1 = rs.get(1);
        assertTrue(t1.metric("vocab_recovered") < 0.01, t1.metrics().toString());
        assertTrue(t1.metric("entries_recovered") < 0.05, t1.metrics().toString());
        AttackResult t2 = rs.get(2);
        assertEquals("T2", t2.id());
        assertTrue(t2.metric("vocab_recovered") < 0.02, t2.metrics().toString());

        AttackResult bias = rs.get(3);
        assertTrue(bias.title().contains("output bias"), bias.title());
        assertTrue(bias.knowledge().contains("no reference model"), bias.knowledge());
        assertTrue(bias.metric("spearman_with_frequency") > 0.5, bias.metrics().toString());
        // the output bias ranks <unk> (16% of the fortunes stream) right, and little else (measured 0.09% of the
        // other tokens)
        assertTrue(bias.metric("token_accuracy") > 0.1, bias.metrics().toString());
        assertTrue(bias.metric("token_accuracy_without_unk") < 0.05, bias.metrics().toString());
        // the mean output over black-box queries also names frequent words (measured 12% of the non-<unk> tokens)
        AttackResult query = rs.get(5);
        assertEquals("T2", query.id());
        assertTrue(query.metric("token_accuracy_without_unk") > 0.05, query.metrics().toString());
    }
}
