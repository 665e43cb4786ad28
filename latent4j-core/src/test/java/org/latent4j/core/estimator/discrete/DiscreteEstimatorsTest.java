package org.latent4j.core.estimator.discrete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.core.estimator.discrete.DiscreteFixtures.D;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.latent4j.core.estimator.GradientEstimators;
import org.latent4j.core.estimator.LatentFamily;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.model.discrete.BernoulliVae;
import org.latent4j.core.model.discrete.BernoulliVaeConfig;
import org.latent4j.core.model.discrete.CategoricalVae;
import org.latent4j.core.model.discrete.CategoricalVaeConfig;
import org.latent4j.core.model.discrete.DiscreteVae;
import org.latent4j.tensor.GradCheck;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.ShapeOps;
import org.latent4j.tensor.random.Rng;

/**
 * The discrete estimators against exact enumeration on tiny models (2 groups of 3 categories, 3 Bernoulli latents):
 * the exact gradient against finite differences of the exact ELBO, the score-function estimators' Monte Carlo means
 * against the exact gradient (unbiasedness), the relaxed ones' bias, and every surrogate against finite differences.
 */
class DiscreteEstimatorsTest {
    private static final TrainingProgress START = new TrainingProgress(0, 0, 1);

    @Test
    void everyDiscreteEstimatorIsRegisteredForBothFamilies() {
        for (LatentFamily f : List.of(LatentFamily.CATEGORICAL, LatentFamily.BERNOULLI)) {
            List<String> names = new ArrayList<>();
            GradientEstimators.of(f).forEach(e -> names.add(e.name()));
            assertTrue(names.containsAll(List.of("gumbel", "gumbel-st", "reinforce", "nvil", "vimco", "exact")), names.toString());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> DiscreteFixtures.categorical("reparam-typo", 1));
        assertTrue(e.getMessage().contains("unknown gradient estimator 'reparam-typo'") && e.getMessage().contains("gumbel-st"), e.getMessage());
    }

    /** The exact ELBO, summed configuration by configuration in double, independently of the estimator's tensors. */
    private static double bruteForceElbo(DiscreteVae m, Batch b) {
        DiscreteLatents l = m.latents();
        int rows = b.x().dim(0), n = l.variables(), k = l.categories();
        int[] configs = l.enumerate(1000);
        int c = configs.length / n;
        try (var ng = GradMode.disabled()) {
            float[] table = l.logTable(m.logits(b.x())).toArray();
            double total = 0;
            for (int r = 0; r < rows; r++) {
                Tensor xr = b.x().slice(0, r, r + 1).contiguous();
                for (int ci = 0; ci < c; ci++) {
                    double logq = 0;
                    float[] onehot = new float[n * k];
                    for (int v = 0; v < n; v++) {
                        int value = configs[ci * n + v];
                        logq += table[(r * n + v) * k + value];
                        onehot[v * k + value] = 1;
                    }
                    Tensor code = l.code(Tensor.of(onehot, 1, n, k)).reshape(1, l.codeWidth());
                    double lpx = m.likelihood().logProb(m.decode(code, null), xr).item();
                    // ELBO = E_q[log p(x|z) + log p(z) - log q(z|x)]
                    total += Math.exp(logq) * (lpx + l.logPrior() - logq);
                }
            }
            return total / rows;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"categorical", "bernoulli"})
    void exactGivesTheElboAndItsGradientMatchesFiniteDifferencesOfIt(String family) {
        DiscreteVae m = DiscreteFixtures.model(family, "exact", 1);
        Batch b = DiscreteFixtures.batch();
        var r = m.loss(b, START, new Rng(1));
        double elbo = bruteForceElbo(m, b);
        assertEquals(-elbo, r.loss().item(), 1e-4 * Math.abs(elbo), "the loss is minus the exact ELBO");
        assertEquals(elbo, r.metrics().get("elbo"), 1e-4 * Math.abs(elbo));
        // no freeze: each evaluation's stop-gradients take that evaluation's values, so the finite differences are those
        // of the ELBO itself, not of a surrogate
        GradCheck.Result g = GradCheck.check(in -> m.loss(b, START, new Rng(1)).loss(), m.parameters().toArray(new Tensor[0]));
        assertTrue(g.ok(), g.toString());
        assertTrue(g.checked() > 50, g.toString());
    }

