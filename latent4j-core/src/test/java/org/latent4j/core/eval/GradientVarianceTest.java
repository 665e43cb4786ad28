package org.latent4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latent4j.core.distributions.GaussianLikelihood;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.model.ae.Autoencoder;
import org.latent4j.core.model.ae.AutoencoderConfig;
import org.latent4j.core.model.vae.Iwae;
import org.latent4j.core.model.vae.Vae;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.core.nn.Linear;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.init.Initializer;
import org.latent4j.tensor.random.Rng;

class GradientVarianceTest {
    private static final TrainingProgress PROGRESS = TrainingProgress.EVALUATION;

    private static final int D = 4, L = 2, B = 3;
    private static final double SIGMA = 0.8;

    /** A linear-Gaussian VAE: affine encoder (mean and log-variance heads), affine decoder, N(Wz + b, sigma^2 I). */
    private static Vae linearGaussianVae() {
        return new Vae(VaeConfig.of(D, L).withHidden(List.of()).withGaussianSigma(SIGMA), new Rng(5));
    }

    private static Tensor data() {
        return new Rng(11).normal(0f, 1f, B, D);
    }

    private static double[][] matrix(Tensor t) {
        float[] v = t.toArray();
        int rows = t.dim(0), cols = t.dim(1);
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m[i][j] = v[i * cols + j];
        return m;
    }

    /**
     * With z_n = m_n + s_n eps_n, the loss (1/B) sum_n [|x_n - W z_n - b|^2 / (2 sigma^2) + KL_n] has gradients linear in
     * eps, whose mean and variance follow by hand:
     * d/db_i = (1/B) sum_n (W z_n + b - x_n)_i / sigma^2, var = (1/B^2) sum_n sum_j W_ij^2 s_nj^2 / sigma^4;
     * d/dc_j (the encoder mean's bias) = (1/B) sum_n [W^T (W z_n + b - x_n)]_j / sigma^2 + m_nj,
     * var = (1/B^2) sum_n sum_l (W^T W)_jl^2 s_nl^2 / sigma^4.
     */
    @Test
    void theMeanAndVarianceOfALinearGaussianVaesGradientAgreeWithTheirClosedFormsWithinMonteCarloError() {
        Vae model = linearGaussianVae();
        Tensor x = data();
        Map<String, Tensor> p = model.namedParameters();
        double[][] a = matrix(p.get("encoder.net.0.weight")); // [2L, D]: mean rows, then log-variance rows
        float[] c = p.get("encoder.net.0.bias").toArray();
        double[][] w = matrix(p.get("decoder.0.weight"));     // [D, L]
        float[] b = p.get("decoder.0.bias").toArray();
        double[][] xs = matrix(x);
        double s2 = SIGMA * SIGMA, s4 = s2 * s2;

        double[] biasMean = new double[D], biasVar = new double[D], codeMean = new double[L], codeVar = new double[L];
        double[][] wtw = new double[L][L];
        for (int j = 0; j < L; j++) for (int l = 0; l < L; l++) for (int i = 0; i < D; i++) wtw[j][l] += w[i][j] * w[i][l];
        for (int n = 0; n < B; n++) {
            double[] m = new double[L], var = new double[L];
            for (int j = 0; j < L; j++) {
                double mean = c[j], logVar = c[L + j];
                for (int i = 0; i < D; i++) {
                    mean += a[j][i] * xs[n][i];
                    logVar += a[L + j][i] * xs[n][i];
                }
                m[j] = mean;
                var[j] = Math.exp(logVar);
            }
            double[] residual = new double[D];
            for (int i = 0; i < D; i++) {
                residual[i] = b[i] - xs[n][i];
                for (int j = 0; j < L; j++) residual[i] += w[i][j] * m[j];
                biasMean[i] += residual[i] / s2 / B;
                for (int j = 0; j < L; j++) biasVar[i] += w[i][j] * w[i][j] * var[j] / s4 / (B * B);
            }
            for (int j = 0; j < L; j++) {
                double back = 0;
                for (int i = 0; i < D; i++) back += w[i][j] * residual[i];
                codeMean[j] += (back / s2 + m[j]) / B;
                for (int l = 0; l < L; l++) codeVar[j] += wtw[j][l] * wtw[j][l] * var[l] / s4 / (B * B);
            }
        }

        int draws = 4000;
        GradientVariance.Measurement r = GradientVariance.measure(model, Batch.of(x), PROGRESS, draws, new Rng(3), ProgressListener.NONE);
        GradientVariance.ParameterMoments decoderBias = r.parameters().get("decoder.0.bias");
        GradientVariance.ParameterMoments encoderBias = r.parameters().get("encoder.net.0.bias");
        for (int i = 0; i < D; i++) checkMoments("decoder bias " + i, biasMean[i], biasVar[i], decoderBias.mean()[i], decoderBias.variance()[i], draws);
        for (int j = 0; j < L; j++) checkMoments("encoder mean bias " + j, codeMean[j], codeVar[j], encoderBias.mean()[j], encoderBias.variance()[j], draws);
    }

