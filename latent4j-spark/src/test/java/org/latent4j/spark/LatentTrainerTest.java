package org.latent4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.model.ae.AutoencoderConfig;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.core.model.vq.QuantizedAutoencoderConfig;
import org.latent4j.core.model.vq.VqVaeConfig;
import org.latent4j.core.quantize.VectorQuantizerConfig;
import org.latent4j.core.train.TrainerOptions;

/** Data-parallel training in local mode against one process with the larger batch, task retries and checkpoint resumption. */
class LatentTrainerTest {
    private static final int ROWS = 256;
    private static final int DIM = 784;
    private static SparkSession spark;
    private static float[] data;
    private static Dataset<Row> frame;

    @BeforeAll
    static void start() throws Exception {
        // local[2, 4]: two task threads, and up to four attempts per task, so that a failed task is retried as on a cluster
        spark = SparkSession.builder().master("local[2,4]").appName("latent4j-train-test").config("spark.ui.enabled", "false").getOrCreate();
        data = java.util.Arrays.copyOf(FashionMnist.embedded().features().contiguous().toArray(), ROWS * DIM);
        frame = frameOf(data, ROWS);
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
        LatentTrainer.taskFault = null;
    }

    static Dataset<Row> frameOf(float[] values, int rows) {
        List<Row> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            List<Float> v = new ArrayList<>(DIM);
            for (int j = 0; j < DIM; j++) v.add(values[i * DIM + j]);
            list.add(RowFactory.create(i, v));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("features", DataTypes.createArrayType(DataTypes.FloatType, false));
        // a local relation: deterministic rows, in the default parallelism's partitions, cut into shards by a shuffle
        return spark.createDataFrame(list, schema);
    }

    private static TrainerOptions training(int epochs, int batchSize) {
        return TrainerOptions.defaults().withValidationFraction(0).withEpochs(epochs).withBatchSize(batchSize).withSeed(11).withLearningRate(2e-3);
    }

    private static double relative(double a, double b) {
        return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    }

    /**
     * A deterministic autoencoder (no sampling): the 2 replicas' step is the 2-times larger batch's step up to float rounding
     * (a mean of two half-batch means against one mean, and the same rows in each), so the losses of 3 epochs (12 steps)
     * agree to 1e-4 relative: rounding of about 1e-7 per step, amplified a little by Adam's normalisation.
     */
    @Test
    void deterministicModelMatchesOneProcessWithTheLargerBatch() {
        AutoencoderConfig config = AutoencoderConfig.of(DIM, 8).withHidden(List.of(32));
        TrainerOptions t = training(3, 32);
        DataParallelResult spark2 = new LatentTrainer(new LatentTrainerOptions("features", "ae", config, t, 2, null, 0)).fit(frame);
        DataParallelReference.Result one = DataParallelReference.train("ae", config, t, data, ROWS, DIM, 2);
        assertEquals(3, spark2.history().size());
        for (int e = 0; e < 3; e++) {
            double a = spark2.history().get(e).loss(), b = one.epochLosses().get(e);
            assertTrue(relative(a, b) < 1e-4, "epoch " + (e + 1) + ": 2 replicas " + a + ", one process " + b);
        }
        // the last epoch's loss fell: training did something
        assertTrue(spark2.history().get(2).loss() < spark2.history().get(0).loss());
    }

    /**
     * Gradients combined on the executors in groups of 2 of 4 replicas, then on the driver: the same step as collecting all
     * 4 (a mean of means, float rounding apart: losses to 1e-5 relative over 2 epochs), and the same bits when run again.
     */
    @Test
    void groupedAggregationIsTheSameStepAndDeterministic() {
        AutoencoderConfig config = AutoencoderConfig.of(DIM, 8).withHidden(List.of(32));
        LatentTrainerOptions flat = new LatentTrainerOptions("features", "ae", config, training(2, 16), 4, null, 0);
        LatentTrainerOptions grouped = flat.withAggregationFanIn(2);
        DataParallelResult a = new LatentTrainer(flat).fit(frame);
        DataParallelResult b = new LatentTrainer(grouped).fit(frame);
        DataParallelResult c = new LatentTrainer(grouped).fit(frame);
        for (int e = 0; e < 2; e++) {
            double x = a.history().get(e).loss(), y = b.history().get(e).loss();
            assertTrue(relative(x, y) < 1e-5, "epoch " + (e + 1) + ": collected " + x + ", grouped " + y);
        }
        assertSameBits(DataParallelReference.state(b.model()), DataParallelReference.state(c.model()));
    }

