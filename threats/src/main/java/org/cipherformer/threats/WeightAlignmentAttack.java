package org.cipherformer.threats;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.ee.EeModelTransform;
import org.cipherformer.model.ee.EePermutations;
import org.cipherformer.model.format.Architecture;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.Task;

/**
 * T1, weight alignment: the attacker holds the EE-transformed weights (a server hosting the model does) and a
 * reference model, and recovers every secret permutation by matching sorted rows and columns
 * ({@link SortedSignatureMatcher}).
 *
 * <p>EE moves weights without changing them, so when the reference is the victim's own original (a public model
 * served privately) each sorted row is an exact fingerprint: {@code sort(E'[i]) = sort(E[vocab(i)])} for the token
 * embedding {@code E' = P_vocab E P_residual}, and the residual, MLP, and per-layer Q/K and V/O maps fall the same way.
 * When the reference is a different model (the victim trained its own weights privately and the attacker uses the
 * closest public model) the same nearest-neighbour matching measures how much of that fingerprint survives.
 * Scoring uses the true permutations (derived from the key), which the attack itself never reads.
 */
public final class WeightAlignmentAttack {
    /** Order statistics per sorted row; every entry when rows are shorter (d_model = 64 in the shipped models). */
    static final int SIGNATURE = 64;

    private WeightAlignmentAttack() {
    }

    /**
     * Transforms {@code victim} under {@code key} and attacks the transformed weights with {@code reference}.
     *
     * @param victimName    name of the victim model (for the report)
     * @param victim        the victim's untransformed model (the defender's side; the attacker sees only its
     *                      transform)
     * @param referenceName name of the attacker's reference model
     * @param reference     the attacker's reference weights: the victim itself, or a different model with the same
     *                      architecture
     * @param key           the defender's EE key (used to transform and to score only)
     * @return the measured result; metrics {@code <perm>_recovered} per permutation and
     *         {@code entries_recovered} over all of them
     */
    public static AttackResult run(String victimName, ModelDirectory.Model victim, String referenceName,
                                   ModelDirectory.Model reference, EeKey key) {
        return run(victimName, victim, referenceName, reference, key, null);
    }

