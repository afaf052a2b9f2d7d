package org.cipherformer.threats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.cipherformer.model.data.FortuneCorpus;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.ee.EeKey;
import org.cipherformer.model.ee.EeModelTransform;
import org.cipherformer.model.ee.EePermutations;
import org.cipherformer.model.ee.Permutation;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;
import org.cipherformer.model.tokenizer.WordTokenizer;

/**
 * T5, hidden-state matching ("Hidden No More", Thomas et al., ICML 2025): the attacker sees the intermediate
 * activations of a request as the server computes them with the EE-transformed LM (the residual stream after the
 * embedding, layer 0, and after each block, layer l + 1), all of them permuted by the secret residual permutation, and
 * decodes the prompt token by token.
 *
 * <p>Sorting a vector erases any permutation of its coordinates, so for position i the attacker runs its reference
 * LM on (already decoded prefix + t) for every candidate token t, sorts the reference's residual state at position i
 * and layer l, and picks the t whose sorted state is nearest (squared L2) to the sorted observed state. The model is
 * causal, so the state at position i depends on tokens 0..i only and the decoded prefix is all the context the
 * attacker needs. Every candidate is evaluated (no pruning): with the reference's key/value cache of the prefix
 * ({@link ReferenceModel#lmPrefix}) one candidate costs one token of compute up to layer l.
 *
 * <p>With the victim's own original weights as reference (a public model served under EE) the right candidate
 * reproduces the observed state up to float rounding. With a different model (the sibling shipped variant standing
 * in for a privately trained victim) the states only resemble each other, which this measures (measured: the
 * embedding output still names most tokens, the stream after any block none; standardising the sorted vectors to
 * zero mean and unit variance before matching did not help either, 0 of 20 tokens after a block even when given the
 * true prefix). The decoded prompt is
 * scored against the truth; the permutations are never read by the attack.
 *
 * <p>Not run on the ViT: token-by-token candidate enumeration needs a discrete input alphabet, and a ViT token is a
 * continuous 7x7 patch (256^49 candidates); its attention is not causal either, so from block 0 on every position's
 * state depends on all patches. Its embedding output is affine in the patch, so an attacker holding the originals
 * inverts it once the residual permutation is known, which T1 already recovers completely from the weights.
 */
public final class HiddenStateMatchingAttack {
    /**
     * @param models          directory holding the shipped LMs
     * @param fortunes        fortune directory; prompts come from its validation split
     * @param key             the defender's EE key (fresh per run)
     * @param victims         victim LM directory names (each attacked with its own original as reference)
     * @param prompts         prompts per victim with its own original as reference
     * @param maxTokens       tokens per prompt ({@code <bos>} + the fortune's first tokens), at most seq_len
     * @param siblingPrompts  prompts per victim with the other shipped LM as reference (0: skip that case)
     * @param siblingTokens   tokens per prompt in the sibling case (the first of the same prompts)
     */
    public record Settings(Path models, Path fortunes, EeKey key, List<String> victims, int prompts, int maxTokens,
                           int siblingPrompts, int siblingTokens) {
        public Settings {
            if (prompts < 1 || maxTokens < 1 || siblingPrompts < 0 || siblingTokens < 1 || victims.isEmpty()) {
                throw new IllegalArgumentException("T5 needs victims, prompts >= 1, maxTokens >= 1, siblingPrompts"
                        + " >= 0, siblingTokens >= 1; got " + victims + ", " + prompts + ", " + maxTokens + ", "
                        + siblingPrompts + ", " + siblingTokens);
            }
            victims = List.copyOf(victims);
        }

        /**
         * @return the test-suite size (about 25 s on the loaded build machine): tiny-lm, 1 prompt of 8 tokens with
         *         its original, its first 4 tokens with the sibling
         */
        public static Settings quick() {
            return new Settings(RepoPaths.root().resolve("models"), FortuneCorpus.DEBIAN_DIR, EeKey.generate(),
                    List.of("tiny-lm"), 1, 8, 1, 4);
        }

        /**
         * @return the documented run (measured 592 s on the build machine): both shipped LMs, 8 prompts of 32
         *         tokens with the original, 4 prompts of 32 tokens with the sibling
         */
        public static Settings full() {
            return new Settings(RepoPaths.root().resolve("models"), FortuneCorpus.DEBIAN_DIR, EeKey.generate(),
                    List.of("tiny-lm", "tiny-lm-original"), 8, 32, 4, 32);
        }
    }