    /**
     * A VAE: replicas draw their posterior samples from streams of their own, so the runs differ by Monte Carlo noise only.
     * Each epoch's loss agrees within 1%: with batches of 64 the Monte Carlo noise in an epoch's mean loss is a few tenths of
     * a percent at most (measured here: below 0.07% in all three epochs), while a wrong averaging (a sum instead of a mean,
     * one replica's gradient dropped or counted twice) changes the step size or the data seen and moves it by more.
     */
    @Test
    void vaeMatchesOneProcessWithTheLargerBatchWithinNoise() {
        VaeConfig config = VaeConfig.of(DIM, 8).withHidden(List.of(32));
        TrainerOptions t = training(3, 32);
        DataParallelResult spark2 = new LatentTrainer(new LatentTrainerOptions("features", "vae", config, t, 2, null, 0)).fit(frame);
        DataParallelReference.Result one = DataParallelReference.train("vae", config, t, data, ROWS, DIM, 2);
        for (int e = 0; e < 3; e++) {
            double a = spark2.history().get(e).loss(), b = one.epochLosses().get(e);
            System.out.printf("vae epoch %d: 2 replicas %.4f, one process %.4f, relative %.2e%n", e + 1, a, b, relative(a, b));
            assertTrue(relative(a, b) < 0.01, "epoch " + (e + 1) + ": 2 replicas " + a + ", one process " + b);
        }
        DataParallelEpoch last = spark2.history().getLast();
        assertTrue(last.communicationSeconds() > 0 && last.computeSeconds() > 0, "timings: " + last);
    }

    /**
     * A VQ-VAE with an EMA codebook and dead-code restarts: the codebook and its buffers live once, on the master, and every
     * replica loads the same bits for every step (read back from each partition). Against one process with the 2-times
     * larger batch (no sampling anywhere, the same rows, the same restart draws) the codes chosen are the same at every step,
     * so the usage counters, unused-step counters and the restart pool's cursor are equal exactly, and the codebook, its EMA
     * buffers and the restart pool (encoder outputs) equal to float rounding: 1e-4
     * absolute on values of order 1, where a desynchronised codebook (a replica's EMA on its own rows) is off by 1e-2 and more.
     */
    @Test
    void vqVaeHasOneCodebookOnEveryReplicaAndMatchesOneProcess() {
        VqVaeConfig config = new VqVaeConfig(QuantizedAutoencoderConfig.of(DIM, 4).withHidden(List.of(32)),
                VectorQuantizerConfig.of(4, 32).withEma(0.9, 1e-5).withRestart(3, 64));
        TrainerOptions t = training(2, 32);
        LatentTrainerOptions o = new LatentTrainerOptions("features", "vq-vae", config, t, 2, null, 0);
        DataParallelResult spark2 = new LatentTrainer(o).fit(frame);
        double deadSeen = 0;
        for (DataParallelEpoch e : spark2.history()) deadSeen += e.metrics().get("dead_codes");
        assertTrue(deadSeen > 0, "some codes went dead and were restarted: " + spark2.history());

        Map<String, float[]> master = DataParallelReference.state(spark2.model());
        JavaRDD<ReplicaShard> shards = LatentTrainer.shard(frame, FeatureColumn.of("test", frame.schema(), "features", DIM), 2);
        try {
            List<Map<String, float[]>> replicas = LatentTrainer.replicaStates(JavaSparkContext.fromSparkContext(spark.sparkContext()), shards, spark2.model());
            assertEquals(2, replicas.size());
            for (Map<String, float[]> r : replicas) assertSameBits(master, r);
        } finally {
            shards.unpersist(false);
        }

        DataParallelReference.Result one = DataParallelReference.train("vq-vae", config, t, data, ROWS, DIM, 2);
        Map<String, float[]> single = DataParallelReference.state(one.model());
        for (String name : List.of("quantizer.unused_steps", "quantizer.restart_pool_state", "code_usage")) {
            assertArrayEquals(single.get(name), master.get(name), name);
        }
        for (String name : List.of("quantizer.codebook", "quantizer.cluster_size", "quantizer.embed_sum", "quantizer.restart_pool")) {
            assertArrayEquals(single.get(name), master.get(name), 1e-4f, name);
        }
    }