    @Test
    void exactRefusesMoreThanItsLimitOfConfigurations() {
        var e = assertThrows(IllegalArgumentException.class, () -> new BernoulliVae(BernoulliVaeConfig.of(D).withLatents(13).withEstimator("exact", 1), new Rng(1)));
        assertTrue(e.getMessage().contains("8192 configurations, more than the limit of 4096"), e.getMessage());
        assertEquals(4096, new BernoulliVae(BernoulliVaeConfig.of(D).withLatents(12).withEstimator("exact", 1), new Rng(1)).latents().configurations());
    }

    /**
     * The largest |mean - exact| over components in units of the Monte Carlo standard error (with a floor of 1e-3 of the
     * gradient's norm, so components that are exactly 0 in both count as agreeing).
     */
    private static double worstZ(DiscreteFixtures.MonteCarlo mc, double[] exact, boolean[] mask, double scaleEncoder) {
        double floor = 1e-3 * DiscreteFixtures.norm(exact), worst = 0;
        for (int i = 0; i < exact.length; i++) {
            double mean = mask[i] ? mc.mean()[i] * scaleEncoder : mc.mean()[i];
            double se = mask[i] ? mc.standardError()[i] * scaleEncoder : mc.standardError()[i];
            worst = Math.max(worst, Math.abs(mean - exact[i]) / Math.hypot(se, floor));
        }
        return worst;
    }

    private static double relativeError(DiscreteFixtures.MonteCarlo mc, double[] exact, boolean[] mask, boolean encoder) {
        double diff = 0, ref = 0;
        for (int i = 0; i < exact.length; i++) {
            if (mask[i] != encoder) continue;
            diff += (mc.mean()[i] - exact[i]) * (mc.mean()[i] - exact[i]);
            ref += exact[i] * exact[i];
        }
        return Math.sqrt(diff / ref);
    }

    /**
     * REINFORCE's and NVIL's gradients averaged over 3,000 draws match the exact ELBO gradient within 5 standard errors
     * in every component (about 180 components: a false alarm has probability below 1e-4); NVIL's encoder gradient is
     * the exact one divided by its variance normaliser max(1, sqrt(v)), here set to 2.
     */
    @ParameterizedTest
    @CsvSource({"categorical,reinforce", "bernoulli,reinforce", "categorical,nvil", "bernoulli,nvil"})
    void scoreFunctionEstimatorsAreUnbiased(String family, String estimator) {
        Batch b = DiscreteFixtures.batch();
        DiscreteVae exact = DiscreteFixtures.model(family, "exact", 1);
        double[] reference = DiscreteFixtures.gradient(exact, b, START, 1);
        DiscreteVae m = DiscreteFixtures.model(family, estimator, 1);
        // running statistics as after some training: a mean that is not the signal's, a variance that rescales
        Tensor stats = m.namedBuffers().get("signal_statistics");
        stats.copyFrom(Tensor.vector(7, -3f, 4f));
        DiscreteFixtures.MonteCarlo mc = DiscreteFixtures.average(m, b, START, 3000, 100);
        boolean[] mask = DiscreteFixtures.encoderMask(m);
        double scale = estimator.equals("nvil") ? 2 : 1;
        double z = worstZ(mc, reference, mask, scale);
        assertTrue(z < 5, estimator + " on " + family + ": worst component " + z + " standard errors from the exact gradient");
        // the decoder's gradient is an average of exact per-sample gradients: close in relative terms too
        assertTrue(relativeError(mc, reference, mask, false) < 0.1, "decoder relative error " + relativeError(mc, reference, mask, false));
    }

    /** The same check has the power to see a bias: the relaxed estimator at temperature 1 fails it. */
    @Test
    void theUnbiasednessCheckSeesTheRelaxationsBias() {
        Batch b = DiscreteFixtures.batch();
        double[] reference = DiscreteFixtures.gradient(DiscreteFixtures.categorical("exact", 1), b, START, 1);
        DiscreteVae m = DiscreteFixtures.categorical("gumbel", 1);
        DiscreteFixtures.MonteCarlo mc = DiscreteFixtures.average(m, b, START, 1500, 100);
        double z = worstZ(mc, reference, DiscreteFixtures.encoderMask(m), 1);
        assertTrue(z > 8, "gumbel at tau = 1 should be visibly biased, worst z " + z);
    }