    private HiddenStateMatchingAttack() {
    }

    /**
     * Runs T5 on every victim, with its own original and (if asked) with the sibling LM as reference, at every layer.
     *
     * @param s        settings
     * @param progress receives one short line per (victim, reference, layer)
     * @return one result per victim, reference and layer (metric {@code layer}: 0 = embedding output)
     * @throws IOException if a model or the corpus cannot be read
     */
    public static List<AttackResult> run(Settings s, Consumer<String> progress) throws IOException {
        FortuneCorpus corpus = FortuneCorpus.load(s.fortunes());
        List<AttackResult> out = new ArrayList<>();
        for (String victimName : s.victims()) {
            ModelDirectory.Model victim = ModelDirectory.load(s.models().resolve(victimName));
            String siblingName = victimName.endsWith("-original")
                    ? victimName.substring(0, victimName.length() - "-original".length()) : victimName + "-original";
            List<int[]> prompts = prompts(corpus, victim.tokenizer(),
                    Math.max(s.prompts(), s.siblingPrompts()), Math.min(s.maxTokens(),
                            victim.config().architecture().seqLen()));
            out.addAll(attack(victimName, victim, victimName, victim, s.key(), prompts.subList(0, s.prompts()),
                    progress));
            if (s.siblingPrompts() > 0) {
                ModelDirectory.Model sibling = ModelDirectory.load(s.models().resolve(siblingName));
                List<int[]> shorter = new ArrayList<>();
                for (int[] p : prompts.subList(0, s.siblingPrompts())) {
                    shorter.add(Arrays.copyOf(p, Math.min(p.length, s.siblingTokens())));
                }
                out.addAll(attack(victimName, victim, siblingName, sibling, s.key(), shorter, progress));
            }
        }
        return out;
    }

    /**
     * The first {@code count} validation fortunes with at least 3 tokens, each as {@code <bos>} + its first
     * {@code maxTokens - 1} tokens.
     */
    static List<int[]> prompts(FortuneCorpus corpus, WordTokenizer tok, int count, int maxTokens) {
        List<int[]> out = new ArrayList<>();
        for (String f : corpus.validation()) {
            if (out.size() == count) {
                break;
            }
            int[] ids = tok.encode(f);
            if (ids.length < 3) {
                continue;
            }
            int n = Math.min(ids.length + 1, maxTokens);
            int[] p = new int[n];
            p[0] = WordTokenizer.BOS;
            System.arraycopy(ids, 0, p, 1, n - 1);
            out.add(p);
        }
        if (out.size() < count) {
            throw new IllegalArgumentException("only " + out.size() + " validation fortunes usable, " + count
                    + " asked");
        }
        return out;
    }

