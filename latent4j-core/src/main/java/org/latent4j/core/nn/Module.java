package org.latent4j.core.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.Tensor;

/**
 * A node of a module tree whose parameters are found, saved and loaded by name, as in PyTorch:
 * a parameter registered as "weight" in a child registered as "encoder.0" is "encoder.0.weight".
 * Registration order is the iteration order, so names and optimizer state line up run after run.
 *
 * <p>Besides trainable parameters a module may own buffers: persistent tensors that no optimizer touches but that
 * belong to the model's state (EMA cluster sizes and sums, usage counters, running statistics, a frozen codebook).
 * {@link #namedState()} is both, as PyTorch's {@code state_dict}: what model files and checkpoints hold.
 */
public abstract class Module {
    /** For subclasses. */
    protected Module() {}

    private final LinkedHashMap<String, Tensor> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();

    /**
     * Registers a leaf parameter (made persistent and gradient-requiring) under {@code name}; returns it.
     *
     * @param name the parameter's name
     * @param value its initial value
     * @return the parameter
     */
    protected final Tensor parameter(String name, Tensor value) {
        checkName(name);
        if (!value.isLeaf()) throw new IllegalArgumentException("parameter " + name + " must be a leaf tensor");
        value.requiresGrad(true);
        parameters.put(name, value);
        return value;
    }

    /**
     * Registers a buffer, a persistent non-trainable tensor saved and loaded with the parameters, under
     * {@code name}; returns it. It must be a contiguous leaf that requires no gradient (made with
     * {@code Tensor.persistentZeros}: a buffer outlives every workspace scope).
     *
     * @param name the buffer's name
     * @param value its value
     * @return the buffer
     */
    protected final Tensor buffer(String name, Tensor value) {
        checkName(name);
        if (!value.isLeaf() || value.requiresGrad() || !value.isContiguous()) {
            throw new IllegalArgumentException("buffer " + name + " must be a contiguous leaf tensor that requires no gradient");
        }
        buffers.put(name, value);
        return value;
    }

    /**
     * Registers a child module under {@code name}; returns it.
     *
     * @param name the child's name
     * @param module the child
     * @param <M> the module's type
     * @return the child
     */
    protected final <M extends Module> M child(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("module/parameter names must be non-empty and have no '.': " + name);
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("name registered twice: " + name);
        }
    }

    /**
     * Every parameter of the tree under its dotted name, in registration order.
     *
     * @return the parameters by name
     */
    public final Map<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true);
        return out;
    }

    /**
     * Every buffer of the tree under its dotted name, in registration order.
     *
     * @return the buffers by name
     */
    public final Map<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false);
        return out;
    }

    /**
     * The whole state: every parameter, then every buffer, by name (PyTorch's {@code state_dict}).
     *
     * @return the state by name
     */
    public final Map<String, Tensor> namedState() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>(namedParameters());
        out.putAll(namedBuffers());
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean wantParameters) {
        for (var e : (wantParameters ? parameters : buffers).entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (var e : children.entrySet()) e.getValue().collect(prefix + e.getKey() + ".", out, wantParameters);
    }

    /**
     * Every module of the tree, this one included, under its dotted name ("" for this one, "encoder.0" for a
     * grandchild), in registration order, as PyTorch's {@code named_modules}.
     *
     * @return the modules by name
     */
    public final Map<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String name, Map<String, Module> out) {
        out.put(name, this);
        for (var e : children.entrySet()) e.getValue().collectModules(name.isEmpty() ? e.getKey() : name + "." + e.getKey(), out);
    }

    /** {@return every parameter of the tree, in registration order} */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * Total number of scalar parameters.
     *
     * @return the count
     */
    public final long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) n += t.size();
        return n;
    }

    /**
     * Copies values into the parameters and buffers by name ({@link #namedState()}). Every missing, unexpected or
     * mis-shaped entry is reported in one message, and nothing is copied unless all match.
     *
     * @param values the tensors by name
     */
    public final void loadState(Map<String, Tensor> values) {
        Map<String, Tensor> mine = namedState();
        StringBuilder problems = new StringBuilder();
        for (var e : mine.entrySet()) {
            Tensor v = values.get(e.getKey());
            if (v == null) problems.append("\n  missing: ").append(e.getKey()).append(' ').append(Shape.str(e.getValue().shape()));
            else if (!java.util.Arrays.equals(v.shape(), e.getValue().shape())) {
                problems.append("\n  wrong shape: ").append(e.getKey()).append(" expects ").append(Shape.str(e.getValue().shape()))
                        .append(", got ").append(Shape.str(v.shape()));
            }
        }
        for (String k : values.keySet()) if (!mine.containsKey(k)) problems.append("\n  unexpected: ").append(k);
        if (!problems.isEmpty()) throw new IllegalArgumentException("the saved tensors do not match the model:" + problems);
        for (var e : mine.entrySet()) e.getValue().copyFrom(values.get(e.getKey()));
    }
}
