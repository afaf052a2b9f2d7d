package org.cipherformer.model.ee;

import org.cipherformer.model.format.ImageSpec;
import org.cipherformer.model.format.ModelConfig;
import org.cipherformer.model.format.Task;

/**
 * The client's side of EE mode: permutes inputs before they leave the client and un-permutes outputs after they
 * arrive. Only the input and output permutations are needed; the server holds the transformed model and never the
 * key.
 *
 * <p>Images: the image is cut into patches as the model does (row-major patch grid, {@code patch x patch x channels}
 * values per patch in row, column, channel order). The permuted image has at patch position {@code t} the original
 * patch {@code positions.s(t)}, whose values are reordered by the patch-pixel permutation: value {@code i} of that
 * patch is original value {@code pixels.s(i)}. The result has the original image's shape, so the server runs the
 * transformed ViT on it exactly as it runs any ViT on an image.
 */
public final class EeCodec {
    private final String keyId;
    private final ImageSpec image;
    private final Permutation classes;
    private final Permutation patchPixels;
    private final Permutation patchPositions;
    private final Permutation vocab;

    private EeCodec(EeKey key, ImageSpec image, Integer vocabSize) {
        this.keyId = key.keyId();
        this.image = image;
        if (image != null) {
            classes = EeKeySchedule.derive(key, EeKeySchedule.classesLabel(), image.numClasses());
            patchPixels = EeKeySchedule.derive(key, EeKeySchedule.patchPixelsLabel(), image.patchDim());
            patchPositions = EeKeySchedule.derive(key, EeKeySchedule.patchPositionsLabel(), image.patchCount());
            vocab = null;
        } else {
            vocab = EeKeySchedule.derive(key, EeKeySchedule.vocabLabel(), vocabSize);
            classes = null;
            patchPixels = null;
            patchPositions = null;
        }
    }

    /**
     * @param key    the EE key
     * @param config the model's configuration (original or transformed: only input/output sizes and task are used)
     */
    public EeCodec(EeKey key, ModelConfig config) {
        this(key, config.task() == Task.IMAGE_CLASSIFICATION ? config.architecture().image() : null,
                config.architecture().vocabSize());
    }

    /**
     * The codec of an image classifier, from its input geometry alone (what a server describes).
     *
     * @param key   the EE key
     * @param image image size, patch size and class count
     * @return the codec
     */
    public static EeCodec forImages(EeKey key, ImageSpec image) {
        return new EeCodec(key, java.util.Objects.requireNonNull(image, "image"), null);
    }

    /**
     * The codec of a causal LM, from its vocabulary size alone.
     *
     * @param key       the EE key
     * @param vocabSize vocabulary size, {@code >= 1}
     * @return the codec
     */
    public static EeCodec forVocabulary(EeKey key, int vocabSize) {
        return new EeCodec(key, null, vocabSize);
    }

    /** @return the public id of the key this codec was derived from */
    public String keyId() {
        return keyId;
    }

    /**
     * Checks that a hosted, transformed model was made with this codec's key.
     *
     * @param transformed the hosted model's configuration
     * @throws IllegalArgumentException if it is not EE-transformed or its key id differs
     */
    public void requireSameKey(ModelConfig transformed) {
        if (transformed.equivariant() == null) {
            throw new IllegalArgumentException("model " + transformed.name() + " is not EE-transformed");
        }
        if (!transformed.equivariant().keyId().equals(keyId)) {
            throw new IllegalArgumentException("model " + transformed.name() + " was transformed with key id "
                    + transformed.equivariant().keyId() + ", this key's id is " + keyId);
        }
    }

    /**
     * @param pixels an image, {@code height * width * channels} values, row-major, channel last
     * @return the permuted image, same shape
     * @throws IllegalArgumentException if the length is wrong
     */
    public double[] permuteImage(double[] pixels) {
        ImageSpec im = requireImage();
        int n = im.height() * im.width() * im.channels();
        if (pixels.length != n) {
            throw new IllegalArgumentException("image has " + pixels.length + " values, model needs " + n);
        }
        Permutation positions = patchPositions;
        Permutation inPatch = patchPixels;
        double[] out = new double[n];
        for (int t = 0; t < im.patchCount(); t++) {
            int from = positions.source(t);
            for (int i = 0; i < im.patchDim(); i++) {
                out[offset(im, t, i)] = pixels[offset(im, from, inPatch.source(i))];
            }
        }
        return out;
    }

    /** Index in the image of value {@code i} (row, column, channel order) of patch {@code t}. */
    private static int offset(ImageSpec im, int t, int i) {
        int p = im.patch();
        int c = im.channels();
        int perRow = im.width() / p;
        int top = (t / perRow) * p;
        int left = (t % perRow) * p;
        int ch = i % c;
        int col = (i / c) % p;
        int row = i / (c * p);
        return ((top + row) * im.width() + left + col) * c + ch;
    }

    /**
     * @param permutedLogits class logits from the transformed model
     * @return the logits in the original class order
     */
    public double[] unpermuteClassLogits(double[] permutedLogits) {
        requireImage();
        return classes.unpermute(permutedLogits);
    }

    /**
     * @param tokens original token ids (special tokens included)
     * @return the ids the transformed model takes
     * @throws IllegalArgumentException naming the id if one is out of range
     */
    public int[] permuteTokens(int[] tokens) {
        Permutation v = requireVocab();
        int[] out = new int[tokens.length];
        for (int t = 0; t < tokens.length; t++) {
            checkId(tokens[t], v.size(), t);
            out[t] = v.positionOf(tokens[t]);
        }
        return out;
    }

    /**
     * @param permutedTokens ids of the transformed model
     * @return the original ids
     * @throws IllegalArgumentException naming the id if one is out of range
     */
    public int[] unpermuteTokens(int[] permutedTokens) {
        Permutation v = requireVocab();
        int[] out = new int[permutedTokens.length];
        for (int t = 0; t < permutedTokens.length; t++) {
            checkId(permutedTokens[t], v.size(), t);
            out[t] = v.source(permutedTokens[t]);
        }
        return out;
    }

    /**
     * @param permutedLogits vocabulary logits of one position from the transformed model
     * @return the logits in the original vocabulary order
     */
    public double[] unpermuteVocabLogits(double[] permutedLogits) {
        return requireVocab().unpermute(permutedLogits);
    }

    private static void checkId(int id, int vocab, int position) {
        if (id < 0 || id >= vocab) {
            throw new IllegalArgumentException("token id " + id + " at position " + position + " outside [0, " + vocab
                    + ")");
        }
    }

    private ImageSpec requireImage() {
        if (image == null) {
            throw new IllegalStateException("this EE codec is for a causal LM, not an image classifier");
        }
        return image;
    }

    private Permutation requireVocab() {
        if (vocab == null) {
            throw new IllegalStateException("this EE codec is for an image classifier, not a causal LM");
        }
        return vocab;
    }
}
