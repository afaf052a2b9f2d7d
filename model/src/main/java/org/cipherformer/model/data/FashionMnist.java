package org.cipherformer.model.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.cipherformer.model.format.ModelFormatException;

/**
 * Fashion-MNIST images and labels from IDX files: 28x28 grey images (pixels 0..255, row-major) and labels 0..9.
 */
public final class FashionMnist {
    /** Where the Debian package dataset-fashion-mnist installs the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Class names in label order. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {
    }

    /**
     * Images and labels, checked against each other.
     *
     * @param pixels {@code [count][28 * 28]} pixel values 0..255
     * @param labels {@code [count]} labels 0..9
     */
    public record Samples(int[][] pixels, int[] labels) {
        /** @return number of samples */
        public int size() {
            return labels.length;
        }

        /** @return image i as doubles (the reference model's input type) */
        public double[] image(int i) {
            double[] out = new double[pixels[i].length];
            for (int k = 0; k < out.length; k++) {
                out[k] = pixels[i][k];
            }
            return out;
        }
    }

    /**
     * Reads an image file and a label file (plain or gzip IDX).
     *
     * @param images images file ({@code [n, 28, 28]})
     * @param labels labels file ({@code [n]}, values 0..9)
     * @return the samples
     * @throws ModelFormatException if a file is malformed, the shapes are wrong or the counts differ
     * @throws IOException          if reading fails
     */
    public static Samples read(Path images, Path labels) throws IOException {
        IdxArray im = IdxReader.read(images);
        IdxArray lb = IdxReader.read(labels);
        if (im.dims().length != 3 || im.dims()[1] != 28 || im.dims()[2] != 28) {
            throw new ModelFormatException(images + ": expected [n, 28, 28] images, got " + im);
        }
        if (lb.dims().length != 1) {
            throw new ModelFormatException(labels + ": expected [n] labels, got " + lb);
        }
        if (im.count() != lb.count()) {
            throw new ModelFormatException(labels + ": " + lb.count() + " labels for " + im.count() + " images in "
                    + images);
        }
        int[][] px = new int[im.count()][];
        int[] y = new int[lb.count()];
        for (int i = 0; i < y.length; i++) {
            px[i] = im.item(i);
            y[i] = lb.data()[i] & 0xFF;
            if (y[i] > 9) {
                throw new ModelFormatException(labels + ": label " + i + " is " + y[i] + ", expected 0..9");
            }
        }
        return new Samples(px, y);
    }

    /** @return the 10,000 test samples of the Debian package */
    public static Samples debianTestSet() throws IOException {
        return read(DEBIAN_DIR.resolve("t10k-images-idx3-ubyte.gz"), DEBIAN_DIR.resolve("t10k-labels-idx1-ubyte.gz"));
    }

    /**
     * @param repoRoot repository root
     * @return the 64 shipped samples under data/fashion-mnist
     */
    public static Samples shippedSamples(Path repoRoot) throws IOException {
        Path d = repoRoot.resolve("data/fashion-mnist");
        return read(d.resolve("t10k-64-images-idx3-ubyte"), d.resolve("t10k-64-labels-idx1-ubyte"));
    }
}
