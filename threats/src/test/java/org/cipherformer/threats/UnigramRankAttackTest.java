package org.cipherformer.threats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.cipherformer.model.ee.Permutation;
import org.junit.jupiter.api.Test;

/** The rank mapping and its scores on small hand-made cases. */
class UnigramRankAttackTest {
    @Test
    void largestStatisticGoesToMostFrequentToken() {
        // plaintext ids by frequency: 2, 0, 1; statistic order: id 1 > id 2 > id 0
        assertArrayEquals(new int[] {1, 2, 0}, UnigramRankAttack.map(new double[] {0.1, 0.9, 0.5}, new int[] {2, 0, 1}));
        assertThrows(IllegalArgumentException.class, () -> UnigramRankAttack.map(new double[2], new int[3]));
    }

    @Test
    void spearmanOfMonotoneAndReversedData() {
        double[] x = {1, 5, 2, 8};
        assertEquals(1.0, UnigramRankAttack.spearman(x, new double[] {10, 50, 20, 80}), 1e-12);
        assertEquals(-1.0, UnigramRankAttack.spearman(x, new double[] {-1, -5, -2, -8}), 1e-12);
        assertEquals(0.0, UnigramRankAttack.spearman(x, new double[] {3, 3, 3, 3}), 0.0);
    }

    @Test
    void scoresAPerfectAndAnUnkOnlyStatistic() {
        // 5 ids; 1 is <unk>; permuted id c carries plaintext sources[c]
        Permutation vocab = new Permutation(new int[] {3, 0, 4, 1, 2});
        long[] counts = {50, 40, 5, 30, 20};
        int[] stream = {1, 1, 1, 1, 0, 3, 4, 2};
        double[] perfect = new double[5];
        for (int c = 0; c < 5; c++) {
            perfect[c] = counts[vocab.source(c)];
        }
        Map<String, Object> m = UnigramRankAttack.score(perfect, counts, vocab, stream);
        assertEquals(1.0, m.get("vocab_recovered"));
        assertEquals(1.0, m.get("token_accuracy"));
        assertEquals(1.0, m.get("token_accuracy_without_unk"));
        assertEquals(0.5, m.get("unk_share"));
        // only <unk> lands right. Plaintext ids by public frequency: 0, 1 (<unk>), 3, 4, 2. Statistic ranks by
        // permuted id: 0, 2, 4, 1, 3, so permuted 3 (= <unk>) gets rank 1 = <unk>; permuted 0 (= 3) gets 0,
        // 1 (= 0) gets 3, 2 (= 4) gets 2, 4 (= 2) gets 4: all wrong
        Map<String, Object> w = UnigramRankAttack.score(new double[] {5, 3, 1, 4, 2}, counts, vocab, stream);
        assertEquals(0.2, w.get("vocab_recovered"));
        assertEquals(0.5, w.get("token_accuracy"));
        assertEquals(0.0, w.get("token_accuracy_without_unk"));
    }
}
