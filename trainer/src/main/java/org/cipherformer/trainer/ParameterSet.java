package org.cipherformer.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Named weights in the model format's tensor names, kept in a long-lived NDManager.
 *
 * <p>Initial values come from a seeded {@link java.util.Random}, not from the engine's generator, so a run is
 * reproducible from its seed alone.
 */
public final class ParameterSet implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();

    public ParameterSet(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    /** A parameter set holding a checkpoint's tensors (to continue training from it). */
    public static ParameterSet fromCheckpoint(NDManager parent, Checkpoint ck) {
        ParameterSet p = new ParameterSet(parent);
        for (Map.Entry<String, float[]> e : ck.tensors.entrySet()) {
            p.put(e.getKey(), p.manager.create(e.getValue(), new Shape(ck.shapes.get(e.getKey()))));
        }
        return p;
    }

    public NDManager manager() {
        return manager;
    }

    /** Adds a tensor with values N(0, std^2) (std 0 gives zeros, a negative std gives ones). */
    public void add(String name, Random random, double std, long... dims) {
        Shape shape = new Shape(dims);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = std < 0 ? 1f : (float) (random.nextGaussian() * std);
        }
        put(name, manager.create(v, shape));
    }

    public void put(String name, NDArray value) {
        if (arrays.containsKey(name)) {
            throw new IllegalArgumentException("duplicate parameter " + name);
        }
        value.setRequiresGradient(true);
        arrays.put(name, value);
    }

    public Map<String, NDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    public long count() {
        long n = 0;
        for (NDArray a : arrays.values()) {
            n += a.size();
        }
        return n;
    }

    /**
     * Differentiable views of every parameter, owned by {@code step}, so that results of operations whose first
     * operand is a parameter are freed with the step and gradients still reach the parameters. Call inside a
     * gradient collector.
     */
    public Map<String, NDArray> views(NDManager step) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray view = e.getValue().reshape(e.getValue().getShape());
            view.attach(step);
            out.put(e.getKey(), view);
        }
        return out;
    }

    /** Copies of every parameter in the given type (no gradients), owned by {@code target}. */
    public Map<String, NDArray> copies(NDManager target, DataType type) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray copy = target.create(e.getValue().toFloatArray(), e.getValue().getShape()).toType(type, false);
            out.put(e.getKey(), copy);
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
