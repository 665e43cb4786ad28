package org.latent4j.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.distributions.BernoulliLikelihood;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.eval.GradientVariance;
import org.latent4j.core.eval.ProgressListener;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.nn.Linear;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.init.Initializer;
import org.latent4j.tensor.random.Rng;

/** Gradient-variance logging in training: measured where it says, averaged per epoch, and without any effect on training. */
class TrainerGradientVarianceTest {
    private static final int ROWS = 75;
    private static final int DIM = 8;

    @TempDir
    Path tmp;

    private static Dataset data() {
        Tensor x = new Rng(99).uniform(0f, 1f, ROWS, DIM);
        return Dataset.unlabeled("toy", Tensor.wrap(x.toArray(), ROWS, DIM));
    }

    /** 60 training rows in 4 batches of 16 (the last of 12), 15 validation rows, 3 epochs. */
    private static TrainerOptions options() {
        return TrainerOptions.defaults().withEpochs(3).withBatchSize(16).withSeed(7).withValidationFraction(0.2)
                .withBinarization(Binarization.DYNAMIC).withLearningRate(0.01);
    }

    private static final class Killed extends RuntimeException {}

    private static EpochRecord withoutGradientVariance(EpochRecord r, double seconds) {
        Map<String, Double> metrics = new LinkedHashMap<>(r.metrics());
        metrics.keySet().removeIf(k -> k.startsWith(Trainer.GRADIENT_VARIANCE_PREFIX));
        return new EpochRecord(r.epoch(), r.step(), r.trainLoss(), r.reconstruction(), r.regularization(), r.validationLoss(), r.learningRate(),
                seconds, metrics);
    }

    private static EpochRecord withSeconds(EpochRecord r, double seconds) {
        return new EpochRecord(r.epoch(), r.step(), r.trainLoss(), r.reconstruction(), r.regularization(), r.validationLoss(), r.learningRate(),
                seconds, r.metrics());
    }

    private static void assertSameState(LatentModel expected, LatentModel actual) {
        expected.namedState().forEach((name, t) -> assertArrayEquals(t.toArray(), actual.namedState().get(name).toArray(), name));
    }

    @Test
    void measuringDoesNotChangeTrainingBitForBit() {
        HookedVae plain = new HookedVae(DIM, 3, 1), measured = new HookedVae(DIM, 3, 1);
        TrainingResult without = Trainer.fit(plain, data(), null, options(), null, TrainingListener.NONE);
        TrainingResult with = Trainer.fit(measured, data(), null, options().withGradientVariance(1, 4), null, TrainingListener.NONE);
        assertSameState(plain, measured);
        for (int e = 0; e < 3; e++) {
            EpochRecord a = without.history().get(e), b = with.history().get(e);
            assertEquals(a, withoutGradientVariance(b, a.seconds()), "epoch " + (e + 1) + ": the same losses and metrics");
            assertEquals(List.of("kl", "ema0", "gradvar_mean_snr", "gradvar_mean_variance", "gradvar_logvar_snr", "gradvar_logvar_variance",
                    "gradvar_decoder_snr", "gradvar_decoder_variance"), List.copyOf(b.metrics().keySet()));
            for (var m : b.metrics().entrySet()) assertTrue(m.getValue() > 0 && Double.isFinite(m.getValue()), m.toString());
        }
    }

    /** A linear VAE that keeps a copy of every batch its loss sees, by step (the trainer's and the measurements'). */
    private static final class RecordingVae extends LatentModel {
        private final Linear encoderMean, encoderLogVar, decoder;
        private final BernoulliLikelihood likelihood = new BernoulliLikelihood();
        final Map<Long, float[]> batches = new LinkedHashMap<>();

        RecordingVae() {
            Rng rng = new Rng(4);
            encoderMean = child("encoder_mean", new Linear(DIM, 2, Initializer.glorotUniform(), rng));
            encoderLogVar = child("encoder_logvar", new Linear(DIM, 2, Initializer.glorotUniform(), rng));
            decoder = child("decoder", new Linear(2, DIM, Initializer.glorotUniform(), rng));
        }

        @Override
        public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
            float[] x = batch.x().toArray();
            float[] before = batches.putIfAbsent(progress.step(), x);
            if (before != null) assertArrayEquals(before, x, "every loss of a step sees the step's batch");
            DiagonalGaussian q = new DiagonalGaussian(encoderMean.forward(batch.x()), encoderLogVar.forward(batch.x()));
            Tensor reconstruction = likelihood.logProb(decoder.forward(q.rsample(rng)), batch.x()).neg().mean();
            Tensor kl = q.klToStandardNormal().mean();
            return new LossResult(reconstruction.add(kl), reconstruction, kl, Map.of());
        }

        @Override
        public Record config() {
            return null;
        }

        @Override
        public String kind() {
            return "recording-vae";
        }

        @Override
        public int dataDim() {
            return DIM;
        }

        @Override
        public int latentDim() {
            return 2;
        }