    /** The exact gradient of -E[L_2], the 2-sample bound, by summing over all pairs of configurations. */
    private static double[] exactTwoSampleBoundGradient(DiscreteVae m, Batch b) {
        for (Tensor p : m.parameters()) p.clearGrad();
        DiscreteLatents l = m.latents();
        Tensor x = b.x();
        int rows = x.dim(0), n = l.variables(), k = l.categories();
        int[] configs = l.enumerate(1000);
        int c = configs.length / n;
        Tensor table = l.logTable(m.logits(x));
        Tensor indicator = l.indicator(configs, c, 1).reshape(c, n * k);
        Tensor logq = indicator.matmul(table.reshape(rows, n * k).t());
        Tensor params = m.decode(l.code(indicator.reshape(c, n, k)), null);
        Tensor lpx = m.likelihood().logProb(params.reshape(c, 1, D).expand(c, rows, D).contiguous(), x);
        Tensor w = lpx.add((float) l.logPrior()).sub(logq);
        Tensor wi = w.reshape(c, 1, rows).expand(c, c, rows).contiguous().reshape(1, c, c, rows);
        Tensor wj = w.reshape(1, c, rows).expand(c, c, rows).contiguous().reshape(1, c, c, rows);
        Tensor bound = ShapeOps.concat(0, wi, wj).logSumExp(0, false).sub((float) Math.log(2));
        Tensor q = logq.exp();
        Tensor pairs = q.reshape(c, 1, rows).mul(q.reshape(1, c, rows));
        pairs.mul(bound).sum().mul(-1f / rows).backward();
        List<Tensor> ps = DiscreteFixtures.networkParameters(m);
        List<Double> out = new ArrayList<>();
        for (Tensor p : ps) for (float f : p.grad().toArray()) out.add((double) f);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** VIMCO's gradient averaged over 3,000 draws matches the exact gradient of the 2-sample bound within 5 standard errors. */
    @ParameterizedTest
    @ValueSource(strings = {"categorical", "bernoulli"})
    void vimcoIsUnbiasedForTheKSampleBound(String family) {
        Batch b = DiscreteFixtures.batch();
        DiscreteVae m = DiscreteFixtures.model(family, "vimco", 2);
        double[] reference = exactTwoSampleBoundGradient(m, b);
        DiscreteFixtures.MonteCarlo mc = DiscreteFixtures.average(m, b, START, 3000, 100);
        double z = worstZ(mc, reference, DiscreteFixtures.encoderMask(m), 1);
        assertTrue(z < 5, "vimco on " + family + ": worst component " + z + " standard errors from the exact gradient");
        assertTrue(relativeError(mc, reference, DiscreteFixtures.encoderMask(m), false) < 0.1);
        // and the ELBO's gradient is another thing: the check tells them apart
        double[] elbo = DiscreteFixtures.gradient(DiscreteFixtures.model(family, "exact", 1), b, START, 1);
        assertTrue(worstZ(mc, elbo, DiscreteFixtures.encoderMask(m), 1) > 5, "the 2-sample bound's gradient differs from the ELBO's");
    }

    /** Gumbel-max: the hard samples' frequencies are the categorical probabilities (within 4.5 binomial standard errors). */
    @ParameterizedTest
    @ValueSource(strings = {"categorical", "bernoulli"})
    void gumbelArgmaxFrequenciesAreTheProbabilities(String family) {
        DiscreteVae m = DiscreteFixtures.model(family, "gumbel", 1);
        DiscreteLatents l = m.latents();
        Batch b = DiscreteFixtures.batch();
        int s = 20_000, rows = 4, n = l.variables(), k = l.categories();
        try (var ng = GradMode.disabled()) {
            Tensor table = l.logTable(m.logits(b.x()));
            float[] t = table.toArray();
            DiscreteLatents.Relaxed r = l.relaxed(table, s, 0.5, new Rng(3));
            int[] counts = new int[rows * n * k];
            for (int i = 0; i < r.hard().length; i++) counts[(i % (rows * n)) * k + r.hard()[i]]++;
            for (int i = 0; i < counts.length; i++) {
                double p = Math.exp(t[i]), f = counts[i] / (double) s;
                assertEquals(p, f, 4.5 * Math.sqrt(p * (1 - p) / s) + 1e-4, "value " + i);
            }
            // the relaxed sample lies on the simplex, and its argmax is the hard sample
            float[] soft = r.soft().toArray();
            for (int i = 0; i < s * rows * n; i++) {
                double sum = 0;
                int best = 0;
                for (int c = 0; c < k; c++) {
                    sum += soft[i * k + c];
                    if (soft[i * k + c] > soft[i * k + best]) best = c;
                }
                assertEquals(1, sum, 1e-5);
                assertEquals(r.hard()[i], best);
            }
        }
    }

    /**
     * The relaxed estimator's bias falls with the temperature. The squared bias of the mean encoder gradient over 3,000
     * draws is estimated without the Monte Carlo noise's share (|mean - exact|^2 - sum of squared standard errors): at
     * tau = 0.1 it is below a quarter of its value at tau = 2.
     */
    @Test
    void theRelaxedGradientApproachesTheExactOneAsTheTemperatureFalls() {
        Batch b = DiscreteFixtures.batch();
        double[] reference = DiscreteFixtures.gradient(DiscreteFixtures.categorical("exact", 1), b, START, 1);
        double[] taus = {2.0, 0.5, 0.1};
        double[] bias2 = new double[taus.length];
        for (int t = 0; t < taus.length; t++) {
            DiscreteVae m = new CategoricalVae(((CategoricalVaeConfig) DiscreteFixtures.categorical("gumbel", 1).config())
                    .withTemperature(new Temperature(taus[t], taus[t], 0)), new Rng(11));
            DiscreteFixtures.MonteCarlo mc = DiscreteFixtures.average(m, b, START, 3000, 100);
            boolean[] mask = DiscreteFixtures.encoderMask(m);
            for (int i = 0; i < reference.length; i++) {
                if (!mask[i]) continue;
                double d = mc.mean()[i] - reference[i];
                bias2[t] += d * d - mc.standardError()[i] * mc.standardError()[i];
            }
        }
        assertTrue(bias2[2] < 0.25 * bias2[0], "squared bias of the encoder gradient at tau 2, 0.5, 0.1: " + java.util.Arrays.toString(bias2));
    }

    /** Straight-through: both decoder passes see exactly one-hot codes (bits for Bernoulli latents). */
    @ParameterizedTest
    @ValueSource(strings = {"categorical", "bernoulli"})
    void straightThroughsForwardValueIsOneHot(String family) {
        DiscreteVae m = DiscreteFixtures.model(family, "gumbel-st", 3);
        Batch b = DiscreteFixtures.batch();
        List<float[]> seen = new ArrayList<>();
        DiscreteProblem base = m.problem(b.x(), m.logits(b.x()), START, new Rng(5));
        DiscreteProblem p = new DiscreteProblem(base.latents(), base.x(), base.logits(), codes -> {
            seen.add(codes.contiguous().toArray());
            return m.decode(codes, null);
        }, base.likelihood(), base.samples(), base.temperature(), base.statistics(), base.inputBaseline(), base.rng());
        m.estimator().estimate(p);
        assertEquals(2, seen.size());
        int k = m.latents().categories();
        for (float[] codes : seen) {
            if (family.equals("bernoulli")) {
                for (float v : codes) assertTrue(v == 0f || v == 1f, "a bit, got " + v);
            } else {
                for (int g = 0; g < codes.length / k; g++) {
                    int ones = 0;
                    for (int c = 0; c < k; c++) {
                        float v = codes[g * k + c];
                        assertTrue(v == 0f || v == 1f, "one-hot, got " + v);
                        if (v == 1f) ones++;
                    }
                    assertEquals(1, ones);
                }
            }
        }
    }

    /**
     * Every estimator's surrogate (its stop-gradients and its sample held still by {@link Surrogate#freeze()}) has the
     * gradient autodiff gives it, and its loss is the sum of its named objectives.
     */
    @ParameterizedTest
    @CsvSource({"categorical,gumbel,2", "categorical,gumbel-st,2", "categorical,reinforce,2", "categorical,nvil,2", "categorical,vimco,3",
            "categorical,exact,1", "bernoulli,gumbel,2", "bernoulli,gumbel-st,2", "bernoulli,reinforce,2", "bernoulli,nvil,2", "bernoulli,vimco,3",
            "bernoulli,exact,1"})
    void surrogatesMatchFiniteDifferences(String family, String estimator, int k) {
        DiscreteVae m = DiscreteFixtures.model(family, estimator, k);
        m.namedBuffers().get("signal_statistics").copyFrom(Tensor.vector(3, -2f, 9f));
        Batch b = DiscreteFixtures.batch();
        TrainingProgress progress = new TrainingProgress(0, 1000, 1);
        GradCheck.Result r;
        try (Surrogate.Freeze frozen = Surrogate.freeze()) {
            r = GradCheck.check(in -> {
                frozen.evaluation();
                return m.loss(b, progress, new Rng(9)).loss();
            }, m.parameters().toArray(new Tensor[0]));
        }
        assertTrue(r.ok(), estimator + " on " + family + ": " + r);
        DiscreteEstimate e = m.estimate(b.x(), progress, new Rng(9));
        double sum = e.decoderObjective().item() + e.encoderObjective().item() + (e.baselineObjective() == null ? 0 : e.baselineObjective().item());
        assertEquals(e.loss().item(), sum, 1e-4 * Math.abs(sum));
        assertEquals(-e.bound(), e.loss().item(), 1e-4 * Math.abs(e.bound()), "the loss's value is minus the objective");
        if (estimator.equals("nvil")) assertEquals(0, e.baselineObjective().item(), 0, "the baseline's regression adds no value");
    }

    /** The decoder's objective carries no encoder gradient, and the encoder's none to the decoder. */
    @ParameterizedTest
    @ValueSource(strings = {"gumbel", "gumbel-st", "reinforce", "nvil", "vimco", "exact"})
    void theObjectivesCarryOnlyTheirOwnNetworksGradients(String estimator) {
        DiscreteVae m = DiscreteFixtures.categorical(estimator, estimator.equals("vimco") ? 3 : 1);
        Batch b = DiscreteFixtures.batch();
        for (boolean decoderSide : new boolean[] {true, false}) {
            for (Tensor p : m.parameters()) p.clearGrad();
            DiscreteEstimate e = m.estimate(b.x(), START, new Rng(4));
            (decoderSide ? e.decoderObjective() : e.encoderObjective()).backward();
            for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet()) {
                boolean own = p.getKey().startsWith(decoderSide ? "decoder." : "encoder.") || decoderSide && p.getKey().startsWith("likelihood.");
                Tensor g = p.getValue().grad();
                double max = 0;
                if (g != null) for (float f : g.toArray()) max = Math.max(max, Math.abs(f));
                if (own) assertTrue(max > 0, estimator + ": " + p.getKey() + " gets no gradient from its objective");
                else assertTrue(max < 1e-5, estimator + ": " + p.getKey() + " gets " + max + " from the " + (decoderSide ? "decoder's" : "encoder's") + " objective");
            }
        }
    }

