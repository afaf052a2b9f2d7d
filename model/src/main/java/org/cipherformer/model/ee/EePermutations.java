package org.cipherformer.model.ee;

import org.cipherformer.model.format.Architecture;
import org.cipherformer.model.format.ImageSpec;
import org.cipherformer.model.format.ModelConfig;
import org.cipherformer.model.format.Task;

/**
 * Every permutation EE mode applies to one model, derived from a key by {@link EeKeySchedule} for the model's sizes.
 * The key holder uses them to transform the weights ({@link EeModelTransform}); a client uses the input/output ones
 * ({@link EeCodec}). Secret: never log or send these.
 */
public final class EePermutations {
    private final Architecture arch;
    private final Task task;
    private final Permutation residual;
    private final Permutation[] mlp;
    private final Permutation[] heads;
    private final Permutation[][] queryKey;
    private final Permutation[][] valueOut;
    private final Permutation vocab;
    private final Permutation classes;
    private final Permutation patchPixels;
    private final Permutation patchPositions;

    private EePermutations(EeKey key, ModelConfig config) {
        this.arch = config.architecture();
        this.task = config.task();
        residual = EeKeySchedule.derive(key, EeKeySchedule.residualLabel(), arch.dModel());
        mlp = new Permutation[arch.layers()];
        heads = new Permutation[arch.layers()];
        queryKey = new Permutation[arch.layers()][arch.heads()];
        valueOut = new Permutation[arch.layers()][arch.heads()];
        for (int l = 0; l < arch.layers(); l++) {
            mlp[l] = EeKeySchedule.derive(key, EeKeySchedule.mlpLabel(l), arch.mlpHidden());
            heads[l] = EeKeySchedule.derive(key, EeKeySchedule.headsLabel(l), arch.heads());
            for (int h = 0; h < arch.heads(); h++) {
                queryKey[l][h] = EeKeySchedule.derive(key, EeKeySchedule.queryKeyLabel(l, h), arch.headDim());
                valueOut[l][h] = EeKeySchedule.derive(key, EeKeySchedule.valueOutLabel(l, h), arch.headDim());
            }
        }
        if (task == Task.IMAGE_CLASSIFICATION) {
            ImageSpec im = arch.image();
            classes = EeKeySchedule.derive(key, EeKeySchedule.classesLabel(), im.numClasses());
            patchPixels = EeKeySchedule.derive(key, EeKeySchedule.patchPixelsLabel(), im.patchDim());
            patchPositions = EeKeySchedule.derive(key, EeKeySchedule.patchPositionsLabel(), im.patchCount());
            vocab = null;
        } else {
            vocab = EeKeySchedule.derive(key, EeKeySchedule.vocabLabel(), arch.vocabSize());
            classes = null;
            patchPixels = null;
            patchPositions = null;
        }
    }

    /**
     * Derives the permutations of a model's sizes.
     *
     * @param key    the EE key
     * @param config the (original or transformed) model's configuration
     * @return the permutations
     */
    public static EePermutations derive(EeKey key, ModelConfig config) {
        return new EePermutations(key, config);
    }

    /** @return the architecture the permutations were derived for */
    public Architecture architecture() {
        return arch;
    }

    /** @return the task */
    public Task task() {
        return task;
    }

    /** @return the residual-stream permutation (d_model) */
    public Permutation residual() {
        return residual;
    }

    /** @return the MLP hidden-unit permutation of a layer */
    public Permutation mlp(int layer) {
        return mlp[layer];
    }

    /** @return the head permutation of a layer */
    public Permutation heads(int layer) {
        return heads[layer];
    }

    /** @return the query/key dimension permutation of an original head */
    public Permutation queryKey(int layer, int head) {
        return queryKey[layer][head];
    }

    /** @return the value/output-projection dimension permutation of an original head */
    public Permutation valueOut(int layer, int head) {
        return valueOut[layer][head];
    }

    /**
     * The permutation of the d_model outputs of Q and K: head block {@code h'} of the transformed model is original
     * head {@code heads.source(h')}, its dimensions in that head's q/k order: position {@code h' dh + e} holds
     * original {@code H dh + qk_H.source(e)} with {@code H = heads.source(h')}. Q and K get the same map, so every
     * score {@code q.k} is unchanged.
     *
     * @param layer the layer
     * @return the permutation over d_model
     */
    public Permutation queryKeyWide(int layer) {
        return wide(layer, queryKey[layer]);
    }

    /**
     * The permutation of V's outputs and of the output projection's inputs (same construction as
     * {@link #queryKeyWide} with the v/o dimension permutations).
     *
     * @param layer the layer
     * @return the permutation over d_model
     */
    public Permutation valueOutWide(int layer) {
        return wide(layer, valueOut[layer]);
    }

    private Permutation wide(int layer, Permutation[] perHead) {
        int dh = arch.headDim();
        int[] s = new int[arch.dModel()];
        for (int hp = 0; hp < arch.heads(); hp++) {
            int h = heads[layer].source(hp);
            for (int e = 0; e < dh; e++) {
                s[hp * dh + e] = h * dh + perHead[h].source(e);
            }
        }
        return new Permutation(s);
    }

    /** @return the vocabulary permutation (LM only, special tokens included) */
    public Permutation vocab() {
        requireTask(Task.CAUSAL_LM, "vocab");
        return vocab;
    }

    /** @return the class permutation (ViT only) */
    public Permutation classes() {
        requireTask(Task.IMAGE_CLASSIFICATION, "classes");
        return classes;
    }

    /** @return the permutation of the values inside a patch (ViT only; the same for every patch) */
    public Permutation patchPixels() {
        requireTask(Task.IMAGE_CLASSIFICATION, "patch-pixels");
        return patchPixels;
    }

    /** @return the permutation of patch positions (ViT only) */
    public Permutation patchPositions() {
        requireTask(Task.IMAGE_CLASSIFICATION, "patch-positions");
        return patchPositions;
    }

    private void requireTask(Task t, String what) {
        if (task != t) {
            throw new IllegalStateException("a " + task.jsonName() + " model has no " + what + " permutation");
        }
    }
}
