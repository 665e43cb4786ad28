package org.latent4j.core.estimator.discrete;

import org.latent4j.core.estimator.LatentFamily;
import org.latent4j.tensor.Tensor;

/** n groups of K categories: the encoder gives n * K logits (group-major), the decoder takes the n one-hots concatenated. */
public final class CategoricalLatents extends DiscreteLatents {
    /**
     * The layer.
     *
     * @param groups     categorical variables
     * @param categories categories of each (>= 2)
     */
    public CategoricalLatents(int groups, int categories) {
        super(groups, categories);
    }

    @Override
    public LatentFamily family() {
        return LatentFamily.CATEGORICAL;
    }

    @Override
    public int logitWidth() {
        return variables() * categories();
    }

    @Override
    public int codeWidth() {
        return variables() * categories();
    }

    @Override
    public Tensor logTable(Tensor logits) {
        return logits.reshape(logits.dim(0), variables(), categories()).logSoftmax(2);
    }

    @Override
    public Tensor code(Tensor indicator) {
        int[] s = indicator.shape();
        int[] out = java.util.Arrays.copyOf(s, s.length - 1);
        out[out.length - 1] = codeWidth();
        return indicator.reshape(out);
    }

    @Override
    public String describe() {
        return variables() + " groups of " + categories() + " categories";
    }
}
