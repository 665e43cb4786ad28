package org.latent4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;

class LogLikelihoodEstimatorTest {
    private static double[] exact(LinearGaussianModel model, Tensor x) {
        double[] out = new double[x.dim(0)];
        for (int i = 0; i < out.length; i++) out[i] = model.exactLogLikelihood(x.slice(0, i, i + 1).toArray());
        return out;
    }

    private static double mean(double[] a) {
        return Estimate.of(a).mean();
    }

    @Test
    void exactPosteriorMakesEveryBoundTheExactLogLikelihood() {
        LinearGaussianModel model = LinearGaussianModel.standard(0, 1);
        Tensor x = model.sampleData(12, 1);
        double[] truth = exact(model, x);
        for (int k : new int[] {1, 7, 250}) {
            LogLikelihoodResult r = new LogLikelihoodEstimator(k, 100, 5, 3).estimate(model, x, null, null);
            double[] bound = r.boundPerExample();
            for (int i = 0; i < truth.length; i++) {
                // constant weights: only float32 rounding of log p(x,z) - log q(z|x) separates them
                assertEquals(truth[i], bound[i], 2e-4, "k=" + k + " example " + i);
                assertEquals(truth[i], r.elboPerExample()[i], 2e-4, "ELBO, k=" + k + " example " + i);
                assertEquals(k, r.effectiveSampleSizePerExample()[i], 1e-3 * k, "ESS, k=" + k);
            }
        }
    }

    @Test
    void wrongPosteriorBoundsTightenWithKTowardsTheExactValue() {
        double shift = 0.4, factor = 1.6;
        LinearGaussianModel model = LinearGaussianModel.standard(shift, factor);
        LinearGaussianModel exactModel = LinearGaussianModel.standard(0, 1);
        // L_k - log p(x) has a bias of about -Var(w)/(2k) and a noise of sd(w)/sqrt(k n) over n examples:
        // the ordering is checked where the bias dominates (many examples), the closeness on fewer.
        Tensor many = model.sampleData(1000, 2);
        double logPMany = mean(exact(model, many));
        double l1 = LogLikelihoodEstimator.of(1, 5).estimate(model, many, null, null).logLikelihood().mean();
        double l5 = LogLikelihoodEstimator.of(5, 5).estimate(model, many, null, null).logLikelihood().mean();
        double l20 = LogLikelihoodEstimator.of(20, 5).estimate(model, many, null, null).logLikelihood().mean();
        assertTrue(l1 < l5 && l5 < l20 && l20 < logPMany, "L_1 " + l1 + " < L_5 " + l5 + " < L_20 " + l20 + " < log p " + logPMany);

        Tensor x = model.sampleData(40, 3);
        double logP = mean(exact(model, x));
        LogLikelihoodResult r5000 = LogLikelihoodEstimator.of(5000, 5).estimate(model, x, null, null);
        assertEquals(logP, r5000.logLikelihood().mean(), 0.02, "L_5000 against the exact log-likelihood");

        // ELBO = log p(x) - KL(q || exact posterior); per dimension 0.5 (f - 1 - log f + shift^2 / v)
        double[] posteriorVar = posteriorVariances(exactModel, x);
        double kl = 0;
        for (double v : posteriorVar) kl += 0.5 * (factor - 1 - Math.log(factor) + shift * shift / v);
        assertEquals(logP - kl, r5000.elbo().mean(), 0.01, "ELBO against log p(x) - KL(q || posterior)");
        assertTrue(r5000.effectiveSampleSize().mean() < 5000 && r5000.effectiveSampleSize().mean() > 500);
    }

    /** The exact posterior's variances, read from the exact model's encoder. */
    private static double[] posteriorVariances(LinearGaussianModel exactModel, Tensor x) {
        float[] lv = exactModel.posterior(x.slice(0, 0, 1)).logVar().toArray();
        double[] v = new double[lv.length];
        for (int j = 0; j < lv.length; j++) v[j] = Math.exp(lv[j]);
        return v;
    }

    @Test
    void sameSeedSameEstimateForAnyTaskSizeAndThreadCount() {
        LinearGaussianModel model = LinearGaussianModel.standard(0.3, 2.0);
        Tensor x = model.sampleData(30, 4);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            LogLikelihoodResult a = new LogLikelihoodEstimator(300, 128, 7, 11).estimate(model, x, null, null);
            Parallel.setThreads(2);
            LogLikelihoodResult b = new LogLikelihoodEstimator(300, 128, 64, 11).estimate(model, x, null, null);
            LogLikelihoodResult c = new LogLikelihoodEstimator(300, 128, 7, 11).estimate(model, x, null, null);
            assertArrayEquals(a.boundPerExample(), b.boundPerExample());
            assertArrayEquals(a.boundPerExample(), c.boundPerExample());
            assertArrayEquals(a.elboPerExample(), b.elboPerExample());
            assertEquals(a.logLikelihood(), b.logLikelihood());
            // a different seed gives different draws (so the equality above is not vacuous)
            LogLikelihoodResult d = new LogLikelihoodEstimator(300, 128, 7, 12).estimate(model, x, null, null);
            assertTrue(a.boundPerExample()[0] != d.boundPerExample()[0]);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void exampleEstimateDoesNotDependOnTheOtherExamples() {
        LinearGaussianModel model = LinearGaussianModel.standard(0.3, 2.0);
        Tensor x = model.sampleData(10, 4);
        LogLikelihoodResult all = new LogLikelihoodEstimator(64, 64, 3, 9).estimate(model, x, null, null);
        LogLikelihoodResult first = new LogLikelihoodEstimator(64, 64, 3, 9).estimate(model, x.slice(0, 0, 4).contiguous(), null, null);
        for (int i = 0; i < 4; i++) assertEquals(all.boundPerExample()[i], first.boundPerExample()[i]);
    }

    @Test
    void progressCountsEveryExampleInOrder() {
        LinearGaussianModel model = LinearGaussianModel.standard(0, 1);
        Tensor x = model.sampleData(23, 5);
        List<long[]> calls = new ArrayList<>();
        LogLikelihoodEstimator.of(3, 1).estimate(model, x, null, (done, total) -> calls.add(new long[] {done, total}));
        assertEquals(23, calls.size());
        for (int i = 0; i < calls.size(); i++) {
            assertEquals(i + 1, calls.get(i)[0]);
            assertEquals(23, calls.get(i)[1]);
        }
    }

    @Test
    void inputsThatDoNotFitTheModelAreRefusedWithTheirShapes() {
        LinearGaussianModel model = LinearGaussianModel.standard(0, 1);
        var e = assertThrows(ShapeException.class,
                () -> LogLikelihoodEstimator.of(3, 1).estimate(model, Tensor.zeros(4, 5), null, null));
        assertTrue(e.getMessage().contains("[4, 5]") && e.getMessage().contains("linear-gaussian"), e.getMessage());
        assertThrows(ShapeException.class,
                () -> LogLikelihoodEstimator.of(3, 1).estimate(model, Tensor.zeros(4, 3), Tensor.zeros(5, 2), null));
        assertThrows(IllegalArgumentException.class, () -> new LogLikelihoodEstimator(0, 10, 1, 1));
    }
}