    @Test
    void runningStatisticsStartAtTheFirstBatchThenDecay() {
        SignalStatistics s = SignalStatistics.NONE.update(-10, 4);
        assertEquals(new SignalStatistics(1, -10, 4), s);
        SignalStatistics t = s.update(-20, 9);
        assertEquals(0.8 * -10 + 0.2 * -20, t.mean(), 1e-12);
        assertEquals(0.8 * 4 + 0.2 * 9, t.variance(), 1e-12);
        assertEquals(Math.sqrt(t.variance()), t.scale(), 1e-12);
        assertEquals(1, new SignalStatistics(3, 0, 0.25).scale());
    }

    @Test
    void vimcoLeaveOneOutSignalsMatchTheirDefinition() {
        float[] w = {-1f, -4f, -2.5f}; // k = 3, b = 1
        float[] s = VimcoEstimator.leaveOneOutSignals(w, 3, 1);
        double bound = Math.log((Math.exp(-1) + Math.exp(-4) + Math.exp(-2.5)) / 3);
        double without0 = Math.log((Math.exp((-4 - 2.5) / 2) + Math.exp(-4) + Math.exp(-2.5)) / 3);
        assertEquals(bound - without0, s[0], 1e-6);
        double without1 = Math.log((Math.exp(-1) + Math.exp((-1 - 2.5) / 2) + Math.exp(-2.5)) / 3);
        assertEquals(bound - without1, s[1], 1e-6);
    }

    @Test
    void theTemperatureFollowsJangEtAlsSchedule() {
        Temperature t = Temperature.DEFAULT;
        assertEquals(1.0, t.at(0));
        assertEquals(Math.exp(-0.5), t.at(5000), 1e-12);
        assertEquals(0.5, t.at(100_000));
        assertEquals(0.5, t.at(TrainingProgress.EVALUATION.step()));
        assertThrows(IllegalArgumentException.class, () -> new Temperature(0.5, 1, 0));
    }
}
