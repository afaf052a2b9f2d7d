package org.cipherformer.threats;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.ee.EeModelTransform;
import org.cipherformer.model.ee.EePermutations;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.Task;
import org.cipherformer.model.reference.ReferenceModel;

/**
 * T2, functional signature: black-box queries. The attacker runs the EE-transformed LM on every single-token input
 * {@code [c]} (c a permuted id) and a reference LM on every plaintext token {@code [t]}, and matches the sorted output
 * logits: the transformed model's output is the original output permuted by the vocabulary permutation, and sorting
 * erases that permutation, so {@code sort(f_ee([c])) = sort(f([vocab(c)]))} up to float rounding. Internal
 * (residual, MLP, head) permutations play no role: only input/output behaviour is used.
 *
 * <p>Single-token inputs need no knowledge of the permuted {@code <bos>} id. With the victim's own original as
 * reference this is exact; with a different model it measures how much a model's "shape" of next-token
 * distributions identifies a token.
 */
public final class FunctionalSignatureAttack {
    /** Order statistics of the sorted logit vector used as the signature. */
    static final int SIGNATURE = 128;

    private FunctionalSignatureAttack() {
    }

    /**
     * @param victimName    victim model name
     * @param victim        the victim's untransformed LM (defender side; the attacker queries its transform)
     * @param referenceName the attacker's reference model name
     * @param reference     the attacker's reference LM (the victim's original, or another model, same vocab size)
     * @param key           the defender's key (transform and scoring only)
     * @param queries       how many permuted ids to query (the first {@code queries} ids; at most the vocabulary)
     * @return metrics {@code vocab_recovered} (over the queried ids), queries and reference evaluations
     */
    public static AttackResult run(String victimName, ModelDirectory.Model victim, String referenceName,
                                   ModelDirectory.Model reference, EeKey key, int queries) {
        return run(victimName, victim, referenceName, reference, key, queries, null);
    }

    /**
     * As {@link #run(String, ModelDirectory.Model, String, ModelDirectory.Model, EeKey, int)}, with the attacker's
     * knowledge stated by the caller (e.g. for a randomly initialised reference).
     *
     * @param knowledge what the attacker holds, or null for the default wording (own originals / a different
     *                  public model)
     */
    public static AttackResult run(String victimName, ModelDirectory.Model victim, String referenceName,
                                   ModelDirectory.Model reference, EeKey key, int queries, String knowledge) {
        if (victim.config().task() != Task.CAUSAL_LM || reference.config().task() != Task.CAUSAL_LM) {
            throw new IllegalArgumentException("T2 attacks language models; " + victimName + " / " + referenceName
                    + " is not one");
        }
        int v = victim.config().architecture().vocabSize();
        if (reference.config().architecture().vocabSize() != v) {
            throw new IllegalArgumentException("reference " + referenceName + " has vocabulary "
                    + reference.config().architecture().vocabSize() + ", victim " + v);
        }
        if (queries < 1 || queries > v) {
            throw new IllegalArgumentException("queries must be in [1, " + v + "], got " + queries);
        }
        ReferenceModel served = new ReferenceModel(EeModelTransform.transform(victim, key));
        ReferenceModel ref = new ReferenceModel(reference);
        int[] truth = EePermutations.derive(key, victim.config()).vocab().sources();

        long t0 = System.nanoTime();
        double[][] observed = new double[queries][];
        for (int c = 0; c < queries; c++) {
            observed[c] = served.languageModel(new int[] {c}).logits()[0];
        }
        double queriesSeconds = (System.nanoTime() - t0) / 1e9;
        double[][] expected = new double[v][];
        for (int t = 0; t < v; t++) {
            expected[t] = ref.languageModel(new int[] {t}).logits()[0];
        }
        int[] guess = SortedSignatureMatcher.matchRows(expected, observed, SIGNATURE);
        double seconds = (System.nanoTime() - t0) / 1e9;

        int ok = 0;
        for (int c = 0; c < queries; c++) {
            if (guess[c] == truth[c]) {
                ok++;
            }
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("vocab_recovered", (double) ok / queries);
        metrics.put("queries", queries);
        metrics.put("reference_evaluations", v);
        metrics.put("query_seconds", queriesSeconds);
        metrics.put("chance_level", 1.0 / v);
        boolean own = referenceName.equals(victimName);
        String stated = knowledge != null ? knowledge : own
                ? "query access to the EE-served " + victimName + " + the public original weights of " + victimName
                : "query access to the EE-served " + victimName + " (privately trained) + a different public model "
                + "with the same tokenizer (" + referenceName + "); not the victim's originals";
        String inputs = queries + " single-token queries [c] (permuted ids), " + v
                + " plaintext evaluations of the reference; sorted logits compared (" + SIGNATURE + " order stats)";
        return new AttackResult("T2", "functional signature (sorted output logits)", victimName, stated, inputs,
                metrics, seconds);
    }
}