    /**
     * Attacks {@code victim} (served under {@code key}) with {@code reference} at every layer.
     *
     * @param victimName    victim name
     * @param victim        the victim's untransformed LM (defender side)
     * @param referenceName reference name
     * @param reference     the attacker's reference LM (same vocabulary size and width)
     * @param key           the defender's key
     * @param prompts       plaintext prompts the victim sends
     * @param progress      progress lines
     * @return one result per layer
     */
    public static List<AttackResult> attack(String victimName, ModelDirectory.Model victim, String referenceName,
                                            ModelDirectory.Model reference, EeKey key, List<int[]> prompts,
                                            Consumer<String> progress) {
        var a = victim.config().architecture();
        var ra = reference.config().architecture();
        if (!a.vocabSize().equals(ra.vocabSize()) || a.dModel() != ra.dModel() || a.layers() != ra.layers()) {
            throw new IllegalArgumentException("reference " + referenceName + " does not match victim " + victimName
                    + " in vocabulary, width or depth");
        }
        // defender side: the served (transformed) model and the permuted requests
        ReferenceModel served = new ReferenceModel(EeModelTransform.transform(victim, key));
        Permutation vocab = EePermutations.derive(key, victim.config()).vocab();
        List<double[][][]> observed = new ArrayList<>();
        int tokens = 0;
        for (int[] p : prompts) {
            int[] sent = new int[p.length];
            for (int i = 0; i < p.length; i++) {
                sent[i] = vocab.positionOf(p[i]);
            }
            observed.add(served.lmResidualStreams(sent));
            tokens += p.length;
        }

        ReferenceModel ref = new ReferenceModel(reference);
        int v = a.vocabSize();
        List<AttackResult> out = new ArrayList<>();
        for (int layer = 0; layer <= a.layers(); layer++) {
            long t0 = System.nanoTime();
            int ok = 0;
            int whole = 0;
            long evaluations = 0;
            for (int k = 0; k < prompts.size(); k++) {
                int[] truth = prompts.get(k);
                int[] decoded = decode(ref, observed.get(k)[layer], layer, v);
                evaluations += (long) truth.length * v;
                int right = 0;
                for (int i = 0; i < truth.length; i++) {
                    right += decoded[i] == truth[i] ? 1 : 0;
                }
                ok += right;
                whole += right == truth.length ? 1 : 0;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", layer);
            m.put("token_accuracy", (double) ok / tokens);
            m.put("prompts_recovered", (double) whole / prompts.size());
            m.put("tokens", tokens);
            m.put("prompts", prompts.size());
            m.put("candidate_evaluations", evaluations);
            m.put("chance_level", 1.0 / v);
            boolean own = referenceName.equals(victimName);
            String knowledge = (layer == 0 ? "the permuted embedding output" : "the permuted residual stream after "
                    + "block " + (layer - 1)) + " of each request to the EE-served " + victimName + " + "
                    + (own ? "the public original weights of " + victimName
                    : "a different public model of the same architecture and tokenizer (" + referenceName
                    + "); not the victim's originals");
            String inputs = prompts.size() + " prompts (" + tokens + " tokens, fortunes validation split); every one "
                    + "of the " + v + " candidates evaluated at every position (no pruning), nearest sorted state";
            out.add(new AttackResult("T5", "hidden-state matching (sorted residual states, layer " + layer + ")",
                    victimName, knowledge, inputs, m, seconds));
            progress.accept(String.format("T5 %s ref %s layer %d: %.3f token accuracy, %.1f s", victimName,
                    referenceName, layer, (double) ok / tokens, seconds));
        }
        return out;
    }

    /**
     * Decodes one request from its observed states at one layer.
     *
     * @param ref      the attacker's reference
     * @param observed {@code [positions][d_model]} permuted states
     * @param layer    0 = embedding output, l + 1 = after block l
     * @param v        vocabulary size
     * @return the decoded token ids
     */
    static int[] decode(ReferenceModel ref, double[][] observed, int layer, int v) {
        int n = observed.length;
        int[] decoded = new int[n];
        for (int i = 0; i < n; i++) {
            double[] target = observed[i].clone();
            Arrays.sort(target);
            ReferenceModel.LmPrefix prefix = ref.lmPrefix(Arrays.copyOf(decoded, i));
            double best = Double.POSITIVE_INFINITY;
            int arg = 0;
            for (int t = 0; t < v; t++) {
                double[] h = ref.lmNextResiduals(prefix, t, layer)[layer];
                Arrays.sort(h);
                double d = 0;
                for (int j = 0; j < h.length && d < best; j++) {
                    double e = h[j] - target[j];
                    d += e * e;
                }
                if (d < best) {
                    best = d;
                    arg = t;
                }
            }
            decoded[i] = arg;
        }
        return decoded;
    }
}
