package org.cipherformer.model.format;

import java.util.Arrays;

/**
 * A dense row-major tensor held as doubles, with the element type it is (or will be) stored as. F32 tensors read from
 * a file hold exactly the float values widened to double; writing an F32 tensor rounds each value to float.
 */
public final class Tensor {
    /** Largest element count of one tensor (Java arrays are int-indexed). */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 16;

    private final DType dtype;
    private final int[] shape;
    private final double[] data;

    /**
     * @param dtype storage element type
     * @param shape dimensions, each {@code >= 0} (empty for a scalar); copied
     * @param data  {@code prod(shape)} values in row-major order; copied
     * @throws IllegalArgumentException if a dimension is negative or the data length does not match the shape
     */
    public Tensor(DType dtype, int[] shape, double[] data) {
        if (dtype == null || shape == null || data == null) {
            throw new IllegalArgumentException("dtype, shape and data are required");
        }
        long count = elementCount(shape);
        if (count != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + count
                    + " values, got " + data.length);
        }
        this.dtype = dtype;
        this.shape = shape.clone();
        this.data = data.clone();
    }

    /**
     * @param shape dimensions
     * @return the product of the dimensions
     * @throws IllegalArgumentException if a dimension is negative or the product exceeds {@link #MAX_ELEMENTS}
     */
    public static long elementCount(int[] shape) {
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count *= d;
            if (count > MAX_ELEMENTS) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than "
                        + MAX_ELEMENTS + " elements");
            }
        }
        return count;
    }

    /** @return storage element type */
    public DType dtype() {
        return dtype;
    }

    /** @return a copy of the shape */
    public int[] shape() {
        return shape.clone();
    }

    /** @return number of dimensions */
    public int rank() {
        return shape.length;
    }

    /** @return dimension {@code i} */
    public int dim(int i) {
        return shape[i];
    }

    /** @return a copy of the row-major values */
    public double[] data() {
        return data.clone();
    }

    /** @return the row-major values without copying; callers must not modify them */
    double[] dataView() {
        return data;
    }

    /** @return number of elements */
    public int size() {
        return data.length;
    }

    /** @return element {@code i} in row-major order */
    public double get(int i) {
        return data[i];
    }

    /**
     * A rank-2 tensor as rows.
     *
     * @return {@code [dim(0)][dim(1)]} copy
     * @throws IllegalStateException if the rank is not 2
     */
    public double[][] toMatrix() {
        if (shape.length != 2) {
            throw new IllegalStateException("not a matrix: shape " + Arrays.toString(shape));
        }
        double[][] m = new double[shape[0]][shape[1]];
        for (int r = 0; r < shape[0]; r++) {
            System.arraycopy(data, r * shape[1], m[r], 0, shape[1]);
        }
        return m;
    }

    /**
     * Builds a rank-2 tensor from rows of equal length.
     *
     * @param dtype storage type
     * @param rows  the rows
     * @return the tensor
     */
    public static Tensor ofMatrix(DType dtype, double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] flat = new double[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " values, expected " + cols);
            }
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return new Tensor(dtype, new int[] {rows.length, cols}, flat);
    }

    /**
     * An F32 tensor from float values (e.g. DJL's {@code NDArray.toFloatArray()}), widened exactly to double.
     *
     * @param shape dimensions
     * @param data  {@code prod(shape)} floats, row-major
     * @return the tensor
     */
    public static Tensor ofFloats(int[] shape, float[] data) {
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i];
        }
        return new Tensor(DType.F32, shape, d);
    }

    /** @return the values rounded to float, row-major */
    public float[] toFloats() {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return f;
    }

    /** @return a copy of this tensor stored as another element type (F32 rounds the values to float) */
    public Tensor withDType(DType newType) {
        double[] d = data.clone();
        if (newType == DType.F32) {
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) d[i];
            }
        }
        return new Tensor(newType, shape, d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