    /**
     * The gradient is Gaussian here, so the mean of S draws has standard error sqrt(var / S) and the sample variance
     * var * sqrt(2 / (S - 1)); 4.5 standard errors leave a chance below 1e-5 per check of a false alarm.
     */
    private static void checkMoments(String what, double mean, double variance, double measuredMean, double measuredVariance, int draws) {
        assertTrue(variance > 1e-6, what + ": the case has noise to measure");
        assertEquals(mean, measuredMean, 4.5 * Math.sqrt(variance / draws), what + ": mean");
        assertEquals(variance, measuredVariance, 4.5 * variance * Math.sqrt(2.0 / (draws - 1)), what + ": variance");
    }

    @Test
    void theGroupsAreTheModelItsTopLevelModulesAndItsLayersWithTheStatisticsOfTheirElements() {
        Vae model = new Vae(VaeConfig.of(D, L).withHidden(List.of(5)), new Rng(2));
        GradientVariance.Measurement r = GradientVariance.measure(model, Batch.of(new Rng(4).uniform(0f, 1f, B, D)), PROGRESS, 50, new Rng(1),
                ProgressListener.NONE);
        List<String> names = r.groups().stream().map(g -> g.level().label() + " " + g.name()).toList();
        assertEquals(List.of("model model", "module encoder", "module decoder", "layer encoder.net.0", "layer encoder.net.1", "layer decoder.0",
                "layer decoder.1"), names);
        assertEquals(model.parameterCount(), r.group("model").elements());
        assertEquals(5 * D + 5 + 2 * L * 5 + 2 * L, r.group("encoder").elements());
        assertEquals(5 * D + 5, r.group("encoder.net.0").elements());
        assertThrows(IllegalArgumentException.class, () -> r.group("nothing"));

        // every statistic recomputed from the per-element moments, independently of how the class sums them
        for (GradientVariance.GroupStatistics g : r.groups()) {
            List<GradientVariance.ParameterMoments> members = new ArrayList<>();
            for (var m : r.parameters().values()) {
                boolean in = switch (g.level()) {
                    case MODEL -> true;
                    case MODULE -> m.name().startsWith(g.name() + ".");
                    case LAYER -> m.name().equals(g.name() + ".weight") || m.name().equals(g.name() + ".bias");
                };
                if (in) members.add(m);
            }
            double sq = 0, var = 0, snr = 0;
            long n = 0;
            for (var m : members) {
                for (int i = 0; i < m.mean().length; i++) {
                    sq += m.mean()[i] * m.mean()[i];
                    var += m.variance()[i];
                    snr += Math.abs(m.mean()[i]) / Math.sqrt(m.variance()[i]);
                    n++;
                }
            }
            assertEquals(n, g.elements(), g.name());
            assertEquals(0, g.zeroVarianceElements(), g.name() + ": every element of a VAE's gradient is noisy");
            double signal = Math.max(0, sq - var / 50);
            assertEquals(signal / n, g.meanSquaredMean(), 1e-12 * (1 + sq / n), g.name());
            assertEquals(var / n, g.meanVariance(), 1e-12 * (1 + var / n), g.name());
            assertEquals(snr / n, g.snr(), 1e-12 * (1 + snr / n), g.name());
            assertEquals(Math.sqrt(signal / var), g.normSnr(), 1e-9 * Math.sqrt(signal / var), g.name());
        }
        Json.Value json = r.toJson();
        assertEquals(50, Json.at(json, "t").get("draws").asInt());
        assertEquals("encoder.net.0", Json.at(json, "t").get("groups").get(3).get("name").asString());
        assertEquals(r.group("decoder").snr(), Json.at(json, "t").get("groups").get(2).get("snr").asDouble());
    }

