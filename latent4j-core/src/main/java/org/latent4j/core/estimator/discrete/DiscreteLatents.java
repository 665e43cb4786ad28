package org.latent4j.core.estimator.discrete;

import org.latent4j.core.estimator.LatentFamily;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * A layer of independent discrete latents under a uniform prior: {@code variables} variables of {@code categories}
 * values each (n groups of K categories; D Bernoulli latents are D variables of 2 values). What differs between the
 * families is only how the encoder's logits give the table of log q per variable and value ({@link #logTable}) and
 * how a one-hot (or relaxed) indicator becomes the vector the decoder takes ({@link #code}); the estimators work on
 * the table and the indicators, so each serves both families.
 *
 * <p>Layouts: a table or an indicator is [..., variables, categories]; a code is [..., {@link #codeWidth()}];
 * sampled values are int arrays [samples, batch, variables] row-major.
 */
public abstract sealed class DiscreteLatents permits CategoricalLatents, BernoulliLatents {
    private final int variables;
    private final int categories;

    /**
     * For the two families.
     *
     * @param variables  latent variables (groups, or Bernoulli latents)
     * @param categories values of each
     */
    DiscreteLatents(int variables, int categories) {
        if (variables < 1 || categories < 2) {
            throw new IllegalArgumentException("DiscreteLatents: need >= 1 variable of >= 2 values, got " + variables + " of " + categories);
        }
        this.variables = variables;
        this.categories = categories;
    }

    /** {@return the latent family, which decides the estimators that apply} */
    public abstract LatentFamily family();

    /** {@return the number of latent variables} */
    public final int variables() {
        return variables;
    }

    /** {@return the values of each variable} */
    public final int categories() {
        return categories;
    }

    /** {@return the encoder's output width} */
    public abstract int logitWidth();

    /** {@return the width of the code the decoder takes} */
    public abstract int codeWidth();

    /**
     * log q(z_v = c | x) for every variable v and value c, from the encoder's logits.
     *
     * @param logits the encoder's output, [b, logitWidth()]
     * @return the table, [b, variables, categories], normalised over the last axis
     */
    public abstract Tensor logTable(Tensor logits);

    /**
     * The decoder's input for indicators (one-hot or relaxed) of every variable.
     *
     * @param indicator [..., variables, categories]
     * @return the code, [..., codeWidth()]
     */
    public abstract Tensor code(Tensor indicator);

    /** {@return log p(z) of every configuration under the uniform prior: -variables * log(categories)} */
    public final double logPrior() {
        return -variables * Math.log(categories);
    }

    /**
     * KL(q(z|x) || uniform) per row, in closed form: sum over variables and values of q log q, plus variables * log K.
     *
     * @param table log q, [b, variables, categories]
     * @return the KL, [b]
     */
    public final Tensor kl(Tensor table) {
        int b = table.dim(0);
        return table.exp().mul(table).reshape(b, variables * categories).sum(1, false).sub((float) logPrior());
    }

    /**
     * Draws values z ~ q(z|x) by the Gumbel-max trick on the table's values (no gradient); inside a
     * {@link Surrogate#freeze()} the first evaluation's draw, so a finite-difference check holds the sample still.
     *
     * @param table   log q, [b, variables, categories]
     * @param samples draws per row
     * @param rng     the noise
     * @return the values, [samples, b, variables] row-major
     */
    public final int[] sample(Tensor table, int samples, Rng rng) {
        int b = table.dim(0);
        Tensor t = table.contiguous();
        // the argmax of table + rng.gumbel(samples, b, variables, categories), bit for bit, without that tensor
        return Surrogate.choice(rng.gumbelArgmax(t.data(), t.offset(), b * variables, categories, samples));
    }

    /** The first index of the largest of each run of {@code categories} values, for {@code units} runs from {@code offset}. */
    private int[] argmax(float[] v, int offset, int units) {
        int k = categories;
        int[] out = new int[units];
        for (int u = 0; u < units; u++) {
            int base = offset + u * k, best = 0;
            float bestValue = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                if (v[base + c] > bestValue) {
                    bestValue = v[base + c];
                    best = c;
                }
            }
            out[u] = best;
        }
        return out;
    }

    /**
     * The one-hot indicator of values, a constant.
     *
     * @param values [samples, b, variables] row-major
     * @param samples the leading dimension
     * @param b the rows
     * @return [samples, b, variables, categories]
     */
    public final Tensor indicator(int[] values, int samples, int b) {
        if (values.length != samples * b * variables) {
            throw new IllegalArgumentException("DiscreteLatents.indicator: " + values.length + " values for " + samples + " x " + b + " x " + variables);
        }
        Tensor out = Tensor.zeros(samples, b, variables, categories);
        float[] d = out.data();
        for (int i = 0; i < values.length; i++) d[i * categories + values[i]] = 1f;
        return out;
    }

    /**
     * log q(z|x) of sampled configurations, summed over the variables, with its gradient to the table.
     *
     * @param table     log q, [b, variables, categories]
     * @param indicator the configurations' one-hot indicators, [samples, b, variables, categories]
     * @return [samples, b]
     */
    public final Tensor logProb(Tensor table, Tensor indicator) {
        int s = indicator.dim(0), b = indicator.dim(1);
        return indicator.reshape(s, b, variables * categories).mul(table.reshape(b, variables * categories)).sum(2, false);
    }

    /**
     * A relaxed (Concrete / Gumbel-softmax) sample and the hard sample it rounds to: y = softmax((log q + g) / tau)
     * over each variable's values, with g standard Gumbel noise, and argmax(log q + g), which is distributed as q.
     * For two values this is the binary Concrete of Maddison et al.: y_1 = sigmoid((logit + L) / tau) with L = g_1 - g_0
     * logistic noise.
     *
     * @param table   log q, [b, variables, categories], with its gradient
     * @param samples draws per row
     * @param tau     the temperature (> 0)
     * @param rng     the noise
     * @return the relaxed indicator [samples, b, variables, categories] and the hard values
     */
    public final Relaxed relaxed(Tensor table, int samples, double tau, Rng rng) {
        if (!(tau > 0)) throw new IllegalArgumentException("DiscreteLatents.relaxed: the temperature must be > 0, got " + tau);
        int b = table.dim(0);
        Tensor g = rng.gumbel(samples, b, variables, categories);
        Tensor perturbed = table.add(g);
        // read in place: a copy of the perturbed values (and a zero array added to them) was most of the relaxed
        // estimators' allocation a step
        Tensor p = perturbed.contiguous();
        int[] hard = Surrogate.choice(argmax(p.data(), p.offset(), samples * b * variables));
        return new Relaxed(perturbed.mul((float) (1 / tau)).softmax(3), hard);
    }

    /**
     * A relaxed sample and its hard rounding.
     *
     * @param soft the relaxed indicator, [samples, b, variables, categories], with its gradient
     * @param hard the argmax values, [samples, b, variables] row-major
     */
    public record Relaxed(Tensor soft, int[] hard) {}

    /**
     * {@return the number of joint configurations, K^n, or Long.MAX_VALUE when that overflows}
     */
    public final long configurations() {
        long c = 1;
        for (int v = 0; v < variables; v++) {
            if (c > Long.MAX_VALUE / categories) return Long.MAX_VALUE;
            c *= categories;
        }
        return c;
    }

    /**
     * Every joint configuration, the last variable varying fastest.
     *
     * @param limit the most configurations accepted
     * @return the values, [configurations, variables] row-major
     */
    public final int[] enumerate(long limit) {
        long c = configurations();
        if (c > limit) {
            throw new IllegalArgumentException("exact enumeration of " + describe() + " would sum over " + (c == Long.MAX_VALUE ? "more than 2^63" : c)
                    + " configurations, more than the limit of " + limit + " (use fewer or smaller latents, or another estimator)");
        }
        int n = (int) c;
        int[] out = new int[n * variables];
        for (int i = 0; i < n; i++) {
            int rest = i;
            for (int v = variables - 1; v >= 0; v--) {
                out[i * variables + v] = rest % categories;
                rest /= categories;
            }
        }
        return out;
    }

    /** {@return the latents in words, for messages: "20 groups of 10 categories", "8 Bernoulli latents"} */
    public abstract String describe();
}
