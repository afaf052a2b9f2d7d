package org.cipherformer.trainer;

import java.io.IOException;
import java.nio.file.Path;

/** Fashion-MNIST images and labels, turned into normalized patch sequences in the model format's order. */
public final class FashionMnist {
    /** Per-pixel mean and standard deviation of the training images (p / 255), written to config.json. */
    public static final double PIXEL_MEAN = 0.2860;
    public static final double PIXEL_STD = 0.3530;
    public static final int SIDE = 28;
    public static final int PATCH = 7;
    public static final int PATCHES = (SIDE / PATCH) * (SIDE / PATCH);
    public static final int PATCH_PIXELS = PATCH * PATCH;

    public final byte[] images;
    public final byte[] labels;
    public final int count;

    public FashionMnist(byte[] images, byte[] labels) {
        if (labels.length * SIDE * SIDE != images.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + images.length + " pixels");
        }
        this.images = images;
        this.labels = labels;
        this.count = labels.length;
    }

    public static FashionMnist load(Path images, Path labels) throws IOException {
        IdxFile im = IdxFile.read(images);
        IdxFile lb = IdxFile.read(labels);
        if (im.dims.length != 3 || im.dims[1] != SIDE || im.dims[2] != SIDE) {
            throw new IOException(images + ": expected n x 28 x 28 images");
        }
        return new FashionMnist(im.data, lb.data);
    }

    public int label(int i) {
        return labels[i] & 0xff;
    }

    /**
     * Writes example {@code i} as PATCHES x PATCH_PIXELS normalized values at {@code out[offset..]}: patches in
     * row-major patch order, pixels inside a patch row-major.
     *
     * @param flip mirror the image left-right (training augmentation)
     */
    public void patches(int i, boolean flip, float[] out, int offset) {
        int base = i * SIDE * SIDE;
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
                        double p = (images[base + row * SIDE + col] & 0xff) / 255.0;
                        out[o++] = (float) ((p - PIXEL_MEAN) / PIXEL_STD);
                    }
                }
            }
        }
    }
}
