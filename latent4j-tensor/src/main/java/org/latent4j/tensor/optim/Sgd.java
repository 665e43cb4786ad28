package org.latent4j.tensor.optim;

import java.util.List;
import java.util.Map;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;

/** Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay (see {@link SgdOptions}). */
public final class Sgd extends Optimizer {
    private final SgdOptions options;
    /** Momentum buffers, or null without momentum. */
    private final Tensor[] buffers;
    /** Whether a parameter's buffer holds a value yet: PyTorch starts it at the first direction, undamped. */
    private final boolean[] started;

    /**
     * Creates the optimizer.
     *
     * @param parameters the tensors to update, each once
     * @param options the learning rate, momentum, dampening, weight decay and Nesterov flag
     */
    public Sgd(List<Tensor> parameters, SgdOptions options) {
        super("Sgd", parameters, options.learningRate());
        this.options = options;
        int n = parameters.size();
        this.started = new boolean[n];
        if (options.momentum() != 0) {
            buffers = new Tensor[n];
            for (int i = 0; i < n; i++) buffers[i] = Tensor.persistentZeros(parameters.get(i).shape());
        } else {
            buffers = null;
        }
    }

    /** {@return the settings given at construction} */
    public SgdOptions options() {
        return options;
    }

    /** "i.momentum_buffer" (PyTorch's name) for parameter i; none without momentum. */
    @Override
    public Map<String, Tensor> stateTensors() {
        Map<String, Tensor> out = orderedMap();
        if (buffers != null) for (int i = 0; i < buffers.length; i++) out.put(i + ".momentum_buffer", buffers[i]);
        return out;
    }

    /** "i.started" (1 once parameter i has taken a momentum step, else 0); none without momentum. */
    @Override
    public Map<String, Long> stateCounters() {
        Map<String, Long> out = orderedMap();
        if (buffers != null) for (int i = 0; i < started.length; i++) out.put(i + ".started", started[i] ? 1L : 0L);
        return out;
    }

    @Override
    protected void setCounter(String name, long value) {
        if (value != 0 && value != 1) throw new IllegalArgumentException(this + ": counter " + name + " must be 0 or 1, got " + value);
        started[counterIndex(name, ".started", started.length)] = value == 1;
    }

    @Override
    protected void update(int index, Tensor parameter, Tensor gradient) {
        float[] p = parameter.data();
        int po = parameter.offset();
        float[] g = gradient.data();
        int go = gradient.offset();
        float lr = (float) learningRate();
        float wd = (float) options.weightDecay();
        int n = parameter.size();
        if (buffers == null) {
            if (n <= PARALLEL_GRAIN) {
                plain(p, po, g, go, lr, wd, 0, n);
            } else {
                Parallel.range(n, PARALLEL_GRAIN, (lo, hi) -> plain(p, po, g, go, lr, wd, lo, hi));
            }
            return;
        }
        float mu = (float) options.momentum();
        float keep = (float) (1 - options.dampening());
        boolean nesterov = options.nesterov();
        boolean first = !started[index];
        started[index] = true;
        float[] b = buffers[index].data();
        if (n <= PARALLEL_GRAIN) {
            momentum(p, po, g, go, b, lr, wd, mu, keep, nesterov, first, 0, n);
        } else {
            Parallel.range(n, PARALLEL_GRAIN, (lo, hi) -> momentum(p, po, g, go, b, lr, wd, mu, keep, nesterov, first, lo, hi));
        }
    }

    private static void plain(float[] p, int po, float[] g, int go, float lr, float wd, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            float d = g[go + i] + wd * p[po + i];
            p[po + i] -= lr * d;
        }
    }

    /** {@code b} is a buffer of our own, at offset 0. */
    private static void momentum(float[] p, int po, float[] g, int go, float[] b, float lr, float wd, float mu, float keep,
                                 boolean nesterov, boolean first, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            float d = g[go + i] + wd * p[po + i];
            float m = first ? d : mu * b[i] + keep * d;
            b[i] = m;
            p[po + i] -= lr * (nesterov ? d + mu * m : m);
        }
    }
}
