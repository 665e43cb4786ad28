package org.latent4j.core.model;

import org.latent4j.core.model.hvae.HierarchicalVae;
import org.latent4j.core.model.hvae.HierarchicalVaeConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The two-stochastic-layer model's bound against the same quantities computed here in double from its
 * parameters and its noise, and the IWAE bound's growth with k for it.
 */
class HierarchicalVaeTest {
    static final int D = 5, L1 = 3, L2 = 2, B = 4, K = 6;
    static final double LOG_2PI = Math.log(2 * Math.PI);
    static final Tensor X = ModelFixtures.binary(B, D, 2, 23).x();

    /** One hidden tanh layer on each side of each stochastic layer; the paper's std = exp(linear) posterior. */
    static HierarchicalVae model(HierarchicalVaeConfig.Objective objective, int k) {
        return new HierarchicalVae(HierarchicalVaeConfig.of(D).withSizes(L1, L2, List.of(4), List.of(3)).withObjective(objective, k), new Rng(61));
    }

    /** The two-layer MLP {@code prefix}0 -> tanh -> {@code prefix}1 in double; weights are stored [out, in]. */
    static double[] mlp(Map<String, Tensor> p, String prefix, double[] in) {
        double[] h = affine(p, prefix + "0", in);
        for (int j = 0; j < h.length; j++) h[j] = Math.tanh(h[j]);
        return affine(p, prefix + "1", h);
    }

    static double[] affine(Map<String, Tensor> p, String layer, double[] in) {
        float[] w = p.get(layer + ".weight").toArray(), b = p.get(layer + ".bias").toArray();
        double[] out = new double[b.length];
        for (int j = 0; j < b.length; j++) {
            double s = b[j];
            for (int i = 0; i < in.length; i++) s += in[i] * w[j * in.length + i];
            out[j] = s;
        }
        return out;
    }

    /** log N(z; m, exp(a)^2), summed: the head a is log sigma (LOG_STD). */
    static double logNormal(double[] z, double[] ma) {
        int l = z.length;
        double s = 0;
        for (int u = 0; u < l; u++) {
            double d = (z[u] - ma[u]) / Math.exp(ma[l + u]);
            s += -0.5 * LOG_2PI - ma[l + u] - 0.5 * d * d;
        }
        return s;
    }

    /** The reparameterised sample m + exp(a) eps of a mean-and-log-std vector ma, eps at {@code eps[at..]}. */
    static double[] sample(double[] ma, float[] eps, int at) {
        int l = ma.length / 2;
        double[] z = new double[l];
        for (int u = 0; u < l; u++) z[u] = ma[u] + Math.exp(ma[l + u]) * eps[at + u];
        return z;
    }

    /**
     * log p(x|z1) + log p(z1|z2) + log p(z2) - log q(z1|x) - log q(z2|z1) for k samples, [k][B], with the noise of
     * a generator of this seed drawn as the model draws it: first all of z1's [k, B, L1] normals, then z2's [k, B, L2].
     * The second array holds log p(x|z1) alone.
     */
    static double[][][] expectedLogWeights(HierarchicalVae m, int k, long seed) {
        Map<String, Tensor> p = m.namedParameters();
        Rng rng = new Rng(seed);
        float[] eps1 = rng.normal(0f, 1f, k, B, L1).toArray(), eps2 = rng.normal(0f, 1f, k, B, L2).toArray(), x = X.toArray();
        double[][] logW = new double[k][B], logPx = new double[k][B];
        for (int s = 0; s < k; s++) {
            for (int i = 0; i < B; i++) {
                double[] xi = new double[D];
                for (int j = 0; j < D; j++) xi[j] = x[i * D + j];
                double[] q1 = mlp(p, "encoder1.net.", xi);
                double[] z1 = sample(q1, eps1, (s * B + i) * L1);
                double[] q2 = mlp(p, "encoder2.net.", z1);
                double[] z2 = sample(q2, eps2, (s * B + i) * L2);
                double logPz2 = 0;
                for (double v : z2) logPz2 += -0.5 * LOG_2PI - 0.5 * v * v;
                double[] logits = mlp(p, "decoder1.", z1);
                double lpx = 0;
                for (int j = 0; j < D; j++) {
                    double l = logits[j];
                    lpx += xi[j] * l - (Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l)))); // log sigmoid(l) or log(1 - sigmoid(l))
                }
                logPx[s][i] = lpx;
                logW[s][i] = lpx + logNormal(z1, mlp(p, "decoder2.net.", z2)) + logPz2 - logNormal(z1, q1) - logNormal(z2, q2);
            }
        }
        return new double[][][] {logW, logPx};
    }

    static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, 2e-5 * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void logImportanceWeightsAreTheFiveTermsComputedIndependently() {
        HierarchicalVae m = model(HierarchicalVaeConfig.Objective.ELBO, 1);
        double[][] expected = expectedLogWeights(m, K, 71)[0];
        float[] w = m.logImportanceWeights(X, null, K, new Rng(71)).toArray();
        assertEquals(K * B, w.length);
        for (int s = 0; s < K; s++) for (int i = 0; i < B; i++) assertClose(expected[s][i], w[s * B + i], "log w[" + s + ", " + i + "]");
    }

    @Test
    void elboAndIwaeLossesAreTheMeanAndTheLogMeanExpOfThoseWeights() {
        for (var objective : HierarchicalVaeConfig.Objective.values()) {
            HierarchicalVae m = model(objective, K);
            double[][][] e = expectedLogWeights(m, K, 72);
            // [K, B] as the model lays out its weights (float keeps 7 digits, far below the tolerance)
            float[] w = new float[K * B];
            double bound = 0, recon = 0;
            for (int s = 0; s < K; s++) {
                for (int i = 0; i < B; i++) {
                    w[s * B + i] = (float) e[0][s][i];
                    if (objective == HierarchicalVaeConfig.Objective.ELBO) bound += e[0][s][i] / (K * B);
                    recon -= e[1][s][i] / (K * B);
                }
            }
            if (objective == HierarchicalVaeConfig.Objective.IWAE) for (int i = 0; i < B; i++) bound += ModelFixtures.logMeanExp(w, B, i, 0, K) / B;
            LossResult r = m.loss(Batch.of(X), TrainingProgress.EVALUATION, new Rng(72));
            assertClose(-bound, r.loss().item(), objective + " loss");
            assertClose(bound, r.metrics().get("bound"), objective + " bound");
            assertClose(recon, r.reconstruction().item(), objective + " reconstruction");
            assertClose(-bound - recon, r.regularization().item(), objective + " regularisation");
        }
    }

    @Test
    void iwaeBoundRisesWithK() {
        HierarchicalVae m = model(HierarchicalVaeConfig.Objective.IWAE, 1);
        int total = 2000;
        float[] w = m.logImportanceWeights(X, null, total, new Rng(73)).toArray();
        double previous = Double.NEGATIVE_INFINITY;
        for (int k : new int[] {1, 5, 50}) {
            double mean = 0;
            int groups = total / k;
            for (int g = 0; g < groups; g++) for (int i = 0; i < B; i++) mean += ModelFixtures.logMeanExp(w, B, i, g * k, (g + 1) * k) / (groups * B);
            // sampling noise of these means is hundredths of a nat; the untrained posteriors leave gaps of tenths
            assertTrue(mean > previous + 0.1, "L_" + k + " = " + mean + " after " + previous);
            previous = mean;
        }
    }
}