        @Override
        public Likelihood likelihood() {
            return likelihood;
        }

        @Override
        public LatentCode encode(Tensor x, Tensor condition) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Tensor decode(Tensor z, Tensor condition) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void everyNthStepIsMeasuredOnItsBatchWithTheStreamOfTheSeedAndTheStepAndEachEpochAveragesItsMeasurements() {
        // at learning rate 0 the weights stay where they are, so every measurement can be made again here
        RecordingVae model = new RecordingVae();
        int every = 3, draws = 5;
        TrainingResult r = Trainer.fit(model, data(), null, options().withLearningRate(0).withGradientVariance(every, draws), null,
                TrainingListener.NONE);
        // 4 steps an epoch, measured at steps 0, 3 | 6 | 9: epoch 1 has two measurements, epochs 2 and 3 one each
        long[][] measuredSteps = {{0, 3}, {6}, {9}};
        for (int e = 0; e < 3; e++) {
            double snr = 0, variance = 0;
            for (long s : measuredSteps[e]) {
                Batch batch = Batch.of(Tensor.of(model.batches.get(s), model.batches.get(s).length / DIM, DIM));
                var m = GradientVariance.measure(model, batch, new TrainingProgress(e, s, 4), draws, Trainer.gradientVarianceStream(7, s),
                        ProgressListener.NONE);
                snr += m.group("decoder").snr() / measuredSteps[e].length;
                variance += m.group("decoder").meanVariance() / measuredSteps[e].length;
            }
            Map<String, Double> metrics = r.history().get(e).metrics();
            assertEquals(snr, metrics.get("gradvar_decoder_snr"), 1e-12 * snr, "epoch " + (e + 1));
            assertEquals(variance, metrics.get("gradvar_decoder_variance"), 1e-12 * variance, "epoch " + (e + 1));
        }
    }

    @Test
    void aRunMeasuringTheVarianceThatIsKilledMidEpochAndResumedEqualsAnUninterruptedOne() throws IOException {
        TrainerOptions options = options().withGradientVariance(3, 4);
        HookedVae straight = new HookedVae(DIM, 3, 1);
        TrainingResult full = Trainer.fit(straight, data(), null, options, null, TrainingListener.NONE);

        Path run = tmp.resolve("b");
        TrainerOptions often = options.withCheckpointEveryMinutes(1e-12);
        // killed after 11 steps, before their checkpoint: the last one, after 10 steps, is mid-epoch 3 (steps 8..11) with the
        // measurement of step 9 in its partial sums
        assertThrows(Killed.class, () -> Trainer.fit(new HookedVae(DIM, 3, 1), data(), null, often, run, new TrainingListener() {
            @Override
            public void onStep(StepInfo s) {
                if (s.step() == 11) throw new Killed();
            }
        }));
        HookedVae resumed = new HookedVae(DIM, 3, 12345);
        TrainingResult rest = Trainer.resume(resumed, data(), null, often, run, TrainingListener.NONE);
        assertSameState(straight, resumed);
        assertEquals(full.history(), rest.history().stream().map(e -> withSeconds(e, full.history().get(e.epoch() - 1).seconds())).toList(),
                "every epoch's record, the gradient variances included");
        String header = Files.readAllLines(tmp.resolve("b").resolve(HistoryCsv.FILE)).getFirst();
        assertTrue(header.endsWith(",kl,ema0,gradvar_mean_snr,gradvar_mean_variance,gradvar_logvar_snr,gradvar_logvar_variance,gradvar_decoder_snr,"
                + "gradvar_decoder_variance"), header);
    }

    @Test
    void anEpochWithoutAMeasurementHasNoValueAndBadSettingsAreRefused() {
        // every 9 steps with 4 an epoch: steps 0 and 9 are measured, epoch 2 (steps 4..7) has none
        TrainingResult r = Trainer.fit(new HookedVae(DIM, 3, 1), data(), null, options().withGradientVariance(9, 2), null, TrainingListener.NONE);
        assertTrue(r.history().get(0).metrics().containsKey("gradvar_decoder_snr"));
        assertTrue(!r.history().get(1).metrics().containsKey("gradvar_decoder_snr"), r.history().get(1).metrics().toString());
        assertTrue(r.history().get(2).metrics().containsKey("gradvar_decoder_snr"));
        String csv = HistoryCsv.format(r.history());
        assertTrue(csv.lines().skip(2).findFirst().orElseThrow().endsWith(",,,,,,"), "empty fields in epoch 2: " + csv);
        assertThrows(IllegalArgumentException.class, () -> options().withGradientVariance(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> options().withGradientVariance(1, 1));
        assertEquals(0, TrainerOptions.defaults().gradientVarianceEvery(), "off by default");
        assertEquals(TrainerOptions.defaults().reproducibilityKey(), TrainerOptions.defaults().withGradientVariance(2, 3).reproducibilityKey(),
                "measuring is not part of what a resumed run must share");
    }
}
