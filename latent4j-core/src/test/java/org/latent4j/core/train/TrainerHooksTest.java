package org.latent4j.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.Dataset;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** The trainer's side of the model contract: initialisation, the step hooks, buffers, the optimizer choice and metrics. */
class TrainerHooksTest {
    private static final int ROWS = 75;
    private static final int DIM = 8;

    @TempDir
    Path tmp;

    private static Dataset data() {
        Tensor x = new Rng(99).uniform(0f, 1f, ROWS, DIM);
        return Dataset.unlabeled("toy", Tensor.wrap(x.toArray(), ROWS, DIM));
    }

    /** 60 training rows in 4 batches of 16 (the last of 12), 15 validation rows. */
    private static TrainerOptions options() {
        return TrainerOptions.defaults().withEpochs(3).withBatchSize(16).withSeed(7).withValidationFraction(0.2)
                .withBinarization(Binarization.DYNAMIC).withLearningRate(0.01);
    }

    private static final class Killed extends RuntimeException {}

    @Test
    void initialisationSeesTheTrainingRowsAsBatchesAreMadeAndStepHooksSurroundTheOptimizerStep() {
        HookedVae m = new HookedVae(DIM, 3, 1);
        Trainer.fit(m, data(), null, options().withEpochs(1), null, TrainingListener.NONE);
        assertEquals(List.of("initialise", "before 0", "after 0", "before 1", "after 1", "before 2", "after 2", "before 3", "after 3"), m.calls);
        assertEquals(5, m.sampleRows);
        float[] row = m.firstSampleRow.toArray();
        for (float v : row) assertTrue(v == 0f || v == 1f, "the sample is binarized as the batches are: " + v);
        for (int s = 0; s < 4; s++) {
            assertNotEquals(0f, m.gradientSeenBefore.get(s), "before the step the gradient is there");
            // SGD-free check of the order: Adam moves the weight between the two hooks of every step
            assertNotEquals(m.weightSeenBefore.get(s), m.weightSeenAfter.get(s), "after the step the weight has moved");
            if (s > 0) assertEquals(m.weightSeenAfter.get(s - 1), m.weightSeenBefore.get(s), "nothing moves the weight between steps");
        }
        assertEquals(4f, m.steps.item(), "the after-step hook ran once per step and its buffer kept the count");
    }

    @Test
    void theOutputBiasStartsAtTheLogitOfTheTrainingRowsMean() {
        HookedVae m = new HookedVae(DIM, 3, 1);
        Dataset d = data();
        // one epoch at learning rate 0: the bias the initialisation set is still there at the end
        Trainer.fit(m, d, null, options().withEpochs(1).withLearningRate(0), null, TrainingListener.NONE);
        Dataset train = d.split(0.2, 7).train();
        float[] mean = org.latent4j.core.model.TrainingData.columnMeans(train.features());
        float[] bias = ((org.latent4j.core.nn.Linear) m.namedModules().get("decoder")).bias().toArray();
        for (int j = 0; j < DIM; j++) assertEquals(Math.log(mean[j] / (1 - mean[j])), bias[j], 1e-5, "pixel " + j + ": the validation rows are not in the mean");
    }

    @Test
    void buffersGoIntoCheckpointsAndAResumedRunEndsWithTheSameBitsMetricsAndBuffers() throws IOException {
        HookedVae straight = new HookedVae(DIM, 3, 1);
        TrainingResult full = Trainer.fit(straight, data(), null, options(), tmp.resolve("a"), TrainingListener.NONE);

        Path run = tmp.resolve("b");
        TrainerOptions often = options().withCheckpointEveryMinutes(1e-12);
        assertThrows(Killed.class, () -> Trainer.fit(new HookedVae(DIM, 3, 1), data(), null, often, run, new TrainingListener() {
            @Override
            public void onStep(StepInfo s) {
                if (s.step() == 6) throw new Killed();
            }
        }));
        assertTrue(Checkpoint.readWeights(run, straight).containsKey("mean_ema"), "the checkpoint holds the buffers");
        HookedVae resumed = new HookedVae(DIM, 3, 12345);
        TrainingResult rest = Trainer.resume(resumed, data(), null, often, run, TrainingListener.NONE);
        assertEquals(List.of(), resumed.calls.stream().filter(c -> c.equals("initialise")).toList(), "a resumed run is not initialised again");
        straight.namedState().forEach((name, t) -> assertArrayEquals(t.toArray(), resumed.namedState().get(name).toArray(), name));
        assertEquals(12f, resumed.steps.item());
        assertEquals(full.history(), rest.history().stream().map(r -> withSeconds(r, full.history().get(r.epoch() - 1).seconds())).toList(),
                "every epoch's record, the model's metrics included");
        Map<String, Double> metrics = full.history().getLast().metrics();
        assertEquals(List.of("kl", "ema0"), List.copyOf(metrics.keySet()), "in the order the model reports them");
    }

    private static EpochRecord withSeconds(EpochRecord r, double seconds) {
        return new EpochRecord(r.epoch(), r.step(), r.trainLoss(), r.reconstruction(), r.regularization(), r.validationLoss(), r.learningRate(),
                seconds, r.metrics());
    }

