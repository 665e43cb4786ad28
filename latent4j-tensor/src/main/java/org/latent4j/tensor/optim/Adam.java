package org.latent4j.tensor.optim;

import java.util.List;
import java.util.Map;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.kernel.VectorKernels;
import org.latent4j.tensor.parallel.Parallel;

/**
 * Adam (Kingma and Ba 2015, "Adam: a method for stochastic optimization") with bias correction, as PyTorch
 * computes it: m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g^2, then
 * p -= (lr / (1 - beta1^t)) m / (sqrt(v) / sqrt(1 - beta2^t) + eps), t counting this parameter's steps.
 * A non-zero {@code weightDecay} adds weightDecay * p to the gradient first (L2 regularisation); for the
 * decoupled form use {@link AdamW}.
 */
public class Adam extends Optimizer {
    private final AdamOptions options;
    private final boolean decoupledDecay;
    private final Tensor[] firstMoments;
    private final Tensor[] secondMoments;
    private final long[] steps;
    private final VectorKernels.AdamCoefficients coefficients = new VectorKernels.AdamCoefficients();

    /**
     * Creates the optimizer.
     *
     * @param parameters the tensors to update, each once
     * @param options the learning rate, betas, epsilon and weight decay
     */
    public Adam(List<Tensor> parameters, AdamOptions options) {
        this("Adam", parameters, options, false);
    }

    Adam(String name, List<Tensor> parameters, AdamOptions options, boolean decoupledDecay) {
        super(name, parameters, options.learningRate());
        this.options = options;
        this.decoupledDecay = decoupledDecay;
        int n = parameters.size();
        firstMoments = new Tensor[n];
        secondMoments = new Tensor[n];
        steps = new long[n];
        for (int i = 0; i < n; i++) {
            firstMoments[i] = Tensor.persistentZeros(parameters.get(i).shape());
            secondMoments[i] = Tensor.persistentZeros(parameters.get(i).shape());
        }
    }

    /** {@return the settings given at construction} */
    public AdamOptions options() {
        return options;
    }

    /**
     * Steps taken so far by parameter {@code index} (those with a null gradient were skipped).
     *
     * @param index the parameter's index
     * @return the number of steps
     */
    public long steps(int index) {
        return steps[index];
    }

    /** "i.exp_avg" and "i.exp_avg_sq" (PyTorch's names) for parameter i. */
    @Override
    public Map<String, Tensor> stateTensors() {
        Map<String, Tensor> out = orderedMap();
        for (int i = 0; i < steps.length; i++) {
            out.put(i + ".exp_avg", firstMoments[i]);
            out.put(i + ".exp_avg_sq", secondMoments[i]);
        }
        return out;
    }

    /** "i.step" for parameter i. */
    @Override
    public Map<String, Long> stateCounters() {
        Map<String, Long> out = orderedMap();
        for (int i = 0; i < steps.length; i++) out.put(i + ".step", steps[i]);
        return out;
    }

    @Override
    protected void setCounter(String name, long value) {
        if (value < 0) throw new IllegalArgumentException(this + ": step count " + name + " is negative: " + value);
        steps[counterIndex(name, ".step", steps.length)] = value;
    }

    @Override
    protected void update(int index, Tensor parameter, Tensor gradient) {
        long t = ++steps[index];
        double lr = learningRate();
        double beta1 = options.beta1();
        double beta2 = options.beta2();
        float stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
        float correction2 = (float) Math.sqrt(1 - Math.pow(beta2, t));
        float l2 = decoupledDecay ? 0f : (float) options.weightDecay();
        float shrink = decoupledDecay ? (float) (1 - lr * options.weightDecay()) : 1f;
        VectorKernels.AdamCoefficients c = coefficients.set(shrink, l2, (float) beta1, (float) (1 - beta1),
                (float) beta2, (float) (1 - beta2), stepSize, correction2, (float) options.eps());
        VectorKernels kernels = Kernels.vector();
        float[] p = parameter.data();
        int po = parameter.offset();
        float[] g = gradient.data();
        int go = gradient.offset();
        float[] m = firstMoments[index].data();
        float[] v = secondMoments[index].data();
        int n = parameter.size();
        // m and v are buffers of our own, at offset 0
        if (n <= PARALLEL_GRAIN) {
            kernels.adamStep(p, po, g, go, m, 0, v, 0, c, n);
        } else {
            Parallel.range(n, PARALLEL_GRAIN, (lo, hi) -> kernels.adamStep(p, po + lo, g, go + lo, m, lo, v, lo, c, hi - lo));
        }
    }
}
