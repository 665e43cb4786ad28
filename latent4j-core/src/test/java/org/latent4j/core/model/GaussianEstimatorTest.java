package org.latent4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.estimator.GradientEstimator;
import org.latent4j.core.estimator.GradientEstimators;
import org.latent4j.core.estimator.LatentFamily;
import org.latent4j.core.estimator.gaussian.GaussianEstimator;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.hvae.HierarchicalVae;
import org.latent4j.core.model.hvae.HierarchicalVaeConfig;
import org.latent4j.core.model.vae.ConditionalVae;
import org.latent4j.core.model.vae.ConditionalVaeConfig;
import org.latent4j.core.model.vae.Iwae;
import org.latent4j.core.model.vae.Vae;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.IndexOps;
import org.latent4j.tensor.random.Rng;

/**
 * The estimators of Gaussian latents (reparam, stl, dreg) in the VAEs (one layer, and hvae's two): reparam is the computation of before,
 * STL's encoder gradient has zero variance at the exact posterior, DReG is unbiased and leaves the decoder's gradient
 * alone, and every surrogate's gradient is its finite differences'.
 */
class GaussianEstimatorTest {
    static final int D = 6, L = 2, B = 3;
    static final Tensor X = ModelFixtures.binary(B, D, 2, 41).x();
    static final TrainingProgress AT_STEP_7 = new TrainingProgress(1, 7, 5);

    // ------------------------------------------------------------------ helpers

    /** The gradients of the parameters whose names start with {@code prefix}, concatenated in double, after one loss's backward. */
    static double[] gradients(LatentModel m, Batch batch, long seed, String prefix) {
        for (Tensor p : m.parameters()) p.zeroGrad();
        m.loss(batch, AT_STEP_7, new Rng(seed)).loss().backward();
        return collect(m, prefix);
    }

