package org.latent4j.core.train;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.Safetensors;
import org.latent4j.core.model.LatentModel;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.optim.LearningRateSchedule;
import org.latent4j.tensor.random.Rng;

class TrainerTest {
    private static final int ROWS = 75;
    private static final int DIM = 8;

    @TempDir
    Path tmp;

    /** Intensities in [0, 1]: with 20% held out, 60 training rows = 4 batches of 16 (the last of 12). */
    private static Dataset data() {
        Tensor x = new Rng(99).uniform(0f, 1f, ROWS, DIM);
        return Dataset.unlabeled("toy", Tensor.wrap(x.toArray(), ROWS, DIM));
    }

    private static TrainerOptions options() {
        return TrainerOptions.defaults().withEpochs(4).withBatchSize(16).withSeed(7).withValidationFraction(0.2)
                .withBinarization(Binarization.DYNAMIC).withLearningRate(0.01);
    }

    private static final class Killed extends RuntimeException {}

    private static Map<String, float[]> weights(LatentModel m) {
        Map<String, float[]> out = new HashMap<>();
        m.namedParameters().forEach((k, v) -> out.put(k, v.toArray()));
        return out;
    }

    private static void assertSameBits(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            float[] a = expected.get(k);
            float[] b = actual.get(k);
            for (int i = 0; i < a.length; i++) {
                assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), k + "[" + i + "]");
            }
        }
    }

    private static List<Path> hiddenFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }

    @Test
    void resumingAfterAKillAtAnEpochEndEndsWithTheSameBits() throws IOException {
        TinyVae straight = new TinyVae(DIM, 3, 1);
        TrainingResult full = Trainer.fit(straight, data(), null, options(), tmp.resolve("a"), TrainingListener.NONE);
        assertEquals(4, full.history().size());

        Path run = tmp.resolve("b");
        TinyVae first = new TinyVae(DIM, 3, 1);
        assertThrows(Killed.class, () -> Trainer.fit(first, data(), null, options(), run, new TrainingListener() {
            @Override
            public void onEpochEnd(EpochRecord r) {
                if (r.epoch() == 2) throw new Killed();
            }
        }));
        Checkpoint saved = Checkpoint.readState(run);
        assertEquals(2, saved.epoch());
        assertEquals(8, saved.step());
        assertNotEquals(weights(straight).get("decoder.weight")[0], weights(first).get("decoder.weight")[0], "the kill interrupted training");

        // a differently initialised model: everything must come from the checkpoint
        TinyVae resumed = new TinyVae(DIM, 3, 12345);
        TrainingResult rest = Trainer.resume(resumed, data(), null, options(), run, TrainingListener.NONE);
        assertSameBits(weights(straight), weights(resumed));
        assertEquals(4, rest.history().size());
        for (int e = 0; e < 4; e++) {
            assertEquals(full.history().get(e).trainLoss(), rest.history().get(e).trainLoss(), "train loss of epoch " + (e + 1));
            assertEquals(full.history().get(e).validationLoss(), rest.history().get(e).validationLoss(), "validation loss of epoch " + (e + 1));
        }
        assertEquals(1, rest.provenance().resumes());
        assertEquals(full.provenance().trainData(), rest.provenance().trainData());
    }

    @Test
    void resumingFromAMidEpochCheckpointEndsWithTheSameBits() throws IOException {
        TinyVae straight = new TinyVae(DIM, 3, 1);
        Trainer.fit(straight, data(), null, options(), null, TrainingListener.NONE);

        Path run = tmp.resolve("mid");
        // a time limit this small checkpoints after every step; the kill comes at step 6 (epoch 2, batch 3)
        TrainerOptions often = options().withCheckpointEveryMinutes(1e-12);
        assertThrows(Killed.class, () -> Trainer.fit(new TinyVae(DIM, 3, 1), data(), null, often, run, new TrainingListener() {
            @Override
            public void onStep(StepInfo s) {
                if (s.step() == 6) throw new Killed();
            }
        }));
        Checkpoint saved = Checkpoint.readState(run);
        assertEquals(1, saved.epoch());
        assertEquals(1, saved.batchInEpoch(), "the last checkpoint is mid-epoch");
        assertEquals(5, saved.step());

        TinyVae resumed = new TinyVae(DIM, 3, 4242);
        Trainer.resume(resumed, data(), null, often, run, TrainingListener.NONE);
        assertSameBits(weights(straight), weights(resumed));
    }

    @Test
    void resumeRefusesOptionsThatChangeTheSamples() {
        Path run = tmp.resolve("r");
        Trainer.fit(new TinyVae(DIM, 3, 1), data(), null, options().withEpochs(1), run, TrainingListener.NONE);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.resume(new TinyVae(DIM, 3, 1), data(), null, options().withSeed(8), run, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("seed=7") && e.getMessage().contains("seed=8"), e.getMessage());
        var again = assertThrows(IllegalStateException.class,
                () -> Trainer.fit(new TinyVae(DIM, 3, 1), data(), null, options(), run, TrainingListener.NONE));
        assertTrue(again.getMessage().contains("already holds a checkpoint"), again.getMessage());
    }

    @Test
    void aNanLossStopsTrainingAndKeepsTheLastGoodCheckpoint() throws IOException {
        Path run = tmp.resolve("nan");
        TinyVae model = new TinyVae(DIM, 3, 1);
        model.nanAtStep = 4; // the first step of epoch 2; the checkpoint of epoch 1 holds the 4 steps before it
        List<byte[]> written = new ArrayList<>();
        var e = assertThrows(TrainingDivergedException.class, () -> Trainer.fit(model, data(), null, options(), run, new TrainingListener() {
            @Override
            public void onCheckpoint(Path dir, int epoch, long step) {
                try {
                    written.add(Files.readAllBytes(dir.resolve(Checkpoint.MODEL_FILE)));
                } catch (IOException io) {
                    throw new RuntimeException(io);
                }
            }
        }));
        String m = e.getMessage();
        assertTrue(m.contains("the loss is NaN at epoch 2 of 4, step 4 (batch 1 of 4)"), m);
        assertTrue(m.contains(Checkpoint.directory(run) + " (epoch 1, step 4)"), m);
        assertEquals(1, e.epoch());
        assertEquals(4, e.step());
        assertEquals(1, written.size());
        assertArrayEquals(written.getFirst(), Files.readAllBytes(Checkpoint.directory(run).resolve(Checkpoint.MODEL_FILE)));
        // the NaN step was not applied: the weights are still those of the checkpoint
        Map<String, float[]> saved = new HashMap<>();
        Checkpoint.readWeights(run, model).forEach((k, v) -> saved.put(k, v.toArray()));
        assertSameBits(saved, weights(model));
        assertEquals(List.of(), hiddenFiles(run));
    }

    @Test
    void aNanLossWithoutCheckpointSaysSo() {
        TinyVae model = new TinyVae(DIM, 3, 1);
        model.nanAtStep = 0;
        var e = assertThrows(TrainingDivergedException.class, () -> Trainer.fit(model, data(), null, options(), null, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("epoch 1 of 4, step 0") && e.getMessage().contains("no checkpoint was written"), e.getMessage());
    }

    @Test
    void csvHoldsTheHistoryAndCheckpointFilesAreReadable() throws IOException {
        Path run = tmp.resolve("csv");
        TinyVae model = new TinyVae(DIM, 3, 1);
        TrainingResult result = Trainer.fit(model, data(), null, options().withEpochs(3), run, TrainingListener.NONE);

        List<String> lines = Files.readAllLines(run.resolve(HistoryCsv.FILE));
        assertEquals("epoch,step,train_loss,reconstruction,regularization,validation_loss,learning_rate,seconds,kl", lines.getFirst(),
                "the model's metrics follow the fixed columns");
        assertEquals(4, lines.size());
        for (int e = 0; e < 3; e++) {
            String[] f = lines.get(e + 1).split(",", -1);
            EpochRecord r = result.history().get(e);
            assertEquals(9, f.length);
            assertEquals(r.metrics().get("kl"), Double.parseDouble(f[8]));
            assertEquals(r.regularization(), r.metrics().get("kl"), 1e-9, "TinyVae's regulariser is its KL, averaged the same way");
            assertEquals(e + 1, Integer.parseInt(f[0]));
            assertEquals(4L * (e + 1), Long.parseLong(f[1]));
            assertEquals(r.trainLoss(), Double.parseDouble(f[2]));
            assertEquals(r.reconstruction() + r.regularization(), Double.parseDouble(f[2]), 1e-4, "loss = reconstruction + KL for this model");
            assertEquals(r.validationLoss().getAsDouble(), Double.parseDouble(f[5]));
            assertEquals(0.01, Double.parseDouble(f[6]));
            assertTrue(Double.parseDouble(f[7]) >= 0);
        }
        assertTrue(result.history().get(2).trainLoss() < result.history().get(0).trainLoss(), "training lowers the loss");

        Map<String, Tensor> saved = Checkpoint.readWeights(run, model);
        Map<String, float[]> savedArrays = new HashMap<>();
        saved.forEach((k, v) -> savedArrays.put(k, v.toArray()));
        assertSameBits(weights(model), savedArrays);
        assertEquals(12, Checkpoint.readOptimizer(run, model).size(), "two Adam moments for each of 6 parameters");
        Checkpoint state = Checkpoint.readState(run);
        assertEquals(3, state.epoch());
        assertEquals(12, state.step());
        assertEquals(3, state.history().size());
        assertEquals(12L, state.optimizerCounters().get("0.step"));
        assertEquals(List.of(), hiddenFiles(run), "no temporary files are left");

        Json.Value r = Json.readFile(run.resolve(Trainer.RESULT_FILE));
        Json.Cursor c = Json.at(r, "result.json");
        assertEquals("tiny-vae", c.get("provenance").get("modelKind").asString());
        assertEquals(7, c.get("provenance").get("seed").asLong());
        assertEquals("Constant", c.get("provenance").get("options").get("schedule").get("type").asString());
        assertEquals("toy/train", c.get("provenance").get("trainData").asString());
        assertFalse(c.get("provenance").get("kernels").asString().isBlank());
    }

    @Test
    void checkpointsEveryThirdEpochAndAfterTheLast() throws IOException {
        Path run = tmp.resolve("every3");
        List<Integer> epochs = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        Trainer.fit(new TinyVae(DIM, 3, 1), data(), null, options().withEpochs(7).withCheckpointEveryEpochs(3), run, new TrainingListener() {
            @Override
            public void onCheckpoint(Path dir, int epoch, long step) {
                epochs.add(epoch);
                steps.add(step);
            }
        });
        // epochs completed when each checkpoint was written: 3 and 6 by the rule, 7 because it is the last
        assertEquals(List.of(3, 6, 7), epochs);
        assertEquals(List.of(12L, 24L, 28L), steps, "4 steps per epoch");
        assertEquals(7, Checkpoint.readState(run).epoch());
    }

    /** The rate of every step and of every line of history.csv, for a schedule over several epochs. */
    private static double[] ratesOfEachEpoch(Path run, TrainerOptions options) throws IOException {
        int epochs = options.epochs();
        double[] perEpoch = new double[epochs];
        Trainer.fit(new TinyVae(DIM, 3, 1), data(), null, options, run, new TrainingListener() {
            @Override
            public void onStep(StepInfo s) {
                assertEquals(options.schedule().rate(s.epoch(), s.step() - 1), s.learningRate(), 0.0, "step " + s.step());
                perEpoch[s.epoch()] = s.learningRate();
            }
        });
        List<String> lines = Files.readAllLines(run.resolve(HistoryCsv.FILE));
        assertEquals(epochs + 1, lines.size());
        for (int e = 0; e < epochs; e++) {
            assertEquals(perEpoch[e], Double.parseDouble(lines.get(e + 1).split(",", -1)[6]), 0.0, "history.csv, epoch " + (e + 1));
        }
        return perEpoch;
    }

    @Test
    void theLearningRateFollowsTheIwaeSchedule() throws IOException {
        // stage i lasts 3^i epochs at 1e-3 * 10^(-i/7): epoch 1 is stage 0, epochs 2-4 stage 1, epochs 5-13 stage 2
        double r0 = 1e-3, r1 = 1e-3 * Math.pow(10, -1 / 7.0), r2 = 1e-3 * Math.pow(10, -2 / 7.0);
        double[] rates = ratesOfEachEpoch(tmp.resolve("iwae"), options().withEpochs(6).withSchedule(LearningRateSchedule.iwae()));
        assertArrayEquals(new double[] {r0, r1, r1, r1, r2, r2}, rates, 1e-15);
    }

    @Test
    void aStageAtRateZeroLeavesTheWeightsAlone() throws IOException {
        TrainerOptions staged = options().withEpochs(4).withSchedule(LearningRateSchedule.staged(new int[] {1, 2, 1}, new double[] {0, 0.02, 0.005}));
        TinyVae model = new TinyVae(DIM, 3, 1);
        Map<String, float[]> initial = weights(model);
        List<Map<String, float[]>> afterEpoch = new ArrayList<>();
        Trainer.fit(model, data(), null, staged, null, new TrainingListener() {
            @Override
            public void onEpochEnd(EpochRecord r) {
                afterEpoch.add(weights(model));
            }
        });
        assertSameBits(initial, afterEpoch.get(0));
        assertNotEquals(initial.get("decoder.weight")[0], afterEpoch.get(1).get("decoder.weight")[0], "the second epoch runs at 0.02");
        assertArrayEquals(new double[] {0, 0.02, 0.02, 0.005}, ratesOfEachEpoch(tmp.resolve("staged"), staged), 0.0);
    }

    @Test
    void aFailedCheckpointWriteLeavesThePreviousOne() throws IOException {
        Path run = tmp.resolve("fail");
        Trainer.fit(new TinyVae(DIM, 3, 1), data(), null, options().withEpochs(1), run, TrainingListener.NONE);
        byte[] before = Files.readAllBytes(Checkpoint.directory(run).resolve(Checkpoint.MODEL_FILE));
        byte[] stateBefore = Files.readAllBytes(Checkpoint.directory(run).resolve(Checkpoint.STATE_FILE));
        Checkpoint state = Checkpoint.readState(run);
        // safetensors refuses this tensor name, so the write fails half-way through the directory
        Map<String, Tensor> bad = Map.of("__metadata__", Tensor.vector(1f));
        assertThrows(IllegalArgumentException.class, () -> state.write(run, bad, Map.of(), null));
        assertArrayEquals(before, Files.readAllBytes(Checkpoint.directory(run).resolve(Checkpoint.MODEL_FILE)));
        assertArrayEquals(stateBefore, Files.readAllBytes(Checkpoint.directory(run).resolve(Checkpoint.STATE_FILE)));
        assertEquals(List.of(), hiddenFiles(run));
        Safetensors.read(Checkpoint.directory(run).resolve(Checkpoint.MODEL_FILE));
    }
}