    /**
     * A TopK sparse autoencoder (no sampling; hooks: the decoder gradient projected before the step, atoms renormalised
     * and dead-latent counts after it, from the merged firing state), with a short dead window so that latents do go dead
     * and are counted: against one process with the 2-times larger batch the same latents fire at every step, so the
     * dead-latent counts are equal exactly, and the epoch losses agree to 1e-4 relative. AuxK is off: which latents it
     * treats as dead depends on the batch (not firing in it), a batch-level term that differs per shard by design. (Single weights may differ by more than rounding: the projection leaves rounding-sized residues of a
     * decoder gradient nearly parallel to its atom, which Adam's normalisation turns into steps of the learning rate's size.)
     */
    @Test
    void topKSaeMatchesOneProcessWithTheLargerBatch() {
        var defaults = org.latent4j.core.model.sae.TopKSaeConfig.of(DIM, 64, 8);
        var config = defaults.withAuxK(false, defaults.auxKAlpha(), defaults.auxKK()).withDeadTokens(96);
        TrainerOptions t = training(2, 32);
        DataParallelResult spark2 = new LatentTrainer(new LatentTrainerOptions("features", "topk-sae", config, t, 2, null, 0)).fit(frame);
        DataParallelReference.Result one = DataParallelReference.train("topk-sae", config, t, data, ROWS, DIM, 2);
        Map<String, float[]> a = DataParallelReference.state(spark2.model()), b = DataParallelReference.state(one.model());
        assertArrayEquals(b.get("tokens_since_fired"), a.get("tokens_since_fired"));
        double dead = 0;
        for (DataParallelEpoch e : spark2.history()) dead += e.metrics().get("dead_fraction");
        assertTrue(dead > 0, "some latents went dead within the window: " + spark2.history());
        for (int e = 0; e < 2; e++) {
            double x = spark2.history().get(e).loss(), y = one.epochLosses().get(e);
            System.out.printf("topk-sae epoch %d: 2 replicas %.6f, one process %.6f, relative %.2e%n", e + 1, x, y, relative(x, y));
            assertTrue(relative(x, y) < 1e-4, "epoch " + (e + 1) + ": 2 replicas " + x + ", one process " + y);
        }
    }

    /** A task that fails on its first attempt is retried by Spark and recomputes the same gradient: the run is the same bits. */
    @Test
    void aTaskThatFailsOnceIsRetriedAndChangesNothing() {
        VaeConfig config = VaeConfig.of(DIM, 4).withHidden(List.of(16));
        LatentTrainerOptions o = new LatentTrainerOptions("features", "vae", config, training(1, 32), 2, null, 0);
        Map<String, float[]> clean = DataParallelReference.state(new LatentTrainer(o).fit(frame).model());
        int[] failures = {0};
        LatentTrainer.taskFault = (partition, step, attempt) -> {
            if (partition == 1 && step == 2 && attempt == 0) {
                failures[0]++;
                throw new IllegalStateException("injected failure of partition 1 at step 2");
            }
        };
        Map<String, float[]> retried;
        try {
            retried = DataParallelReference.state(new LatentTrainer(o).fit(frame).model());
        } finally {
            LatentTrainer.taskFault = null;
        }
        assertEquals(1, failures[0], "the injected failure happened once");
        assertSameBits(clean, retried);
    }

