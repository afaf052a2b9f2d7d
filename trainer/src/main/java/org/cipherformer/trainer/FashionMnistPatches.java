package org.cipherformer.trainer;

import org.cipherformer.model.data.FashionMnist;

import java.io.IOException;

/**
 * Fashion-MNIST images (read by module model's {@link FashionMnist}) turned into the ViT's input: normalized patch
 * sequences in the model format's order.
 */
public final class FashionMnistPatches {
    /** Per-pixel mean and standard deviation of the training images (p / 255), written to config.json. */
    public static final double PIXEL_MEAN = 0.2860;
    public static final double PIXEL_STD = 0.3530;
    public static final int SIDE = 28;
    public static final int PATCH = 7;
    public static final int PATCHES = (SIDE / PATCH) * (SIDE / PATCH);
    public static final int PATCH_PIXELS = PATCH * PATCH;

    private final FashionMnist.Samples samples;
    public final int count;

    public FashionMnistPatches(FashionMnist.Samples samples) {
        this.samples = samples;
        this.count = samples.size();
    }

    public static FashionMnistPatches debianTrainSet() throws IOException {
        return new FashionMnistPatches(FashionMnist.read(FashionMnist.DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz"),
                FashionMnist.DEBIAN_DIR.resolve("train-labels-idx1-ubyte.gz")));
    }

    public static FashionMnistPatches debianTestSet() throws IOException {
        return new FashionMnistPatches(FashionMnist.debianTestSet());
    }

    public int label(int i) {
        return samples.labels()[i];
    }

    /**
     * Writes example {@code i} as PATCHES x PATCH_PIXELS values (p/255 - mean)/std at {@code out[offset..]}:
     * patches in row-major patch order, pixels inside a patch row-major.
     *
     * @param flip mirror the image left-right (training augmentation)
     */
    public void patches(int i, boolean flip, float[] out, int offset) {
        double[] v = new double[PATCHES * PATCH_PIXELS];
        patches(i, flip, v, 0);
        for (int k = 0; k < v.length; k++) {
            out[offset + k] = (float) v[k];
        }
    }

    /** Double-precision form of {@link #patches(int, boolean, float[], int)} (used for the reference logits). */
    public void patches(int i, boolean flip, double[] out, int offset) {
        int[] px = samples.pixels()[i];
        int o = offset;
        int perRow = SIDE / PATCH;
        for (int pr = 0; pr < perRow; pr++) {
            for (int pc = 0; pc < perRow; pc++) {
                for (int y = 0; y < PATCH; y++) {
                    for (int x = 0; x < PATCH; x++) {
                        int row = pr * PATCH + y;
                        int col = pc * PATCH + x;
                        if (flip) {
                            col = SIDE - 1 - col;
                        }
                        out[o++] = (px[row * SIDE + col] / 255.0 - PIXEL_MEAN) / PIXEL_STD;
                    }
                }
            }
        }
    }
}
