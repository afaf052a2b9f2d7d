package org.cipherformer.model.ee;

import java.util.Arrays;

/**
 * A permutation of {@code 0..n-1} in "source" form: position {@code i} of a permuted vector holds element
 * {@code source(i)} of the original, i.e. {@code permute(x)[i] = x[source[i]]}. Equivalently, original index
 * {@code o} moves to position {@code positionOf(o)} = {@code source^{-1}(o)}. Immutable.
 */
public final class Permutation {
    private final int[] source;
    private final int[] position;

    /**
     * @param source {@code source[i]} = original index shown at position i; must be a permutation of 0..n-1
     * @throws IllegalArgumentException naming the first bad entry if it is not a permutation
     */
    public Permutation(int[] source) {
        this.source = source.clone();
        this.position = new int[source.length];
        Arrays.fill(position, -1);
        for (int i = 0; i < source.length; i++) {
            int o = source[i];
            if (o < 0 || o >= source.length) {
                throw new IllegalArgumentException("entry " + i + " is " + o + ", outside [0, " + source.length + ")");
            }
            if (position[o] >= 0) {
                throw new IllegalArgumentException("entry " + i + " repeats " + o + " (also at " + position[o] + ")");
            }
            position[o] = i;
        }
    }

    /** @return the identity on n elements */
    public static Permutation identity(int n) {
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = i;
        }
        return new Permutation(s);
    }

    /** @return n */
    public int size() {
        return source.length;
    }

    /** @return the original index shown at position i */
    public int source(int i) {
        return source[i];
    }

    /** @return the position at which original index o is shown */
    public int positionOf(int o) {
        return position[o];
    }

    /** @return a copy of the source array */
    public int[] sources() {
        return source.clone();
    }

    /** @return the inverse permutation (its source array is this one's position array) */
    public Permutation inverse() {
        return new Permutation(position);
    }

    /**
     * @param x a vector of length n
     * @return {@code y[i] = x[source(i)]}
     * @throws IllegalArgumentException if the length is not n
     */
    public double[] permute(double[] x) {
        checkLength(x.length);
        double[] y = new double[x.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = x[source[i]];
        }
        return y;
    }

    /**
     * @param y a permuted vector of length n
     * @return {@code x} with {@code x[source(i)] = y[i]}, i.e. {@code permute(x) = y}
     * @throws IllegalArgumentException if the length is not n
     */
    public double[] unpermute(double[] y) {
        checkLength(y.length);
        double[] x = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            x[source[i]] = y[i];
        }
        return x;
    }

    private void checkLength(int n) {
        if (n != source.length) {
            throw new IllegalArgumentException("vector has " + n + " elements, permutation has " + source.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Permutation p && Arrays.equals(source, p.source);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(source);
    }

    /** Size only: a permutation derived from a key is secret. */
    @Override
    public String toString() {
        return "Permutation[n=" + source.length + "]";
    }
}