    /**
     * A run whose job fails for good mid-epoch (every attempt of a task, as when an executor is lost for good) is fitted
     * again from its last checkpoint and ends with the bits and history of an uninterrupted run.
     */
    @Test
    void resumingFromACheckpointEqualsAnUninterruptedRun(@TempDir Path dir) {
        VaeConfig config = VaeConfig.of(DIM, 4).withHidden(List.of(16));
        TrainerOptions t = training(2, 32);
        DataParallelResult uninterrupted = new LatentTrainer(new LatentTrainerOptions("features", "vae", config, t, 2, null, 0)).fit(frame);
        LatentTrainerOptions o = new LatentTrainerOptions("features", "vae", config, t, 2, dir.toUri().toString(), 3);
        LatentTrainer.taskFault = (partition, step, attempt) -> {
            if (step == 6) throw new IllegalStateException("injected loss of the executor at step 6");
        };
        try {
            assertThrows(IllegalStateException.class, () -> new LatentTrainer(o).fit(frame));
        } finally {
            LatentTrainer.taskFault = null;
        }
        DataParallelResult resumed = new LatentTrainer(o).fit(frame);
        // 4 steps an epoch; checkpoints after step 3, 4 (the epoch's end) and 6: the run resumes mid-epoch, at step 6
        assertEquals(6, resumed.resumedStep());
        assertSameBits(DataParallelReference.state(uninterrupted.model()), DataParallelReference.state(resumed.model()));
        assertEquals(uninterrupted.history().size(), resumed.history().size());
        for (int e = 0; e < resumed.history().size(); e++) {
            assertEquals(uninterrupted.history().get(e).loss(), resumed.history().get(e).loss(), 0.0, "epoch " + (e + 1));
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of("step-000000000008"), files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList(),
                    "only the newest checkpoint is kept");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void badInputIsRefusedWithOneMessage() {
        VaeConfig config = VaeConfig.of(DIM, 4).withHidden(List.of(16));
        TrainerOptions t = training(1, 32);
        var missing = assertThrows(IllegalArgumentException.class,
                () -> new LatentTrainer(new LatentTrainerOptions("pixels", "vae", config, t, 2, null, 0)).fit(frame));
        assertEquals("LatentTrainer: the input column \"pixels\" does not exist; the columns are id, features", missing.getMessage());
        var wrongType = assertThrows(IllegalArgumentException.class,
                () -> new LatentTrainer(new LatentTrainerOptions("id", "vae", config, t, 2, null, 0)).fit(frame));
        assertTrue(wrongType.getMessage().contains("the input column \"id\" is int;"), wrongType.getMessage());
        var shortVectors = assertThrows(IllegalArgumentException.class,
                () -> new LatentTrainer(new LatentTrainerOptions("features", "vae", VaeConfig.of(DIM + 1, 4).withHidden(List.of(16)), t, 2, null, 0))
                        .fit(frame));
        assertTrue(shortVectors.getMessage().contains("holds a vector of 784 values; the model takes 785"), shortVectors.getMessage());
        var split = assertThrows(IllegalArgumentException.class,
                () -> new LatentTrainerOptions("features", "vae", config, t.withValidationFraction(0.1), 2, null, 0));
        assertTrue(split.getMessage().startsWith("LatentTrainerOptions: training.validationFraction must be 0"), split.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LatentTrainerOptions("features", "vae", AutoencoderConfig.of(DIM, 4), t, 2, null, 0));
        var noPath = assertThrows(IllegalArgumentException.class, () -> new LatentTrainerOptions("features", "vae", config, t, 2, null, 5));
        assertThrows(IllegalArgumentException.class, () -> new LatentTrainerOptions("features", "vae", config, t, 2, null, 0, 1));
        assertEquals("LatentTrainerOptions: checkpointEverySteps must be 0 when there is no checkpointPath (set one to checkpoint), got 5", noPath.getMessage());
    }

    /** A learning rate far too large makes the loss overflow: the run stops with the trainer's message, naming the step. */
    @Test
    void aDivergingRunStopsWithTheTrainersMessage() {
        LatentTrainerOptions o = LatentTrainerOptions.configure("features", "vae", Map.of("hidden", "16", "latent", "4"),
                new org.latent4j.core.model.DataShape(DIM, null, 0, true)).withTraining(training(1, 32).withLearningRate(1e9));
        var e = assertThrows(org.latent4j.core.train.TrainingDivergedException.class, () -> new LatentTrainer(o).fit(frame));
        assertTrue(e.getMessage().startsWith("training diverged: the "), e.getMessage());
        assertTrue(e.getMessage().contains("at epoch 1 of 1, step " + e.step()) && e.step() > 0, e.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> LatentTrainerOptions.configure("features", "vae", Map.of("hiden", "16"),
                new org.latent4j.core.model.DataShape(DIM, null, 0, true)));
        assertTrue(bad.getMessage().contains("hiden"), bad.getMessage());
    }

    static void assertSameBits(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) assertArrayEquals(expected.get(name), actual.get(name), name);
    }
}