    @Test
    void aDeterministicModelHasZeroVarianceAndItsOneGradientAsTheMean() {
        Autoencoder model = new Autoencoder(AutoencoderConfig.of(D, L), new Rng(1));
        Batch batch = Batch.of(new Rng(4).uniform(0f, 1f, B, D));
        model.loss(batch, PROGRESS, new Rng(0)).loss().backward();
        Map<String, float[]> once = new java.util.LinkedHashMap<>();
        model.namedParameters().forEach((name, t) -> once.put(name, t.grad().toArray()));
        for (Tensor t : model.parameters()) t.zeroGrad();

        GradientVariance.Measurement r = GradientVariance.measure(model, batch, PROGRESS, 5, new Rng(9), ProgressListener.NONE);
        for (var m : r.parameters().values()) {
            float[] g = once.get(m.name());
            for (int i = 0; i < g.length; i++) {
                assertEquals(0.0, m.variance()[i], m.name() + "[" + i + "]: no noise at all");
                assertEquals(g[i], m.mean()[i], Math.ulp(g[i]) * 4, m.name() + "[" + i + "]");
            }
        }
        GradientVariance.GroupStatistics all = r.group("model");
        assertEquals(0.0, all.meanVariance());
        assertEquals(all.elements(), all.zeroVarianceElements());
        assertTrue(Double.isNaN(all.snr()), "no element has noise to compare with");
        assertEquals(Double.POSITIVE_INFINITY, all.normSnr());
        assertTrue(Json.at(all.toJson(), "t").get("snr").isNull(), "a NaN is written as null");
    }

    @Test
    void gradientsHeldBeforeArePutBackAndAModelWithoutThemIsLeftWithZeros() {
        Vae model = linearGaussianVae();
        Batch batch = Batch.of(data());
        GradientVariance.measure(model, batch, PROGRESS, 3, new Rng(1), ProgressListener.NONE);
        for (var e : model.namedParameters().entrySet()) {
            for (float v : e.getValue().grad().toArray()) assertEquals(0f, v, e.getKey() + " is zeroed");
        }
        model.loss(batch, PROGRESS, new Rng(77)).loss().backward();
        Map<String, float[]> before = new java.util.LinkedHashMap<>();
        model.namedParameters().forEach((name, t) -> before.put(name, t.grad().toArray()));
        GradientVariance.measure(model, batch, PROGRESS, 3, new Rng(1), ProgressListener.NONE);
        model.namedParameters().forEach((name, t) -> assertArrayEquals(before.get(name), t.grad().toArray(), name));
    }

    @Test
    void drawsUseTheGivenGeneratorsStreamsSoAMeasurementRepeatsAndAnotherSeedDiffers() {
        Vae model = linearGaussianVae();
        Batch batch = Batch.of(data());
        List<Long> progress = new ArrayList<>();
        var a = GradientVariance.measure(model, batch, PROGRESS, 6, new Rng(1), (done, total) -> progress.add(done * 100 + total));
        var b = GradientVariance.measure(model, batch, PROGRESS, 6, new Rng(1), ProgressListener.NONE);
        var c = GradientVariance.measure(model, batch, PROGRESS, 6, new Rng(2), ProgressListener.NONE);
        assertEquals(List.of(106L, 206L, 306L, 406L, 506L, 606L), progress);
        assertEquals(a.group("model"), b.group("model"));
        assertTrue(a.group("model").meanVariance() != c.group("model").meanVariance());
        assertThrows(IllegalArgumentException.class, () -> GradientVariance.measure(model, batch, PROGRESS, 1, new Rng(1), ProgressListener.NONE));
    }

    /** A model whose loss reads and updates a buffer (a running baseline): every draw must see the value it had before. */
    private static final class RunningBaselineModel extends LatentModel {
        final Linear layer;
        final Tensor baseline;

        RunningBaselineModel() {
            layer = child("layer", new Linear(D, 1, Initializer.glorotUniform(), new Rng(3)));
            baseline = buffer("baseline", Tensor.persistentZeros(1));
        }

        @Override
        public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
            // loss = baseline * mean(layer(x) * noise): d/d(bias) = baseline * mean(noise), of variance baseline^2 / B
            Tensor noise = rng.normal(0f, 1f, batch.size(), 1);
            Tensor out = layer.forward(batch.x()).mul(noise).mean().mul(baseline.get(0));
            baseline.set(baseline.get(0) + 1f, 0);
            return new LossResult(out, out, out.mul(0f), Map.of());
        }

        @Override
        public Record config() {
            return null;
        }

        @Override
        public String kind() {
            return "running-baseline";
        }

        @Override
        public int dataDim() {
            return D;
        }

        @Override
        public int latentDim() {
            return 1;
        }

        @Override
        public Likelihood likelihood() {
            return GaussianLikelihood.fixed(1);
        }

