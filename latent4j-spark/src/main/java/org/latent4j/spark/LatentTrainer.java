package org.latent4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.StepContext;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.train.OptimizerStep;
import org.latent4j.core.train.ShardGradient;
import org.latent4j.core.train.Trainer;
import org.latent4j.core.train.TrainerOptions;
import org.latent4j.core.train.TrainingDivergedException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.optim.Optimizer;
import org.latent4j.tensor.random.Rng;
import scala.Tuple2;

/**
 * Trains a Latent4j model data-parallel on Spark: synchronous data parallelism with Spark's own primitives (a cached RDD,
 * a broadcast and a job per step), not a cluster of our own.
 *
 * <p><b>Design.</b> The driver holds the one master model and its optimizer. The data are cut once into
 * {@code replicas} shards, contiguous blocks of rows in the data's order, packed into dense arrays and cached (one
 * partition per replica). Every step is one Spark job: the master's weights and buffers go out as a broadcast; each
 * partition loads them into its replica (built once per executor JVM), draws its batch of the step from its own shard (an
 * order per (seed, epoch, partition)), and returns the gradient of its batch's mean loss with the loss terms and the step
 * state the model's hooks read ({@link ShardGradient}). The driver averages the gradients weighted by rows, which is the
 * gradient of the mean loss over the union of the batches, merges the step states in partition order
 * ({@link org.latent4j.core.model.StepState}), and applies the step on the master exactly as {@link Trainer} does
 * ({@link OptimizerStep}: the before-step hook, clipping, the optimizer, the after-step hook). So EMA codebooks, usage
 * counters, dead-code restarts and running statistics exist once, on the master, and every replica starts each step from
 * the same bits: there is nothing to keep in sync. Data-dependent initialisation (a decoder bias at the data's mean,
 * k-means codebooks) runs once on the driver, on the feature means of all shards and a sample drawn from all of them.
 *
 * <p><b>Why not barrier mode or parameter averaging.</b> Barrier execution would need a collective of our own between the
 * tasks (Spark gives barrier tasks no all-reduce), and a barrier stage is restarted whole when one task fails. Averaging
 * parameters every H local steps communicates H times less, but each replica's optimizer and hooks run on its own batch
 * only: EMA codebooks and restarts drift apart between averagings and averaging two codebooks does not give a codebook
 * (codes need not be matched). A job per step keeps a step a pure function of (the broadcast state, the shard, the seed,
 * the step), so Spark's own retry of a failed or lost task recomputes exactly the same gradient, and a checkpoint of the
 * master is a checkpoint of the whole run.
 *
 * <p><b>Reproducibility.</b> The result depends on the data's order, the number of replicas and the options only: the
 * gradients are gathered in partition order and summed in double in that order (or, with
 * {@link LatentTrainerOptions#aggregationFanIn()}, averaged in fixed groups of consecutive replicas on the executors and
 * then in group order on the driver), so a run is the same bits however Spark schedules its tasks, whether a task was
 * retried, and whether the run was resumed from a checkpoint.
 *
 * <p><b>Checkpoints</b> ({@link LatentTrainerOptions#checkpointPath()}) hold the master's weights and buffers, the
 * optimizer's state and where the run is, on any Hadoop-compatible file system ({@link SparkCheckpoint}); a fit that finds
 * one resumes from it and ends with the same bits as an uninterrupted run.
 */
public final class LatentTrainer {
    /** The "epoch" of the initialisation sample's dynamic binarization (training epochs count from 0, evaluation is -1). */
    private static final long INITIALISATION_EPOCH = -2L;
    /** Rows of the initialisation sample the driver gathers at most per call. */
    private static final int MAX_SAMPLE_ROWS = 1 << 20;

    /**
     * Called by every step's task before its work, in the executor; for tests that make a task fail (null: nothing).
     * A static field reaches the tasks only when they run in the driver's JVM, as in local mode.
     */
    static volatile TaskFault taskFault;

