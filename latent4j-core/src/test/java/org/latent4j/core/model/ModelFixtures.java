package org.latent4j.core.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.latent4j.tensor.GradCheck;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.optim.Adam;
import org.latent4j.tensor.optim.AdamOptions;
import org.latent4j.tensor.random.Rng;

/** Small synthetic data sets, a gradient check through a model's loss, and a minimal Adam loop. */
final class ModelFixtures {
    private ModelFixtures() {}

    /** Binary data: {@code classes} random prototypes of {@code d} pixels, each pixel flipped with probability 0.1. */
    record Binary(Tensor x, int[] labels, float[][] prototypes) {}

    static Binary binary(int n, int d, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] protos = new float[classes][d];
        for (float[] p : protos) for (int j = 0; j < d; j++) p[j] = r.nextBoolean() ? 1f : 0f;
        float[] x = new float[n * d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            for (int j = 0; j < d; j++) {
                float v = protos[labels[i]][j];
                x[i * d + j] = r.nextDouble() < 0.1 ? 1 - v : v;
            }
        }
        return new Binary(Tensor.of(x, n, d), labels, protos);
    }

    /** Rows [from, to) of a [n, d] tensor as a new tensor. */
    static Tensor rows(Tensor x, int from, int to) {
        return x.slice(0, from, to).contiguous();
    }

    /**
     * Checks every parameter's gradient of the loss against finite differences, with the sampling fixed by the seed.
     * The differences are those of the surrogate ({@link Surrogate}): a model's stop-gradients (a code chosen by an
     * argmin, a straight-through difference) keep their values of the first evaluation, so what is checked is the
     * gradient a gradient estimator claims to compute (for a model without stop-gradients, the loss's own).
     */
    static void assertLossGradients(LatentModel model, Batch batch, TrainingProgress progress, long seed) {
        List<Tensor> params = model.parameters();
        GradCheck.Settings opt = GradCheck.Settings.DEFAULT;
        GradCheck.Result r;
        try (Surrogate.Freeze frozen = Surrogate.freeze()) {
            r = GradCheck.check(opt, in -> {
                frozen.evaluation();
                return model.loss(batch, progress, new Rng(seed)).loss();
            }, params.toArray(new Tensor[0]));
        }
        assertTrue(r.ok(), model.kind() + ": " + r);
        assertTrue(r.checked() > 0, "nothing checked");
    }

    /**
     * log of the mean of exp(w[s * b + row]) over samples s in [from, to), in double, for log importance weights w
     * laid out [samples, b] as {@link LatentModel#logImportanceWeights} returns them: the bound L_(to - from) of that row.
     */
    static double logMeanExp(float[] w, int b, int row, int from, int to) {
        double max = Double.NEGATIVE_INFINITY, acc = 0;
        for (int s = from; s < to; s++) max = Math.max(max, w[s * b + row]);
        for (int s = from; s < to; s++) acc += Math.exp(w[s * b + row] - max);
        return max + Math.log(acc / (to - from));
    }

    /** Trains with Adam on minibatches of 20 for {@code steps} steps. */
    static void train(LatentModel model, Tensor x, Tensor condition, int steps, double lr, long seed) {
        Adam adam = new Adam(model.parameters(), AdamOptions.DEFAULTS.withLearningRate(lr));
        Rng rng = new Rng(seed);
        int n = x.dim(0), b = 20, perEpoch = n / b;
        for (int s = 0; s < steps; s++) {
            int from = (s % perEpoch) * b;
            Batch batch = new Batch(rows(x, from, from + b), condition == null ? null : rows(condition, from, from + b));
            adam.zeroGrad();
            model.loss(batch, new TrainingProgress(s / perEpoch, s, perEpoch), rng).loss().backward();
            adam.step();
        }
    }

    /** The loss on all of x at the end of every schedule, with a fixed seed and averaged over a few draws. */
    static double evalLoss(LatentModel model, Tensor x, Tensor condition) {
        double sum = 0;
        int reps = 4;
        for (int i = 0; i < reps; i++) {
            sum += model.loss(new Batch(x, condition), TrainingProgress.EVALUATION, new Rng(1000 + i)).loss().item();
        }
        return sum / reps;
    }
}
