package org.latent4j.tensor.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;

/**
 * Updates a fixed list of parameters (leaf tensors that require a gradient) from their gradients
 * {@link Tensor#grad()}. Per-parameter state is made once, with {@link Tensor#persistentZeros}, when the
 * optimizer is built, so a steady-state {@link #step()} allocates nothing for parameters of up to
 * {@link #PARALLEL_GRAIN} elements. Parameters whose gradient is null are skipped (their state and step
 * count do not move), as in PyTorch.
 *
 * <p>Updates are element-wise, so splitting a large parameter over threads does not change any result.
 */
public abstract class Optimizer {
    /**
     * Parameters larger than this are updated in parallel chunks of this many elements; smaller ones call
     * their kernel directly, with no lambda to allocate.
     */
    protected static final int PARALLEL_GRAIN = 1 << 16;

    private final String name;
    private final List<Tensor> parameters;
    private double learningRate;

    /**
     * Checks the parameters: none null, none twice.
     *
     * @param name the optimizer's name, for messages
     * @param parameters the tensors to update
     * @param learningRate the initial learning rate
     */
    protected Optimizer(String name, List<Tensor> parameters, double learningRate) {
        this.name = name;
        if (parameters.isEmpty()) throw new IllegalArgumentException(name + ": the parameter list is empty");
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            Tensor p = parameters.get(i);
            String which = name + ": parameter " + i;
            if (p == null) throw new IllegalArgumentException(which + " is null");
            if (!p.isLeaf()) throw new IllegalArgumentException(which + " is the output of op " + p.op() + ", not a leaf tensor");
            if (!p.requiresGrad()) throw new IllegalArgumentException(which + " of shape " + Shape.str(p.shape()) + " does not require a gradient");
            if (!p.isContiguous()) throw new IllegalArgumentException(which + " of shape " + Shape.str(p.shape()) + " is not contiguous");
            if (seen.put(p, Boolean.TRUE) != null) throw new IllegalArgumentException(which + " appears twice in the parameter list");
        }
        this.parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
        setLearningRate(learningRate);
    }

    /** {@return the tensors updated, in the order given} */
    public final List<Tensor> parameters() {
        return parameters;
    }

    /** {@return the learning rate of the next step} */
    public final double learningRate() {
        return learningRate;
    }

    /**
     * Sets the rate used by the following steps (e.g. from a {@link LearningRateSchedule}).
     *
     * @param rate the new learning rate
     */
    public final void setLearningRate(double rate) {
        if (!(Double.isFinite(rate) && rate >= 0)) {
            throw new IllegalArgumentException(name + ": learning rate must be finite and >= 0, got " + rate);
        }
        this.learningRate = rate;
    }

    /** Zeroes every parameter's gradient, keeping the buffers. */
    public final void zeroGrad() {
        for (int i = 0, n = parameters.size(); i < n; i++) parameters.get(i).zeroGrad();
    }

    /** Updates every parameter that has a gradient. */
    public final void step() {
        for (int i = 0, n = parameters.size(); i < n; i++) {
            Tensor p = parameters.get(i);
            Tensor g = p.grad();
            if (g == null) continue;
            if (!sameShape(g, p)) {
                throw new ShapeException(name + ".step: gradient shape " + Shape.str(g.shape()) + " differs from parameter " + i
                        + " shape " + Shape.str(p.shape()));
            }
            if (!g.isContiguous()) throw new IllegalStateException(name + ".step: gradient of parameter " + i + " is not contiguous");
            update(i, p, g);
        }
    }

    /** Compares dimensions without the copies {@link Tensor#shape()} makes (a step must not allocate). */
    private static boolean sameShape(Tensor a, Tensor b) {
        if (a.rank() != b.rank()) return false;
        for (int d = 0; d < a.rank(); d++) if (a.dim(d) != b.dim(d)) return false;
        return true;
    }

    /**
     * The optimizer's state for checkpoints, named by parameter index ("3.exp_avg"): the live persistent
     * tensors, not copies, so save them before the next step. Empty for a stateless optimizer.
     *
     * @return the state tensors by name
     */
    public Map<String, Tensor> stateTensors() {
        return Map.of();
    }

    /**
     * The optimizer's integer state for checkpoints (step counts), named as {@link #stateTensors()}.
     *
     * @return the counters by name
     */
    public Map<String, Long> stateCounters() {
        return Map.of();
    }

    /**
     * Restores what {@link #stateTensors()} and {@link #stateCounters()} returned, so that the following steps
     * are exactly those the saved optimizer would have taken. Every missing, unexpected or mis-shaped entry is
     * reported in one message, and nothing changes unless all match.
     *
     * @param tensors the state tensors, as {@link #stateTensors()} named them
     * @param counters the counters, as {@link #stateCounters()} named them
     */
    public final void loadState(Map<String, Tensor> tensors, Map<String, Long> counters) {
        Map<String, Tensor> mine = stateTensors();
        Map<String, Long> myCounters = stateCounters();
        StringBuilder problems = new StringBuilder();
        for (var e : mine.entrySet()) {
            Tensor v = tensors.get(e.getKey());
            if (v == null) problems.append("\n  missing tensor: ").append(e.getKey());
            else if (!java.util.Arrays.equals(v.shape(), e.getValue().shape())) {
                problems.append("\n  wrong shape: ").append(e.getKey()).append(" expects ").append(Shape.str(e.getValue().shape()))
                        .append(", got ").append(Shape.str(v.shape()));
            }
        }
        for (String k : tensors.keySet()) if (!mine.containsKey(k)) problems.append("\n  unexpected tensor: ").append(k);
        for (String k : myCounters.keySet()) if (!counters.containsKey(k)) problems.append("\n  missing counter: ").append(k);
        for (String k : counters.keySet()) if (!myCounters.containsKey(k)) problems.append("\n  unexpected counter: ").append(k);
        if (!problems.isEmpty()) throw new IllegalArgumentException(name + ".loadState: the state does not match this optimizer:" + problems);
        for (var e : mine.entrySet()) e.getValue().copyFrom(tensors.get(e.getKey()));
        for (var e : counters.entrySet()) setCounter(e.getKey(), e.getValue());
    }

    /**
     * Sets one of the counters named by {@link #stateCounters()}.
     *
     * @param name the counter's name
     * @param value its value
     */
    protected void setCounter(String name, long value) {
        throw new IllegalArgumentException(this.name + " has no counter " + name);
    }

    /**
     * The parameter index i of a state name "i" + suffix.
     *
     * @param counter the state name
     * @param suffix the part after the index
     * @param count the number of parameters
     * @return the index
     */
    protected final int counterIndex(String counter, String suffix, int count) {
        if (counter.endsWith(suffix)) {
            try {
                int i = Integer.parseInt(counter.substring(0, counter.length() - suffix.length()));
                if (i >= 0 && i < count) return i;
            } catch (NumberFormatException notAnIndex) {
                // reported below
            }
        }
        throw new IllegalArgumentException(name + " has no counter " + counter);
    }

    /**
     * An insertion-ordered map for {@link #stateTensors()} and {@link #stateCounters()}.
     *
     * @param <V> the type of the values
     * @return an empty map
     */
    protected static <V> Map<String, V> orderedMap() {
        return new LinkedHashMap<>();
    }

    /**
     * Applies one update to parameter {@code index} given its gradient (same shape, contiguous).
     *
     * @param index the parameter's index
     * @param parameter the parameter
     * @param gradient its gradient
     */
    protected abstract void update(int index, Tensor parameter, Tensor gradient);

    @Override
    public String toString() {
        return name + "[" + parameters.size() + " parameters, learning rate " + learningRate + "]";
    }
}
