package org.cipherformer.model.format;

/**
 * Input geometry and normalisation of a ViT. Pixels {@code p in [0, 255]} become
 * {@code (p / 255 - pixelMean) / pixelStd}; the image is cut into {@code patch x patch} tiles in row-major order.
 *
 * @param height     pixels, a positive multiple of {@code patch}
 * @param width      pixels, a positive multiple of {@code patch}
 * @param channels   {@code >= 1}
 * @param patch      tile side, {@code >= 1}
 * @param classToken must be true in format v1 (token 0 is the class token, the head reads it)
 * @param numClasses {@code >= 2}
 * @param pixelMean  finite
 * @param pixelStd   finite, {@code > 0}
 */
public record ImageSpec(int height, int width, int channels, int patch, boolean classToken, int numClasses,
                        double pixelMean, double pixelStd) {
    /** Bound on each image dimension. */
    public static final int MAX_SIDE = 4096;

    /** @throws IllegalArgumentException naming the offending field */
    public ImageSpec {
        if (patch < 1 || patch > MAX_SIDE) {
            throw new IllegalArgumentException("patch must be in [1, " + MAX_SIDE + "], got " + patch);
        }
        if (height < 1 || height > MAX_SIDE || height % patch != 0) {
            throw new IllegalArgumentException("height must be a positive multiple of patch " + patch + ", got "
                    + height);
        }
        if (width < 1 || width > MAX_SIDE || width % patch != 0) {
            throw new IllegalArgumentException("width must be a positive multiple of patch " + patch + ", got " + width);
        }
        if (channels < 1 || channels > 16) {
            throw new IllegalArgumentException("channels must be in [1, 16], got " + channels);
        }
        if (!classToken) {
            throw new IllegalArgumentException("class_token must be true in format v1");
        }
        if (numClasses < 2 || numClasses > 1 << 20) {
            throw new IllegalArgumentException("num_classes must be in [2, 2^20], got " + numClasses);
        }
        if (!Double.isFinite(pixelMean)) {
            throw new IllegalArgumentException("pixel_mean must be finite, got " + pixelMean);
        }
        if (!Double.isFinite(pixelStd) || !(pixelStd > 0)) {
            throw new IllegalArgumentException("pixel_std must be finite and > 0, got " + pixelStd);
        }
    }

    /** @return number of patches, {@code (height/patch) * (width/patch)} */
    public int patchCount() {
        return (height / patch) * (width / patch);
    }

    /** @return values per patch, {@code patch * patch * channels} */
    public int patchDim() {
        return patch * patch * channels;
    }
}
