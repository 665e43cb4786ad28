package org.latent4j.core.estimator.discrete;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.model.discrete.BernoulliVae;
import org.latent4j.core.model.discrete.BernoulliVaeConfig;
import org.latent4j.core.model.discrete.CategoricalVae;
import org.latent4j.core.model.discrete.CategoricalVaeConfig;
import org.latent4j.core.model.discrete.DiscreteVae;
import org.latent4j.core.nn.Activation;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** Tiny discrete VAEs (2 groups of 3 categories: 9 configurations; 3 Bernoulli latents: 8) and their gradients. */
final class DiscreteFixtures {
    private DiscreteFixtures() {}

    static final int D = 6;

    /** Four binary rows of six features. */
    static Batch batch() {
        float[] x = {1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1};
        return Batch.of(Tensor.of(x, 4, D));
    }

    /** The categorical model with weights from seed 11 (the same for every estimator). */
    static DiscreteVae categorical(String estimator, int k) {
        return new CategoricalVae(CategoricalVaeConfig.of(D).withLatents(2, 3).withHidden(List.of(5)).withActivation(Activation.TANH)
                .withEstimator(estimator, k), new Rng(11));
    }

    /** The Bernoulli model with weights from seed 12. */
    static DiscreteVae bernoulli(String estimator, int k) {
        return new BernoulliVae(BernoulliVaeConfig.of(D).withLatents(3).withHidden(List.of(5)).withActivation(Activation.TANH).withEstimator(estimator, k),
                new Rng(12));
    }

    static DiscreteVae model(String family, String estimator, int k) {
        return family.equals("categorical") ? categorical(estimator, k) : bernoulli(estimator, k);
    }

    /** The encoder's and decoder's parameters, in a fixed order. */
    static List<Tensor> networkParameters(DiscreteVae m) {
        List<Tensor> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
            if (e.getKey().startsWith("encoder.") || e.getKey().startsWith("decoder.")) out.add(e.getValue());
        }
        return out;
    }

    /** Whether each flattened component of {@link #networkParameters} belongs to the encoder. */
    static boolean[] encoderMask(DiscreteVae m) {
        List<Boolean> mask = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
            if (e.getKey().startsWith("encoder.") || e.getKey().startsWith("decoder.")) {
                for (int i = 0; i < e.getValue().size(); i++) mask.add(e.getKey().startsWith("encoder."));
            }
        }
        boolean[] out = new boolean[mask.size()];
        for (int i = 0; i < out.length; i++) out[i] = mask.get(i);
        return out;
    }

    /** The gradient of one loss evaluation, flattened over {@link #networkParameters}. */
    static double[] gradient(DiscreteVae m, Batch b, TrainingProgress progress, long seed) {
        List<Tensor> params = networkParameters(m);
        for (Tensor p : m.parameters()) p.clearGrad();
        m.loss(b, progress, new Rng(seed)).loss().backward();
        int n = 0;
        for (Tensor p : params) n += p.size();
        double[] g = new double[n];
        int o = 0;
        for (Tensor p : params) {
            float[] v = p.grad() == null ? new float[p.size()] : p.grad().toArray();
            for (float f : v) g[o++] = f;
        }
        return g;
    }

    /** Mean and standard error of each component over draws. */
    record MonteCarlo(double[] mean, double[] standardError, int draws) {}

    static MonteCarlo average(DiscreteVae m, Batch b, TrainingProgress progress, int draws, long seed) {
        double[] sum = null, sumSq = null;
        for (int d = 0; d < draws; d++) {
            double[] g = gradient(m, b, progress, seed + d);
            if (sum == null) {
                sum = new double[g.length];
                sumSq = new double[g.length];
            }
            for (int i = 0; i < g.length; i++) {
                sum[i] += g[i];
                sumSq[i] += g[i] * g[i];
            }
        }
        double[] mean = new double[sum.length], se = new double[sum.length];
        for (int i = 0; i < sum.length; i++) {
            mean[i] = sum[i] / draws;
            double var = Math.max(0, sumSq[i] / draws - mean[i] * mean[i]) * draws / (draws - 1.0);
            se[i] = Math.sqrt(var / draws);
        }
        return new MonteCarlo(mean, se, draws);
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }
}
