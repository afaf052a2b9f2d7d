package org.cipherformer.model.data;

import java.util.Arrays;

/**
 * An unsigned-byte array read from an IDX file (the MNIST/Fashion-MNIST container).
 *
 * @param dims dimensions, outermost first (e.g. {@code [count, rows, cols]} for images)
 * @param data {@code prod(dims)} bytes, row-major; interpret each as unsigned ({@code b & 0xFF})
 */
public record IdxArray(int[] dims, byte[] data) {
    /** Copies nothing: the reader hands over fresh arrays. */
    public IdxArray {
        if (dims == null || data == null) {
            throw new IllegalArgumentException("dims and data are required");
        }
    }

    /** @return the number of items (the first dimension) */
    public int count() {
        return dims[0];
    }

    /** @return bytes per item (the product of the other dimensions) */
    public int itemSize() {
        int s = 1;
        for (int i = 1; i < dims.length; i++) {
            s *= dims[i];
        }
        return s;
    }

    /**
     * @param i item index
     * @return item i's values as unsigned integers 0..255
     */
    public int[] item(int i) {
        if (i < 0 || i >= count()) {
            throw new IndexOutOfBoundsException("item " + i + " outside [0, " + count() + ")");
        }
        int n = itemSize();
        int[] out = new int[n];
        for (int k = 0; k < n; k++) {
            out[k] = data[i * n + k] & 0xFF;
        }
        return out;
    }

    @Override
    public String toString() {
        return "IdxArray" + Arrays.toString(dims);
    }
}