    static double[] collect(LatentModel m, String prefix) {
        List<Double> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
            if (!e.getKey().startsWith(prefix)) continue;
            Tensor g = e.getValue().grad();
            int n = e.getValue().size();
            float[] v = g == null ? new float[n] : g.contiguous().toArray();
            for (float f : v) out.add((double) f);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Mean and standard deviation, component by component, of draws [n][p]. */
    record Moments(double[] mean, double[] std) {
        static Moments of(double[][] draws) {
            int n = draws.length, p = draws[0].length;
            double[] mean = new double[p], std = new double[p];
            for (double[] d : draws) for (int j = 0; j < p; j++) mean[j] += d[j] / n;
            for (double[] d : draws) for (int j = 0; j < p; j++) std[j] += (d[j] - mean[j]) * (d[j] - mean[j]) / (n - 1);
            for (int j = 0; j < p; j++) std[j] = Math.sqrt(std[j]);
            return new Moments(mean, std);
        }
    }

    static double[][] minus(double[][] a, double[][] b) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = new double[a[i].length];
            for (int j = 0; j < a[i].length; j++) out[i][j] = a[i][j] - b[i][j];
        }
        return out;
    }

    static double max(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** A model of the kind {@code iwae ? iwae : vae} with the config's estimator replaced, its weights from seed 5. */
    static Vae model(VaeConfig c, boolean iwae, String estimator) {
        VaeConfig e = c.withEstimator(estimator);
        return iwae ? new Iwae(e, new Rng(5)) : new Vae(e, new Rng(5));
    }

    // ------------------------------------------------------------------ (1) reparam is the computation of before

    /**
     * Vae.loss as it was before estimators were a choice, copied: the same draws, operations and metrics. reparam
     * must give exactly (bit for bit) its loss, terms, metrics and gradients.
     */
    static LossResult lossBefore(Vae m, boolean importanceWeighted, Batch batch, TrainingProgress progress, Rng rng) {
        VaeConfig config = m.vaeConfig();
        Tensor x = batch.x();
        int k = config.samples();
        DiagonalGaussian q = m.posterior(x, batch.condition());
        Tensor z = q.rsample(rng, k);
        Tensor logPx = m.likelihood().logProb(m.decode(z, batch.condition()), x);
        DiagonalGaussian prior = DiagonalGaussian.standard(config.latentDim());
        Tensor recon = logPx.mean().neg();
        Map<String, Double> metrics = new LinkedHashMap<>();
        Tensor kl = q.klToStandardNormal().mean();
        metrics.put("kl", (double) kl.item());
        Tensor loss, reg;
        if (importanceWeighted) {
            Tensor bound = logPx.add(prior.logProb(z)).sub(q.logProb(z)).logSumExp(0, false).sub((float) Math.log(k));
            loss = bound.mean().neg();
            reg = loss.sub(recon);
            metrics.put("bound", (double) -loss.item());
        } else {
            Tensor perDim = q.klToStandardNormalPerDim();
            Tensor r = config.freeBits() > 0 ? perDim.mean(0, false).clamp((float) config.freeBits(), Float.POSITIVE_INFINITY).sum() : kl;
            if (config.capacity() != null) {
                double c = config.capacity().at(progress.step());
                reg = r.sub((float) c).abs().mul((float) config.capacity().gamma());
                metrics.put("capacity", c);
            } else {
                double w = config.klWeight(progress);
                reg = r.mul((float) w);
                metrics.put("klWeight", w);
            }
            loss = recon.add(reg);
            metrics.put("elbo", (double) -(recon.item() + kl.item()));
        }
        return new LossResult(loss, recon, reg, metrics);
    }

    static float[][] allGradients(LatentModel m) {
        List<Tensor> ps = m.parameters();
        float[][] out = new float[ps.size()][];
        for (int i = 0; i < ps.size(); i++) out[i] = ps.get(i).grad() == null ? null : ps.get(i).grad().contiguous().toArray();
        return out;
    }

    @Test
    void reparamIsTheLossOfBeforeBitForBit() {
        VaeConfig base = VaeConfig.of(D, L).withHidden(List.of(5)).withSamples(3);
        Tensor condition = IndexOps.oneHot(new int[] {0, 1, 0}, 2);
        record Case(String name, Vae model, boolean iw, Batch batch) {}
        List<Case> cases = List.of(
                new Case("vae k=3", new Vae(base, new Rng(5)), false, Batch.of(X)),
                new Case("warm-up and beta", new Vae(base.withBeta(3).withWarmupEpochs(4), new Rng(5)), false, Batch.of(X)),
                new Case("free bits", new Vae(base.withFreeBits(0.3), new Rng(5)), false, Batch.of(X)),
                new Case("capacity", Vae.betaVae(base.withCapacity(new VaeConfig.Capacity(50, 5, 100)), new Rng(5)), false, Batch.of(X)),
                new Case("iwae k=3", new Iwae(base, new Rng(5)), true, Batch.of(X)),
                new Case("cvae", new ConditionalVae(new ConditionalVaeConfig(base, 2), new Rng(5)), false, new Batch(X, condition)));
        for (Case c : cases) {
            assertEquals("reparam", c.model().vaeConfig().estimator(), c.name() + ": the default estimator");
            for (Tensor p : c.model().parameters()) p.zeroGrad();
            LossResult before = lossBefore(c.model(), c.iw(), c.batch(), AT_STEP_7, new Rng(9));
            before.loss().backward();
            float[][] gBefore = allGradients(c.model());
            for (Tensor p : c.model().parameters()) p.zeroGrad();
            LossResult now = c.model().loss(c.batch(), AT_STEP_7, new Rng(9));
            now.loss().backward();
            float[][] gNow = allGradients(c.model());
            assertEquals(before.loss().item(), now.loss().item(), 0f, c.name() + ": loss");
            assertEquals(before.reconstruction().item(), now.reconstruction().item(), 0f, c.name() + ": reconstruction");
            assertEquals(before.regularization().item(), now.regularization().item(), 0f, c.name() + ": regularisation");
            assertEquals(before.metrics(), now.metrics(), c.name() + ": metrics, in order");
            assertEquals(List.copyOf(before.metrics().keySet()), List.copyOf(now.metrics().keySet()), c.name() + ": metric order");
            for (int i = 0; i < gNow.length; i++) assertArrayEquals(gBefore[i], gNow[i], 0f, c.name() + ": gradient of parameter " + i);
        }
    }

    static HierarchicalVae hvae(HierarchicalVaeConfig.Objective objective, int k, String estimator) {
        return new HierarchicalVae(HierarchicalVaeConfig.of(D).withSizes(3, 2, List.of(4), List.of(3)).withObjective(objective, k).withEstimator(estimator),
                new Rng(61));
    }

    /**
     * hvae with reparam: the bound of before, whose log weights logImportanceWeights still computes as the loss did
     * (the same draws from the same seed), with the same value and gradients bit for bit.
     */
    @Test
    void reparamIsTheHierarchicalLossOfBeforeBitForBit() {
        for (var objective : HierarchicalVaeConfig.Objective.values()) {
            HierarchicalVae m = hvae(objective, 3, "reparam");
            for (Tensor p : m.parameters()) p.zeroGrad();
            Tensor logW = m.logImportanceWeights(X, null, 3, new Rng(9));
            Tensor bound = objective == HierarchicalVaeConfig.Objective.IWAE ? logW.logSumExp(0, false).sub((float) Math.log(3)) : logW.mean(0, false);
            Tensor before = bound.mean().neg();
            before.backward();
            float[][] gBefore = allGradients(m);
            for (Tensor p : m.parameters()) p.zeroGrad();
            LossResult now = m.loss(Batch.of(X), AT_STEP_7, new Rng(9));
            now.loss().backward();
            assertEquals(before.item(), now.loss().item(), 0f, objective + ": loss");
            assertEquals(List.of("bound"), List.copyOf(now.metrics().keySet()), objective + ": metrics");
            float[][] gNow = allGradients(m);
            for (int i = 0; i < gNow.length; i++) assertArrayEquals(gBefore[i], gNow[i], 0f, objective + ": gradient of parameter " + i);
        }
    }

    // ------------------------------------------------------------------ (2) STL at the exact posterior

    /**
     * p(z) = N(0, I), p(x|z) = N(W z + b, s^2 I) with orthogonal columns of W, so the exact posterior is diagonal:
     * var_j = 1 / (1 + |w_j|^2 / s^2), mean = var * W^T (x - b) / s^2. The affine encoder is set to it (shifted by
     * {@code meanShift} in every mean, to leave it).
     */
    static Vae linearGaussianAtTheExactPosterior(String estimator, double meanShift) {
        return linearGaussianAtTheExactPosterior(estimator, meanShift, 1);
    }

    /** The same as an iwae with k samples when k &gt; 1. */
    static Vae linearGaussianAtTheExactPosterior(String estimator, double meanShift, int k) {
        double[][] w = {{1, 2}, {2, -1}, {0, 1}, {1, 0}}; // [d][l], columns orthogonal
        double[] b = {0.3, -0.2, 0.5, 0.1};
        double s = 0.5;
        int d = w.length, l = 2;
        VaeConfig config = VaeConfig.of(d, l).withHidden(List.of()).withGaussianSigma(s).withEstimator(estimator).withSamples(k);
        Vae m = k > 1 ? new Iwae(config, new Rng(1)) : new Vae(config, new Rng(1));
        var p = m.namedParameters();
        float[] ew = new float[2 * l * d], eb = new float[2 * l];
        for (int j = 0; j < l; j++) {
            double norm2 = 0;
            for (int i = 0; i < d; i++) norm2 += w[i][j] * w[i][j];
            double var = 1 / (1 + norm2 / (s * s));
            double bias = meanShift;
            for (int i = 0; i < d; i++) {
                ew[j * d + i] = (float) (w[i][j] * var / (s * s));
                bias -= w[i][j] * b[i] * var / (s * s);
            }
            eb[j] = (float) bias;
            eb[l + j] = (float) Math.log(var); // log-variance rows: weights 0
        }
        p.get("encoder.net.0.weight").copyFrom(Tensor.of(ew, 2 * l, d));
        p.get("encoder.net.0.bias").copyFrom(Tensor.of(eb, 2 * l));
        float[] dw = new float[d * l], db = new float[d];
        for (int i = 0; i < d; i++) {
            db[i] = (float) b[i];
            for (int j = 0; j < l; j++) dw[i * l + j] = (float) w[i][j];
        }
        p.get("decoder.0.weight").copyFrom(Tensor.of(dw, d, l));
        p.get("decoder.0.bias").copyFrom(Tensor.of(db, d));
        return m;
    }

    static final Tensor LINEAR_X = Tensor.ofRows(new float[][] {{1.2f, 0.4f, 0.9f, -0.3f}, {-0.5f, 1.5f, -0.2f, 0.8f}, {2.0f, -1.0f, 0.4f, 1.1f}});

    static double[][] encoderGradientDraws(Vae m, int n, long seed0) {
        double[][] g = new double[n][];
        for (int i = 0; i < n; i++) g[i] = gradients(m, Batch.of(LINEAR_X), seed0 + i, "encoder");
        return g;
    }

    /**
     * At the exact posterior log p(x, z) - log q(z|x) = log p(x) for every z, so the path derivative STL keeps is zero
     * at every draw: its encoder gradient is the same (zero) in every draw, to float rounding, where reparam's varies
     * (its score term is zero only on average). Both have the true gradient's mean, zero (the ELBO is stationary in
     * the encoder there); the decoder's gradients are the same for the same draw.
     */
    @Test
    void atTheExactPosteriorStlsEncoderGradientHasZeroVarianceAndReparamsDoesNot() {
        int n = 400;
        Vae stl = linearGaussianAtTheExactPosterior("stl", 0), reparam = linearGaussianAtTheExactPosterior("reparam", 0);
        double[][] gs = encoderGradientDraws(stl, n, 100), gr = encoderGradientDraws(reparam, n, 100);
        Moments ms = Moments.of(gs), mr = Moments.of(gr);
        double spread = max(mr.std());
        assertTrue(spread > 0.1, "reparam's encoder gradient varies from draw to draw: largest std " + spread);
        double worst = 0;
        for (double[] g : gs) for (int j = 0; j < g.length; j++) worst = Math.max(worst, Math.abs(g[j] - gs[0][j]));
        assertTrue(worst <= 1e-5 * spread, "every draw of STL's encoder gradient is the same: largest difference " + worst + " against reparam's std " + spread);
        assertTrue(max(gs[0]) <= 1e-5 * spread, "and it is the true gradient, zero: " + max(gs[0]));
        for (int j = 0; j < mr.mean().length; j++) {
            // 4.5 standard errors: with 12 components, a false alarm has probability below 1e-4 (and the seeds are fixed)
            assertEquals(ms.mean()[j], mr.mean()[j], 4.5 * mr.std()[j] / Math.sqrt(n), "component " + j + ": the same mean, zero");
        }
        for (long seed = 0; seed < 5; seed++) {
            assertArrayEquals(gradients(reparam, Batch.of(LINEAR_X), seed, "decoder"), gradients(stl, Batch.of(LINEAR_X), seed, "decoder"), 1e-6,
                    "STL changes only log q's gradient: the decoder's is reparam's");
        }
        // on the importance-weighted bound every weight is p(x) there: DReG's and STL's encoder gradients vanish at every draw too
        for (String e : List.of("dreg", "stl")) {
            Vae iw = linearGaussianAtTheExactPosterior(e, 0, 3);
            for (long seed = 0; seed < 20; seed++) {
                double g = max(gradients(iw, Batch.of(LINEAR_X), seed, "encoder"));
                assertTrue(g <= 1e-5 * spread, e + " on iwae, draw " + seed + ": " + g);
            }
        }
    }

    /**
     * Away from the exact posterior STL's encoder gradient still has reparam's mean (the score term it drops is zero
     * on average): paired draws, their difference within 4.5 of its standard errors, which are small enough here that
     * a missing path term would be seen (the mean gradient is many standard errors from zero).
     */
    @Test
    void awayFromTheExactPosteriorStlIsUnbiased() {
        int n = 500;
        Vae stl = linearGaussianAtTheExactPosterior("stl", 0.7), reparam = linearGaussianAtTheExactPosterior("reparam", 0.7);
        double[][] gs = encoderGradientDraws(stl, n, 5000), gr = encoderGradientDraws(reparam, n, 5000);
        Moments diff = Moments.of(minus(gs, gr)), mr = Moments.of(gr);
        boolean signal = false;
        for (int j = 0; j < diff.mean().length; j++) {
            double se = diff.std()[j] / Math.sqrt(n);
            assertEquals(0, diff.mean()[j], 4.5 * se + 1e-6, "component " + j);
            signal |= Math.abs(mr.mean()[j]) > 20 * (se + mr.std()[j] / Math.sqrt(n));
        }
        assertTrue(signal, "the gradient is far from zero in standard errors, so a bias would show");
    }

    // ------------------------------------------------------------------ (3) DReG

    static final VaeConfig TINY = VaeConfig.of(D, L).withHidden(List.of(5)).withSamples(4);

    /**
     * DReG's encoder gradient is unbiased: averaged over paired draws (the same noise) its mean equals the IWAE
     * gradient's (reparam on the bound) within 4.5 standard errors of the paired difference, in every component. The
     * test can fail: with the same draws, STL on the bound (DReG without the second w~, biased as Tucker et al. 2019
     * show) is many standard errors away in some component. For the same draw DReG's decoder gradient is the IWAE's.
     */
    @Test
    void dregIsUnbiasedAndLeavesTheDecoderGradientAlone() {
        int n = 1500;
        Vae dreg = model(TINY, true, "dreg"), reparam = model(TINY, true, "reparam"), stl = model(TINY, true, "stl");
        double[][] gd = new double[n][], gr = new double[n][], gs = new double[n][];
        for (int i = 0; i < n; i++) {
            gd[i] = gradients(dreg, Batch.of(X), 10_000 + i, "encoder");
            double[] decD = collect(dreg, "decoder");
            gr[i] = gradients(reparam, Batch.of(X), 10_000 + i, "encoder");
            double[] decR = collect(reparam, "decoder");
            gs[i] = gradients(stl, Batch.of(X), 10_000 + i, "encoder");
            if (i < 50) {
                double scale = max(decR);
                for (int j = 0; j < decR.length; j++) assertEquals(decR[j], decD[j], 2e-6 * scale, "draw " + i + ", decoder component " + j);
            }
        }
        Moments dr = Moments.of(minus(gd, gr)), sr = Moments.of(minus(gs, gr));
        double stlWorst = 0;
        for (int j = 0; j < dr.mean().length; j++) {
            double se = dr.std()[j] / Math.sqrt(n);
            assertEquals(0, dr.mean()[j], 4.5 * se + 1e-7, "encoder component " + j + ": DReG's mean minus the IWAE gradient's");
            stlWorst = Math.max(stlWorst, Math.abs(sr.mean()[j]) / (sr.std()[j] / Math.sqrt(n)));
        }
        assertTrue(stlWorst > 8, "STL on the bound is biased, and this test sees it: " + stlWorst + " standard errors");
    }

    /**
     * On hvae, where z2 is drawn from q(z2|z1) and log q(z2|z1)'s network runs with stopped weights: DReG on the IWAE
     * objective averages to the IWAE gradient and STL on the sampled ELBO to the ELBO's, over paired draws, within 4.5
     * standard errors in every encoder component; DReG's decoder gradients (p(x|z1) and p(z1|z2)) are the IWAE's.
     */
    @Test
    void onTheHierarchicalModelDregAndStlAreUnbiased() {
        int n = 800;
        record Pair(String what, HierarchicalVae estimator, HierarchicalVae reference) {}
        var iw = HierarchicalVaeConfig.Objective.IWAE;
        var elbo = HierarchicalVaeConfig.Objective.ELBO;
        for (Pair pair : List.of(new Pair("dreg on iwae", hvae(iw, 3, "dreg"), hvae(iw, 3, "reparam")),
                new Pair("stl on the elbo", hvae(elbo, 2, "stl"), hvae(elbo, 2, "reparam")))) {
            String what = pair.what();
            double[][] ge = new double[n][], gr = new double[n][];
            for (int i = 0; i < n; i++) {
                ge[i] = gradients(pair.estimator(), Batch.of(X), 20_000 + i, "encoder");
                double[] decE = collect(pair.estimator(), "decoder");
                gr[i] = gradients(pair.reference(), Batch.of(X), 20_000 + i, "encoder");
                double[] decR = collect(pair.reference(), "decoder");
                if (i < 20) {
                    double scale = max(decR);
                    for (int j = 0; j < decR.length; j++) assertEquals(decR[j], decE[j], 2e-6 * scale, what + ", draw " + i + ", decoder component " + j);
                }
            }
            Moments diff = Moments.of(minus(ge, gr));
            boolean differs = false;
            for (int j = 0; j < diff.mean().length; j++) {
                assertEquals(0, diff.mean()[j], 4.5 * diff.std()[j] / Math.sqrt(n) + 1e-7, what + ": encoder component " + j);
                differs |= diff.std()[j] > 1e-3;
            }
            assertTrue(differs, what + " is another estimator than reparam");
        }
    }

    /** With one sample w~ = 1: DReG is STL, and both are the ELBO's STL. */
    @Test
    void withOneSampleDregIsStl() {
        VaeConfig one = TINY.withSamples(1);
        for (long seed = 0; seed < 3; seed++) {
            assertArrayEquals(gradients(model(one, true, "stl"), Batch.of(X), seed, ""), gradients(model(one, true, "dreg"), Batch.of(X), seed, ""), 1e-6);
            assertArrayEquals(gradients(model(one, false, "stl"), Batch.of(X), seed, ""), gradients(model(one, true, "dreg"), Batch.of(X), seed, ""), 1e-5);
        }
    }

    /**
     * DReG scales the gradient reaching z after the forward pass in training, and puts the scale in the value inside a
     * freeze (so the gradient check sees it): both give the same gradients, and the same value, the bound.
     */
    @Test
    void dregsTwoPathsAgree() {
        List<LatentModel[]> models = List.of(new LatentModel[] {model(TINY, true, "dreg"), model(TINY, true, "reparam")},
                new LatentModel[] {hvae(HierarchicalVaeConfig.Objective.IWAE, 3, "dreg"), hvae(HierarchicalVaeConfig.Objective.IWAE, 3, "reparam")});
        for (LatentModel[] pair : models) for (long seed = 0; seed < 3; seed++) {
            LatentModel dreg = pair[0], reparam = pair[1];
            double[] training = gradients(dreg, Batch.of(X), seed, "");
            float value = dreg.loss(Batch.of(X), AT_STEP_7, new Rng(seed)).loss().item();
            double[] frozen;
            try (Surrogate.Freeze f = Surrogate.freeze()) {
                f.evaluation();
                frozen = gradients(dreg, Batch.of(X), seed, "");
            }
            double scale = max(training);
            for (int j = 0; j < training.length; j++) assertEquals(training[j], frozen[j], 1e-6 * scale, "component " + j);
            assertEquals(reparam.loss(Batch.of(X), AT_STEP_7, new Rng(seed)).loss().item(), value, 1e-5, "the loss's value is the bound");
        }
    }

    /**
     * Against PyTorch (gaussian_estimators_reference.py beside the JSON, float64): for given weights, data and noise,
     * reparam, stl and dreg on the importance-weighted bound give PyTorch's gradients, where dreg is written the usual
     * PyTorch way (a hook on z scaling its gradient by w~, the surrogate sum_i w~_i log w_i), independently of
     * Latent4j's formulation; Latent4j's float32 within 1e-4 of the largest gradient.
     */
    @Test
    void theGradientsArePyTorchsForTheSameDraw() throws Exception {
        Json.Cursor ref = Json.at(Json.readFile(Path.of(GaussianEstimatorTest.class.getResource("gaussian-estimators-reference.json").toURI())), "reference");
        Json.Cursor shapes = ref.get("shapes");
        int d = shapes.get("D").asInt(), l = shapes.get("L").asInt(), h = shapes.get("H").asInt(), k = shapes.get("K").asInt(), b = shapes.get("B").asInt();
        Tensor x = Tensor.of(ref.get("x").asFloatArray(), b, d);
        Tensor eps = Tensor.of(ref.get("eps").asFloatArray(), k, b, l);
        for (String e : List.of("reparam", "stl", "dreg")) {
            Vae m = new Iwae(VaeConfig.of(d, l).withHidden(List.of(h)).withSamples(k).withEstimator(e), new Rng(1));
            for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet()) {
                p.getValue().copyFrom(Tensor.of(ref.get("parameters").get(p.getKey()).asFloatArray(), p.getValue().shape()));
                p.getValue().zeroGrad();
            }
            DiagonalGaussian q = m.posterior(x, null);
            Tensor z = q.mean().add(q.logVar().mul(0.5f).exp().mul(eps));
            var iw = GaussianEstimator.of(e, GaussianEstimator.Bound.IMPORTANCE_WEIGHTED)
                    .importanceWeighted(q, z, DiagonalGaussian.standard(l), zs -> m.likelihood().logProb(m.decode(zs, null), x));
            Tensor loss = iw.bound().mean().neg();
            loss.backward();
            // every estimator's value is the bound, reparam's loss (PyTorch's dreg surrogate has another value)
            assertEquals(ref.get("reparam_loss").asDouble(), loss.item(), 1e-5 * Math.abs(ref.get("reparam_loss").asDouble()), e + ": the bound");
            double scale = 0;
            for (String name : m.namedParameters().keySet()) scale = Math.max(scale, max(ref.get(e).get(name).asDoubleArray()));
            for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet()) {
                double[] want = ref.get(e).get(p.getKey()).asDoubleArray();
                float[] got = p.getValue().grad().contiguous().toArray();
                for (int j = 0; j < want.length; j++) assertEquals(want[j], got[j], 1e-4 * scale, e + ": " + p.getKey() + "[" + j + "]");
            }
        }
    }

    // ------------------------------------------------------------------ (4) finite differences of every surrogate

    @Test
    void everySurrogatesGradientMatchesFiniteDifferences() {
        Tensor condition = IndexOps.oneHot(new int[] {1, 0, 1}, 2);
        for (String e : List.of("reparam", "stl", "dreg")) {
            ModelFixtures.assertLossGradients(model(TINY, true, e), Batch.of(X), AT_STEP_7, 3);
            ModelFixtures.assertLossGradients(hvae(HierarchicalVaeConfig.Objective.IWAE, 3, e), Batch.of(X), AT_STEP_7, 3);
            if (e.equals("dreg")) continue;
            ModelFixtures.assertLossGradients(hvae(HierarchicalVaeConfig.Objective.ELBO, 2, e), Batch.of(X), AT_STEP_7, 3);
            ModelFixtures.assertLossGradients(model(TINY.withSamples(2), false, e), Batch.of(X), AT_STEP_7, 3);
            ModelFixtures.assertLossGradients(model(TINY.withFreeBits(0.05).withBeta(2), false, e), Batch.of(X), AT_STEP_7, 3);
            ModelFixtures.assertLossGradients(Vae.betaVae(TINY.withCapacity(new VaeConfig.Capacity(10, 3, 20)).withEstimator(e), new Rng(5)), Batch.of(X),
                    AT_STEP_7, 3);
            ModelFixtures.assertLossGradients(new ConditionalVae(new ConditionalVaeConfig(TINY.withEstimator(e), 2), new Rng(5)), new Batch(X, condition),
                    AT_STEP_7, 3);
        }
    }

    /**
     * The finite differences of the surrogate can tell the estimators apart: STL's gradient is not the finite
     * differences of the loss itself (its value is reparam's), so the check above checks what each one claims.
     */
    @Test
    void outsideAFreezeTheDifferencesSeeTheBoundNotTheEstimator() {
        Vae stl = model(TINY, true, "stl");
        var r = org.latent4j.tensor.GradCheck.check(in -> stl.loss(Batch.of(X), AT_STEP_7, new Rng(3)).loss(), stl.parameters().toArray(new Tensor[0]));
        assertTrue(!r.ok(), "STL's gradient is not the bound's: " + r);
    }

    // ------------------------------------------------------------------ registry and refusals

    @Test
    void theGaussianEstimatorsAreRegisteredAndRefusedByName() {
        List<String> names = new ArrayList<>();
        for (GradientEstimator g : GradientEstimators.of(LatentFamily.GAUSSIAN)) names.add(g.name());
        assertTrue(names.containsAll(List.of("reparam", "stl", "dreg")), names.toString());
        for (String n : List.of("reparam", "stl", "dreg")) {
            GradientEstimator g = GradientEstimators.all().stream().filter(x -> x.name().equals(n)).findFirst().orElseThrow();
            assertEquals(java.util.Set.of(LatentFamily.GAUSSIAN), g.families());
            assertTrue(!g.summary().isBlank() && g.reference().contains("20"), n + ": " + g.reference());
        }
        var unknown = assertThrows(IllegalArgumentException.class, () -> model(TINY, true, "nope"));
        assertTrue(unknown.getMessage().startsWith("iwae: unknown gradient estimator 'nope' (for gaussian latents: reparam, stl, dreg"), unknown.getMessage());
        var dregOnElbo = assertThrows(IllegalArgumentException.class, () -> model(TINY, false, "dreg"));
        assertEquals("vae: gradient estimator 'dreg' does not apply to the ELBO (for it: reparam, stl)", dregOnElbo.getMessage());
        var dregOnHvaeElbo = assertThrows(IllegalArgumentException.class, () -> hvae(HierarchicalVaeConfig.Objective.ELBO, 2, "dreg"));
        assertEquals("hvae: gradient estimator 'dreg' does not apply to the ELBO (for it: reparam, stl)", dregOnHvaeElbo.getMessage());
    }

    /** The estimator's metric: the effective sample size of the normalized weights, between 1 and k. */
    @Test
    void dregAndStlReportTheEffectiveSampleSize() {
        for (String e : List.of("stl", "dreg")) {
            double ess = model(TINY, true, e).loss(Batch.of(X), AT_STEP_7, new Rng(2)).metrics().get("ess");
            assertTrue(ess >= 1 && ess <= 4, e + ": " + ess);
        }
    }
}
