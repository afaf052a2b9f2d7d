package org.cipherformer.trainer;

import ai.djl.ndarray.NDArray;

/**
 * Arithmetic with scalar constants that is safe under autograd.
 *
 * <p>Why not {@code x.mul(0.5)}: DJL's PyTorch engine turns the number into a tensor that wraps a Java direct buffer
 * (torch::from_blob) and closes that tensor right after the operation. Autograd, however, saved the scalar for the
 * backward pass; once the Java buffer is garbage-collected, backward reads freed memory (seen here as
 * run-to-run differences and sporadic NaN losses). These helpers make a torch-owned copy of the constant, kept by the
 * operand's manager until the step ends.
 */
final class Scalars {
    private Scalars() {
    }

    /** A 0-d tensor holding v in the operand's data type, owned by the operand's manager. */
    static NDArray of(NDArray like, double v) {
        try (NDArray raw = like.getManager().create(v)) {
            return raw.toType(like.getDataType(), true);
        }
    }

    static NDArray mul(NDArray x, double v) {
        return x.mul(of(x, v));
    }

    static NDArray add(NDArray x, double v) {
        return x.add(of(x, v));
    }

    static NDArray sub(NDArray x, double v) {
        return x.sub(of(x, v));
    }

    /** v - x. */
    static NDArray rsub(double v, NDArray x) {
        return of(x, v).sub(x);
    }
}