        @Override
        public LatentCode encode(Tensor x, Tensor condition) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Tensor decode(Tensor latents, Tensor condition) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aBufferTheLossUpdatesIsRestoredAfterEveryDrawAndAtTheEnd() {
        RunningBaselineModel model = new RunningBaselineModel();
        model.baseline.set(2f, 0);
        Batch batch = Batch.of(new Rng(4).uniform(0f, 1f, B, D));
        int draws = 1000;
        var r = GradientVariance.measure(model, batch, PROGRESS, draws, new Rng(1), ProgressListener.NONE);
        assertEquals(2f, model.baseline.get(0), "the buffer did not drift");
        // a buffer left to count up over the draws would give a variance in the hundreds of thousands
        double variance = 4.0 / B;
        assertEquals(variance, r.parameters().get("layer.bias").variance()[0], 4.5 * variance * Math.sqrt(2.0 / (draws - 1)));
        var again = GradientVariance.measure(model, batch, PROGRESS, draws, new Rng(1), ProgressListener.NONE);
        assertEquals(r.group("model"), again.group("model"), "the second measurement starts where the first did");
    }

    /** n parameters whose gradient is {@code signal + noise}, a fresh standard normal per element and draw. */
    private static final class NoisyGradientModel extends LatentModel {
        final Tensor theta;
        final float signal;

        NoisyGradientModel(int n, float signal) {
            theta = parameter("theta", Tensor.persistentZeros(n));
            this.signal = signal;
        }

        @Override
        public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
            Tensor out = theta.mul(rng.normal(signal, 1f, theta.size())).sum();
            return new LossResult(out, out, out.mul(0f), Map.of());
        }

        @Override
        public Record config() {
            return null;
        }

        @Override
        public String kind() {
            return "noisy-gradient";
        }

        @Override
        public int dataDim() {
            return D;
        }

        @Override
        public int latentDim() {
            return 1;
        }

        @Override
        public Likelihood likelihood() {
            return GaussianLikelihood.fixed(1);
        }

        @Override
        public LatentCode encode(Tensor x, Tensor condition) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Tensor decode(Tensor latents, Tensor condition) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void pureNoiseMeasuresTheElementwiseFloorAndTheDebiasedNormSnrFindsASignalBelowIt() {
        int n = 20_000, draws = 50;
        Batch batch = Batch.of(Tensor.persistentZeros(1, D));
        // no signal: every element's |m| / s averages sqrt(2 / (pi S)) (half-normal sd sqrt(1 - 2/pi) / sqrt(S) per element)
        var noise = GradientVariance.measure(new NoisyGradientModel(n, 0f), batch, PROGRESS, draws, new Rng(1), ProgressListener.NONE).group("model");
        double floor = GradientVariance.snrNoiseFloor(draws), spread = Math.sqrt(1 - 2 / Math.PI) / Math.sqrt(draws) / Math.sqrt(n);
        assertEquals(floor, noise.snr(), 4.5 * spread + 0.02 * floor, "the floor (the ratio's own small bias allowed for)");
        assertEquals(1.0, noise.meanVariance(), 0.02);
        // the plain mean of m^2 would be 1/S = 0.02; debiased, it is 0 within (1/n) sqrt(n * 2 / S^2) = 0.0002
        assertEquals(0.0, noise.meanSquaredMean(), 4.5 * Math.sqrt(2.0 / n) / draws);
        // a signal of 0.05 per element, below the element-wise floor of 0.11: the norm SNR finds it
        var weak = GradientVariance.measure(new NoisyGradientModel(n, 0.05f), batch, PROGRESS, draws, new Rng(2), ProgressListener.NONE).group("model");
        assertEquals(0.05, weak.normSnr(), 0.01);
        assertTrue(weak.snr() > floor * 0.98 && weak.snr() < floor * 1.2, "the element-wise SNR stays near its floor: " + weak.snr());
    }

    @Test
    void anIwaesEncoderSnrFallsWithKWhileItsDecodersRises() {
        // Rainforth et al.'s claim on a small untrained IWAE: a qualitative check, the bench measures the slopes
        Tensor x = new Rng(8).uniform(0f, 1f, 2, 12);
        double[] encoder = new double[2], decoder = new double[2];
        int[] ks = {1, 64};
        for (int i = 0; i < ks.length; i++) {
            Iwae model = new Iwae(VaeConfig.of(12, 3).withHidden(List.of(8)).withSamples(ks[i]), new Rng(6));
            var r = GradientVariance.measure(model, Batch.of(new Rng(9).bernoulli(x)), PROGRESS, 200, new Rng(2), ProgressListener.NONE);
            encoder[i] = r.group("encoder").snr();
            decoder[i] = r.group("decoder").snr();
        }
        assertTrue(encoder[1] < encoder[0], "encoder SNR k=1 " + encoder[0] + ", k=64 " + encoder[1]);
        assertTrue(decoder[1] > decoder[0], "decoder SNR k=1 " + decoder[0] + ", k=64 " + decoder[1]);
    }
}