    /**
     * As {@link #run(String, ModelDirectory.Model, String, ModelDirectory.Model, EeKey)}, with the attacker's
     * knowledge stated by the caller (e.g. for a randomly initialised reference).
     *
     * @param knowledge what the attacker holds, or null for the default wording (own originals / a different
     *                  public model)
     */
    public static AttackResult run(String victimName, ModelDirectory.Model victim, String referenceName,
                                   ModelDirectory.Model reference, EeKey key, String knowledge) {
        if (!sameShape(victim.config().architecture(), reference.config().architecture())) {
            throw new IllegalArgumentException("reference " + referenceName + " has another architecture than "
                    + victimName);
        }
        ModelDirectory.Model transformed = EeModelTransform.transform(victim, key);
        EePermutations truth = EePermutations.derive(key, victim.config());
        Architecture a = victim.config().architecture();
        boolean lm = victim.config().task() == Task.CAUSAL_LM;

        long t0 = System.nanoTime();
        Map<String, int[]> guesses = new LinkedHashMap<>();
        Map<String, int[]> truths = new LinkedHashMap<>();
        if (lm) {
            double[][] e = mat(reference, "tok_embed.weight");
            double[][] e2 = mat(transformed, "tok_embed.weight");
            guesses.put("vocab", SortedSignatureMatcher.matchRows(e, e2, SIGNATURE));
            truths.put("vocab", truth.vocab().sources());
            guesses.put("residual", SortedSignatureMatcher.matchRows(SortedSignatureMatcher.transpose(e),
                    SortedSignatureMatcher.transpose(e2), SIGNATURE));
            truths.put("residual", truth.residual().sources());
        } else {
            double[][] h = mat(reference, "head.weight");
            double[][] h2 = mat(transformed, "head.weight");
            guesses.put("classes", SortedSignatureMatcher.matchRows(h, h2, SIGNATURE));
            truths.put("classes", truth.classes().sources());
            double[][] pe = mat(reference, "patch_embed.weight");
            double[][] pe2 = mat(transformed, "patch_embed.weight");
            guesses.put("residual", SortedSignatureMatcher.matchRows(pe, pe2, SIGNATURE));
            truths.put("residual", truth.residual().sources());
            guesses.put("patch_pixels", SortedSignatureMatcher.matchRows(SortedSignatureMatcher.transpose(pe),
                    SortedSignatureMatcher.transpose(pe2), SIGNATURE));
            truths.put("patch_pixels", truth.patchPixels().sources());
            // pos_embed row 0 is the class token (fixed); rows 1.. are the patch positions
            double[][] pos = mat(reference, "pos_embed");
            double[][] pos2 = mat(transformed, "pos_embed");
            int[] g = SortedSignatureMatcher.matchRows(Arrays.copyOfRange(pos, 1, pos.length),
                    Arrays.copyOfRange(pos2, 1, pos2.length), SIGNATURE);
            guesses.put("patch_positions", g);
            truths.put("patch_positions", truth.patchPositions().sources());
        }
        for (int l = 0; l < a.layers(); l++) {
            String n = "layers." + l + ".";
            guesses.put("mlp_layer" + l, SortedSignatureMatcher.matchRows(mat(reference, n + "mlp.fc1.weight"),
                    mat(transformed, n + "mlp.fc1.weight"), SIGNATURE));
            truths.put("mlp_layer" + l, truth.mlp(l).sources());
            guesses.put("qk_layer" + l, SortedSignatureMatcher.matchRows(mat(reference, n + "attn.q.weight"),
                    mat(transformed, n + "attn.q.weight"), SIGNATURE));
            truths.put("qk_layer" + l, truth.queryKeyWide(l).sources());
            guesses.put("vo_layer" + l, SortedSignatureMatcher.matchRows(mat(reference, n + "attn.v.weight"),
                    mat(transformed, n + "attn.v.weight"), SIGNATURE));
            truths.put("vo_layer" + l, truth.valueOutWide(l).sources());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        Map<String, Object> metrics = new LinkedHashMap<>();
        long ok = 0;
        long total = 0;
        for (String k : guesses.keySet()) {
            int[] g = guesses.get(k);
            int[] t = truths.get(k);
            double f = SortedSignatureMatcher.fractionCorrect(g, t);
            metrics.put(k + "_recovered", f);
            ok += Math.round(f * g.length);
            total += g.length;
        }
        metrics.put("entries_recovered", (double) ok / total);
        metrics.put("permutations_attacked", guesses.size());
        metrics.put("chance_level_vocab_or_classes", 1.0 / (lm ? a.vocabSize() : truth.classes().size()));
        boolean own = referenceName.equals(victimName);
        String stated = knowledge != null ? knowledge : own
                ? "transformed weights of " + victimName + " + the public original weights of " + victimName
                : "transformed weights of " + victimName + " (privately trained) + the weights of a different public "
                + "model of the same architecture" + (lm ? " and tokenizer" : "") + " (" + referenceName + "); not the victim's originals";
        String inputs = "weights only (no queries); " + guesses.size() + " permutations matched by sorted rows/columns";
        return new AttackResult("T1", "weight alignment (sorted rows/columns)", victimName, stated, inputs,
                metrics, seconds);
    }

    private static boolean sameShape(Architecture x, Architecture y) {
        return x.dModel() == y.dModel() && x.heads() == y.heads() && x.layers() == y.layers()
                && x.mlpHidden() == y.mlpHidden() && java.util.Objects.equals(x.vocabSize(), y.vocabSize()) && x.seqLen() == y.seqLen();
    }

    private static double[][] mat(ModelDirectory.Model m, String name) {
        return m.tensor(name).toMatrix();
    }
}