    @Test
    void epochMetricsAreRowWeightedMeansOfTheBatchMetrics() {
        List<StepInfo> steps = new java.util.ArrayList<>();
        HookedVae m = new HookedVae(DIM, 3, 1);
        TrainingResult r = Trainer.fit(m, data(), null, options().withEpochs(1), null, new TrainingListener() {
            @Override
            public void onStep(StepInfo s) {
                steps.add(s);
            }
        });
        // batches of 16, 16, 16 and 12 rows
        double expected = 0;
        int[] rows = {16, 16, 16, 12};
        for (int i = 0; i < 4; i++) expected += steps.get(i).metrics().get("kl") * rows[i];
        assertEquals(expected / 60, r.history().getFirst().metrics().get("kl"), 1e-12);
    }

    @Test
    void sgdTakesPlainGradientSteps() {
        HookedVae m = new HookedVae(DIM, 3, 1);
        Trainer.fit(m, data(), null, options().withEpochs(1).withOptimizer(OptimizerSettings.sgd(0)).withLearningRate(0.5), null,
                TrainingListener.NONE);
        for (int s = 0; s < 4; s++) {
            assertEquals(m.weightSeenBefore.get(s) - 0.5f * m.gradientSeenBefore.get(s), m.weightSeenAfter.get(s), 1e-7, "step " + s);
        }
    }

    @Test
    void adamWDecaysWeightsThatAdamLeavesAlone() {
        // at learning rate 0 neither moves anything; with a rate, AdamW's decoupled decay shrinks weights by lr * wd on top of Adam's step
        HookedVae adam = new HookedVae(DIM, 3, 1), adamW = new HookedVae(DIM, 3, 1);
        TrainerOptions o = options().withEpochs(1).withLearningRate(0.01);
        Trainer.fit(adam, data(), null, o, null, TrainingListener.NONE);
        Trainer.fit(adamW, data(), null, o.withOptimizer(OptimizerSettings.adamW().withWeightDecay(0.5)), null, TrainingListener.NONE);
        for (int s = 0; s < 4; s++) {
            float before = adamW.weightSeenBefore.get(s), after = adamW.weightSeenAfter.get(s);
            float adamStep = adam.weightSeenAfter.get(s) - adam.weightSeenBefore.get(s);
            if (s == 0) assertEquals(before * (1 - 0.01f * 0.5f) + adamStep, after, 1e-6, "decay then the same Adam step as Adam's");
        }
        assertThrows(IllegalArgumentException.class, () -> OptimizerSettings.sgd(-1));
        assertThrows(IllegalArgumentException.class, () -> OptimizerSettings.adam().withEps(-1));
    }

    @Test
    void aRunKilledBetweenTheCheckpointsTwoRenamesResumes() throws IOException {
        HookedVae straight = new HookedVae(DIM, 3, 1);
        Trainer.fit(straight, data(), null, options(), null, TrainingListener.NONE);
        Path run = tmp.resolve("killed");
        assertThrows(Killed.class, () -> Trainer.fit(new HookedVae(DIM, 3, 1), data(), null, options(), run, new TrainingListener() {
            @Override
            public void onEpochEnd(EpochRecord r) {
                if (r.epoch() == 2) throw new Killed();
            }
        }));
        // the state a kill between the two renames of the next checkpoint leaves: the checkpoint moved aside, a
        // complete new copy not yet in place (here the same content, under the new copy's hidden name)
        Path dir = Checkpoint.directory(run);
        Path aside = run.resolve(".checkpoint.1234.old"), fresh = run.resolve(".checkpoint.5678.tmp");
        java.nio.file.Files.move(dir, aside);
        copyTree(aside, fresh);
        java.nio.file.Files.writeString(fresh.resolve(org.latent4j.core.io.AtomicFiles.COMPLETE_MARKER), "");
        HookedVae resumed = new HookedVae(DIM, 3, 5);
        Trainer.resume(resumed, data(), null, options(), run, TrainingListener.NONE);
        straight.namedState().forEach((name, t) -> assertArrayEquals(t.toArray(), resumed.namedState().get(name).toArray(), name));
        try (var files = java.nio.file.Files.list(run)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList(), "no hidden leftovers");
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = java.nio.file.Files.walk(from)) {
            for (Path p : files.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) java.nio.file.Files.createDirectories(t);
                else java.nio.file.Files.copy(p, t);
            }
        }
    }

    @Test
    void aRunDirectoryInUseIsRefused() throws IOException {
        Path run = tmp.resolve("busy");
        RuntimeException[] second = new RuntimeException[1];
        Trainer.fit(new HookedVae(DIM, 3, 1), data(), null, options().withEpochs(1), run, new TrainingListener() {
            @Override
            public void onStep(StepInfo s) {
                if (s.step() != 1) return; // the count of steps done: 1 after the first
                try {
                    Trainer.fit(new HookedVae(DIM, 3, 2), data(), null, options().withEpochs(1), tmp.resolve("busy").resolve("..").resolve("busy"),
                            TrainingListener.NONE);
                } catch (RuntimeException e) {
                    second[0] = e;
                }
            }
        });
        assertTrue(second[0] instanceof RunDirectoryInUseException, String.valueOf(second[0]));
        assertTrue(second[0].getMessage().contains("is in use"), second[0].getMessage());
        try (var files = java.nio.file.Files.list(run)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList(), "the lock is gone");
        }
        // and the run can be resumed (the lock is free again)
        Trainer.resume(new HookedVae(DIM, 3, 3), data(), null, options().withEpochs(2), run, TrainingListener.NONE);
    }
}