    /** A test's way to make a step's task fail. */
    @FunctionalInterface
    interface TaskFault extends Serializable {
        /**
         * Throws to fail the task.
         *
         * @param partition the replica
         * @param step      the global step
         * @param attempt   Spark's attempt number of the task (0 for the first)
         */
        void beforeStep(int partition, long step, int attempt);
    }

    private final LatentTrainerOptions options;

    /**
     * A trainer with these settings.
     *
     * @param options the settings
     */
    public LatentTrainer(LatentTrainerOptions options) {
        if (options == null) throw new IllegalArgumentException("LatentTrainer: options are null");
        this.options = options;
    }

    /** {@return the trainer's settings} */
    public LatentTrainerOptions options() {
        return options;
    }

    /**
     * Trains a new model (or resumes the run checkpointed in {@link LatentTrainerOptions#checkpointPath()}) on the rows of
     * {@code data}. The data must be deterministic (the same rows in the same order when recomputed), as Spark's recovery
     * also assumes; cache it if it is not.
     *
     * @param data rows with the options' input column of feature vectors
     * @return the trained model and its history
     * @throws IllegalArgumentException for a missing or mistyped column, a vector of the wrong length, fewer rows than
     *                                  replicas, or a checkpoint of another model or other settings
     * @throws TrainingDivergedException when a loss or gradient norm is not finite
     */
    public DataParallelResult fit(Dataset<Row> data) {
        ModelKind<?> kind = ModelKinds.get(options.kind());
        TrainerOptions training = options.training();
        LatentModel model = kind.createFrom(options.config(), new Rng(training.seed()));
        if (model.conditionClasses() > 0) {
            throw new IllegalArgumentException("LatentTrainer: the " + model.kind() + " model is conditional; data-parallel training takes unconditional models");
        }
        FeatureColumn column = FeatureColumn.of("LatentTrainer", data.schema(), options.inputCol(), model.dataDim());
        JavaRDD<ReplicaShard> shards = null;
        try {
            shards = shard(data, column, options.replicas());
            return new Run(model, shards, JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext())).train();
        } catch (Exception e) {
            // Scala code throws SparkException, a checked exception, without declaring it
            if (e instanceof SparkException s) throw unwrap(s);
            if (e.getCause() instanceof SparkException s) throw unwrap(s);
            if (e instanceof RuntimeException r) throw r;
            throw new IllegalStateException("LatentTrainer: " + e.getMessage(), e);
        } finally {
            if (shards != null) shards.unpersist(false);
        }
    }

    /** A task's IllegalArgumentException (a vector of the wrong length, say) as itself, anything else as it came. */
    private static RuntimeException unwrap(SparkException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException iae) return new IllegalArgumentException("LatentTrainer: " + iae.getMessage(), e);
        }
        return new IllegalStateException("LatentTrainer: a Spark job failed: " + e.getMessage(), e);
    }

    /**
     * The data cut into {@code replicas} contiguous blocks of rows, in their order, packed and cached.
     */
    static JavaRDD<ReplicaShard> shard(Dataset<Row> data, FeatureColumn column, int replicas) {
        JavaRDD<Row> rows = data.select(column.name()).javaRDD();
        long count = rows.count();
        if (count < replicas) throw new IllegalArgumentException("LatentTrainer: the data have " + count + " rows, fewer than the " + replicas + " replicas");
        int dim = column.dim();
        JavaPairRDD<Long, float[]> indexed = rows.zipWithIndex().mapToPair(t -> {
            float[] v = new float[dim];
            column.read(t._1(), 0, v, 0);
            return new Tuple2<>(t._2(), v);
        });
        JavaRDD<ReplicaShard> shards = indexed.partitionBy(new BlockPartitioner(replicas, count)).mapPartitionsWithIndex((partition, it) -> {
            List<Tuple2<Long, float[]>> list = new ArrayList<>();
            it.forEachRemaining(list::add);
            // the shuffle delivers the rows in the order its blocks arrive: put them back in the data's order
            list.sort((a, b) -> Long.compare(a._1(), b._1()));
            float[] packed = new float[Math.multiplyExact(list.size(), dim)];
            for (int i = 0; i < list.size(); i++) System.arraycopy(list.get(i)._2(), 0, packed, i * dim, dim);
            long first = list.isEmpty() ? 0 : list.getFirst()._1();
            return List.of(new ReplicaShard(partition, first, list.size(), dim, packed)).iterator();
        }, true).persist(StorageLevel.MEMORY_AND_DISK());
        return shards;
    }

    /**
     * The work of one replica in one step: load the broadcast state, draw the batch, return its gradient.
     *
     * @param state         the master's parameters and buffers, flat
     * @param kind          the model kind
     * @param configJson    the model config as JSON
     * @param seed          the run's seed
     * @param epoch         the epoch
     * @param batch         the batch's index in the epoch
     * @param step          the global step
     * @param stepsPerEpoch the steps of an epoch
     * @param batchSize     rows per replica
     * @param replicas      the number of replicas
     * @param binarization  how intensities become binary data
     */
    private record StepTask(Broadcast<float[]> state, String kind, String configJson, long seed, int epoch, int batch, long step,
                            long stepsPerEpoch, int batchSize, int replicas, Binarization binarization) implements Function<ReplicaShard, ShardGradient> {
        @Override
        public ShardGradient call(ReplicaShard shard) {
            TaskFault fault = taskFault;
            if (fault != null) fault.beforeStep(shard.partition(), step, TaskContext.get() == null ? 0 : TaskContext.get().attemptNumber());
            ReplicaPool.Replica replica = ReplicaPool.borrow(kind, configJson);
            try (Workspace.Scope scope = replica.workspace().open()) {
                ReplicaPool.load(replica.model(), state.value());
                Batch input = shard.batch(seed, epoch, batch, batchSize, replicas, binarization);
                if (input == null) return ShardGradient.empty();
                return ShardGradient.compute(replica.model(), input, new TrainingProgress(epoch, step, stepsPerEpoch), shardStream(seed, step, shard.partition()));
            } finally {
                ReplicaPool.release(replica);
            }
        }
    }

    /**
     * The generator of replica {@code partition}'s sampling at global step {@code step}: a stream of its own under the one
     * a single process would use for the step, so replicas draw independent noise.
     *
     * @param seed      the run's seed
     * @param step      the global step
     * @param partition the replica
     * @return the generator
     */
    static Rng shardStream(long seed, long step, int partition) {
        return Trainer.modelStream(seed, step).fork(partition);
    }

    /** One fit: the master, its optimizer and where the run is. */
    private final class Run {
        private final LatentModel model;
        private final JavaRDD<ReplicaShard> shards;
        private final JavaSparkContext spark;
        private final TrainerOptions training;
        private final Optimizer optimizer;
        private final String configJson;
        private final List<Integer> shardRows;
        private final long totalRows;
        private final int stepsPerEpoch;
        private final SparkCheckpoint checkpoints;
        private final Workspace workspace = new Workspace();

        private int epoch;
        private int batchInEpoch;
        private long step;
        private SparkCheckpoint.EpochTotals totals = SparkCheckpoint.EpochTotals.EMPTY;
        private final List<DataParallelEpoch> history = new ArrayList<>();
        private String lastCheckpoint = "none (no checkpoint was written)";

        Run(LatentModel model, JavaRDD<ReplicaShard> shards, JavaSparkContext spark) {
            this.model = model;
            this.shards = shards;
            this.spark = spark;
            this.training = options.training();
            this.optimizer = training.optimizer().create(model.parameters());
            this.configJson = Json.writeCompact(Json.toJson(model.config()));
            this.shardRows = shards.map(ReplicaShard::rows).collect();
            long total = 0;
            int largest = 0;
            for (int r : shardRows) {
                total += r;
                largest = Math.max(largest, r);
            }
            this.totalRows = total;
            this.stepsPerEpoch = Math.ceilDiv(largest, training.batchSize());
            this.checkpoints = options.checkpointPath() == null ? null
                    : new SparkCheckpoint(options.checkpointPath(), spark.hadoopConfiguration());
        }

        DataParallelResult train() {
            long resumedStep = 0;
            Optional<SparkCheckpoint.Saved> saved = checkpoints == null ? Optional.empty() : checkpoints.latest();
            if (saved.isPresent()) {
                restore(saved.get());
                resumedStep = step;
            } else {
                model.initialise(new ShardedData(), Trainer.initialisationStream(training.seed()));
            }
            while (epoch < training.epochs()) runEpoch();
            return new DataParallelResult(model, history, resumedStep);
        }

        private void restore(SparkCheckpoint.Saved c) {
            SparkCheckpoint.State s = c.state();
            if (!s.kind().equals(model.kind()) || !s.config().equals(Json.toJson(model.config()))) {
                throw new IllegalArgumentException("LatentTrainer: the checkpoint " + c.location() + " holds a " + s.kind() + " model of config "
                        + Json.writeCompact(s.config()) + ", not this " + model.kind() + " of config " + configJson);
            }
            if (!s.reproducibilityKey().equals(options.reproducibilityKey()) || !s.shardRows().equals(shardRows)) {
                throw new IllegalArgumentException("LatentTrainer: the checkpoint " + c.location() + " was made with " + s.reproducibilityKey()
                        + " and shards of " + s.shardRows() + " rows, but this run has " + options.reproducibilityKey() + " and shards of "
                        + shardRows + " rows; a resumed run must use the same data and settings");
            }
            model.loadState(c.model());
            optimizer.loadState(c.optimizer(), s.optimizerCounters());
            epoch = s.epoch();
            batchInEpoch = s.batchInEpoch();
            step = s.step();
            totals = s.partial();
            history.addAll(s.history());
            lastCheckpoint = c.location();
        }

        private void runEpoch() {
            long start = System.nanoTime();
            double secondsBefore = totals.seconds();
            while (batchInEpoch < stepsPerEpoch) {
                runStep();
                boolean every = options.checkpointEverySteps() > 0 && step % options.checkpointEverySteps() == 0;
                if (every && batchInEpoch < stepsPerEpoch) {
                    totals = withSeconds(totals, secondsBefore + (System.nanoTime() - start) / 1e9);
                    checkpoint();
                }
            }
            SparkCheckpoint.EpochTotals t = withSeconds(totals, secondsBefore + (System.nanoTime() - start) / 1e9);
            Map<String, Double> metrics = new LinkedHashMap<>();
            t.metrics().forEach((name, sum) -> metrics.put(name, sum / t.rows()));
            history.add(new DataParallelEpoch(epoch + 1, step, t.loss() / t.rows(), t.reconstruction() / t.rows(), t.regularization() / t.rows(),
                    metrics, t.computeSeconds() / t.steps(), t.communicationSeconds() / t.steps(), t.driverSeconds() / t.steps(), t.seconds()));
            epoch++;
            batchInEpoch = 0;
            totals = SparkCheckpoint.EpochTotals.EMPTY;
            int every = training.checkpointEveryEpochs();
            if (checkpoints != null && ((every > 0 && epoch % every == 0) || epoch == training.epochs())) checkpoint();
        }

        private void runStep() {
            long seed = training.seed();
            double rate = training.schedule().rate(epoch, step);
            optimizer.setLearningRate(rate);
            long jobStart = System.nanoTime();
            Broadcast<float[]> state = spark.broadcast(ReplicaPool.flatten(model));
            List<ShardGradient> parts;
            try {
                StepTask task = new StepTask(state, model.kind(), configJson, seed, epoch, batchInEpoch, step, stepsPerEpoch, training.batchSize(),
                        options.replicas(), training.binarization());
                int fanIn = options.aggregationFanIn();
                parts = fanIn == 0 || options.replicas() <= fanIn ? shards.map(task).collect() : combinedInGroups(task, fanIn);
            } finally {
                state.destroy();
            }
            double jobSeconds = (System.nanoTime() - jobStart) / 1e9;
            long driverStart = System.nanoTime();
            ShardGradient merged = ShardGradient.average(parts);
            String notFinite = TrainingDivergedException.nonFinite(merged.loss(), merged.metrics());
            if (notFinite != null) throw diverged(notFinite);
            try (Workspace.Scope scope = workspace.open()) {
                optimizer.zeroGrad();
                merged.loadInto(optimizer.parameters());
                TrainingProgress progress = new TrainingProgress(epoch, step, stepsPerEpoch);
                StepContext context = new StepContext(merged.asLossResult(), progress, Trainer.hookStream(seed, step), rate);
                double norm = OptimizerStep.apply(model, optimizer, context, training.gradientClipNorm());
                if (!Double.isFinite(norm)) throw diverged("the gradient norm is " + norm + " (loss " + merged.loss() + ")");
            }
            double driverSeconds = (System.nanoTime() - driverStart) / 1e9;
            Map<String, Double> metrics = new LinkedHashMap<>(totals.metrics());
            merged.metrics().forEach((name, v) -> metrics.merge(name, v * merged.rows(), Double::sum));
            totals = new SparkCheckpoint.EpochTotals(totals.loss() + merged.loss() * merged.rows(),
                    totals.reconstruction() + merged.reconstruction() * merged.rows(), totals.regularization() + merged.regularization() * merged.rows(),
                    totals.rows() + merged.rows(), metrics, totals.computeSeconds() + merged.computeSeconds(),
                    totals.communicationSeconds() + Math.max(0, jobSeconds - merged.computeSeconds()), totals.driverSeconds() + driverSeconds,
                    totals.steps() + 1, totals.seconds());
            step++;
            batchInEpoch++;
        }

        /**
         * The step's gradients combined on the executors in fixed groups of {@code fanIn} consecutive replicas, each group
         * averaged in partition order: the driver receives one partial mean per group, in group order. Averaging the
         * groups' means by their rows is the average over all replicas (and concatenating the groups' states, the
         * concatenation of all), so this differs from collecting every gradient by float rounding only, and is as
         * deterministic: no sum depends on the order in which shuffle blocks arrive.
         */
        private List<ShardGradient> combinedInGroups(StepTask task, int fanIn) {
            int groups = Math.ceilDiv(options.replicas(), fanIn);
            List<Tuple2<Integer, ShardGradient>> partial = shards
                    .mapToPair(s -> new Tuple2<>(s.partition() / fanIn, new Tuple2<>(s.partition(), task.call(s))))
                    .groupByKey(groups)
                    .map(group -> {
                        List<Tuple2<Integer, ShardGradient>> members = new ArrayList<>();
                        group._2().forEach(members::add);
                        members.sort((a, b) -> Integer.compare(a._1(), b._1()));
                        List<ShardGradient> live = new ArrayList<>();
                        for (Tuple2<Integer, ShardGradient> m : members) if (m._2().rows() > 0) live.add(m._2());
                        return new Tuple2<>(group._1(), live.isEmpty() ? ShardGradient.empty() : ShardGradient.average(live));
                    })
                    .collect();
            List<Tuple2<Integer, ShardGradient>> ordered = new ArrayList<>(partial);
            ordered.sort((a, b) -> Integer.compare(a._1(), b._1()));
            List<ShardGradient> out = new ArrayList<>();
            for (Tuple2<Integer, ShardGradient> g : ordered) out.add(g._2());
            return out;
        }

        private SparkCheckpoint.EpochTotals withSeconds(SparkCheckpoint.EpochTotals t, double seconds) {
            return new SparkCheckpoint.EpochTotals(t.loss(), t.reconstruction(), t.regularization(), t.rows(), t.metrics(), t.computeSeconds(),
                    t.communicationSeconds(), t.driverSeconds(), t.steps(), seconds);
        }

        private TrainingDivergedException diverged(String what) {
            return TrainingDivergedException.atStep(what, epoch, training.epochs(), step, batchInEpoch, stepsPerEpoch, lastCheckpoint);
        }

        private void checkpoint() {
            SparkCheckpoint.State s = new SparkCheckpoint.State(epoch, batchInEpoch, step, model.kind(), Json.toJson(model.config()),
                    options.reproducibilityKey(), shardRows, Map.copyOf(optimizer.stateCounters()), List.copyOf(history), totals);
            lastCheckpoint = checkpoints.write(s, model.namedState(), optimizer.stateTensors());
        }

        /** What the model's initialisation sees: the feature means over every shard, and a sample drawn from all of them. */
        private final class ShardedData implements TrainingData {
            @Override
            public int rows() {
                return Math.toIntExact(Math.min(Integer.MAX_VALUE, totalRows));
            }

            @Override
            public float[] featureMeans() {
                List<double[]> sums = shards.map(ReplicaShard::columnSums).collect();
                double[] total = new double[model.dataDim()];
                for (double[] s : sums) for (int j = 0; j < total.length; j++) total[j] += s[j];
                float[] mean = new float[total.length];
                for (int j = 0; j < mean.length; j++) mean[j] = (float) (total[j] / totalRows);
                return mean;
            }

            @Override
            public Tensor sample(int maxRows) {
                if (maxRows < 1) throw new IllegalArgumentException("TrainingData.sample: maxRows must be >= 1, got " + maxRows);
                int wanted = Math.min(maxRows, MAX_SAMPLE_ROWS);
                long total = totalRows, seed = training.seed();
                // each shard gives its share of the rows, rounded up, in partition order; the first maxRows are kept
                List<float[]> parts = shards.map(s -> s.sample(seed, (int) Math.min(s.rows(), Math.ceilDiv((long) wanted * s.rows(), total)))).collect();
                int dim = model.dataDim();
                int rows = 0;
                for (float[] p : parts) rows += p.length / dim;
                rows = Math.min(rows, wanted);
                float[] x = new float[rows * dim];
                int at = 0;
                for (float[] p : parts) {
                    int n = Math.min(p.length, x.length - at);
                    System.arraycopy(p, 0, x, at, n);
                    at += n;
                }
                return training.binarization().sampleBatch(Tensor.of(x, rows, dim), seed, INITIALISATION_EPOCH, 0).contiguous();
            }
        }
    }

    /**
     * The master's weights and buffers as each replica holds them after loading the state broadcast for a step: one map per
     * partition, in partition order. For tests that check that every replica holds the same bits.
     */
    static List<Map<String, float[]>> replicaStates(JavaSparkContext spark, JavaRDD<ReplicaShard> shards, LatentModel model) {
        Broadcast<float[]> state = spark.broadcast(ReplicaPool.flatten(model));
        String kind = model.kind(), configJson = Json.writeCompact(Json.toJson(model.config()));
        try {
            return shards.map(s -> {
                ReplicaPool.Replica replica = ReplicaPool.borrow(kind, configJson);
                try {
                    ReplicaPool.load(replica.model(), state.value());
                    Map<String, float[]> out = new LinkedHashMap<>();
                    replica.model().namedState().forEach((name, t) -> out.put(name, t.contiguous().toArray()));
                    return out;
                } finally {
                    ReplicaPool.release(replica);
                }
            }).collect();
        } finally {
            state.destroy();
        }
    }

}
