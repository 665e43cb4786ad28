package org.latent4j.core.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.latent4j.core.data.Batches;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.io.Json;
import org.latent4j.core.data.Permutation;
import org.latent4j.core.eval.GradientVariance;
import org.latent4j.core.eval.ProgressListener;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.StepContext;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.optim.Optimizer;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * Trains any {@link LatentModel} through its {@link LatentModel#loss}, with the optimizer of its options (Adam,
 * AdamW or SGD), a learning-rate schedule, optional validation with early stopping, atomic checkpoints and a CSV
 * loss history. The trainer keeps no state between runs: the model holds the weights (and buffers),
 * {@link TrainingResult} the record of how they were made.
 *
 * <p><b>A step</b>: the model's loss, back-propagation, {@link LatentModel#beforeOptimizerStep}, gradient clipping
 * (or the norm check), the optimizer's step, {@link LatentModel#afterOptimizerStep}. Before the first step of a fresh
 * run, {@link LatentModel#initialise} sees the training data (a resumed run has its result in the checkpoint). The
 * metrics the loss reports are averaged over each epoch's rows into the history, the checkpoint and the result.
 *
 * <p><b>Reproducibility.</b> Every random choice is a function of the seed and of the place it serves: the
 * validation split ({@code Dataset.split}), the order of epoch e ({@code Permutation} stream e), the dynamic
 * binarization of batch i of epoch e, and the model's sampling at global step s ({@code Rng} streams forked by
 * s). Nothing depends on how much randomness was drawn before, so a run resumed from a checkpoint, at an epoch
 * end or mid-epoch, ends with exactly the weights of an uninterrupted run (and the engine's results do not
 * depend on the thread count).
 *
 * <p><b>Conditional models</b> ({@link LatentModel#conditionClasses()} > 0) get the one-hot of each batch's
 * labels as its condition, in training and validation; the data must then be labelled within those classes.
 *
 * <p><b>Run directory</b> (optional): {@code history.csv} rewritten atomically after every epoch,
 * {@code checkpoint/} replaced atomically at each checkpoint (see {@link Checkpoint}), and {@code result.json}
 * at the end.
 *
 * <p><b>Divergence.</b> A NaN or infinite loss, gradient norm or validation loss stops training with a
 * {@link TrainingDivergedException} naming the epoch, the step and the last good checkpoint; the step is not
 * applied and no checkpoint is written after it.
 */
public final class Trainer {
    private Trainer() {}

    static final String RESULT_FILE = "result.json";

    /** Streams of the static binarization of the training data and of a separately given validation set. */
    private static final long STATIC_TRAIN_STREAM = 0;
    private static final long STATIC_VALIDATION_STREAM = 1;
    /** Domain separators under the seed for the model's sampling in training and in validation. */
    private static final long MODEL_DOMAIN = 0x4D4F44454CL;
    private static final long VALIDATION_DOMAIN = 0x56414C4944L;
    /** Domain of the model's initialisation, and the stream of its step hooks under each step's generator. */
    private static final long INITIALISATION_DOMAIN = 0x494E4954L;
    /** Domain of the gradient-variance measurements: their draws never touch the model's training stream. */
    private static final long GRADIENT_VARIANCE_DOMAIN = 0x47524144564152L;
    /** The prefix of the history columns of the gradient-variance measurements. */
    public static final String GRADIENT_VARIANCE_PREFIX = "gradvar_";
    private static final long HOOK_STREAM = 0x484F4F4BL;
    /** The "epoch" whose binarization the initialisation sample sees (training epochs count from 0, evaluation is -1). */
    private static final long INITIALISATION_EPOCH = -2L;

    /**
     * Trains {@code model} from its current weights.
     *
     * @param model      the model to train (its weights are changed in place)
     * @param train      the training rows, preprocessed
     * @param validation the validation set, or null to hold out {@code options.validationFraction()} of
     *                   {@code train} (after static binarization, so a row's sample does not depend on the split)
     * @param runDirectory where to write history, checkpoints and result, or null to write nothing; it must not
     *                   already hold a checkpoint (use {@link #resume})
     * @param options    epochs, batch size, seed, optimizer, schedule, early stopping, checkpoints, binarization
     * @param listener   told of the start, every step and every epoch ({@link TrainingListener#NONE} for nothing)
     * @return the history of the epochs and which epoch the model now holds
     */
    public static TrainingResult fit(LatentModel model, Dataset train, Dataset validation, TrainerOptions options, Path runDirectory,
                                     TrainingListener listener) {
        if (runDirectory != null && Checkpoint.exists(runDirectory)) {
            throw new IllegalStateException("Trainer.fit: " + Checkpoint.directory(runDirectory)
                    + " already holds a checkpoint; resume it with Trainer.resume or choose another run directory");
        }
        return locked(runDirectory, () -> new Run(model, train, validation, options, runDirectory, listener).train(null));
    }

    /** Runs {@code body} holding the run directory's lock (no lock without a run directory). */
    private static TrainingResult locked(Path runDirectory, java.util.function.Supplier<TrainingResult> body) {
        if (runDirectory == null) return body.get();
        try (RunLock lock = RunLock.acquire(runDirectory)) {
            return body.get();
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer: cannot lock the run directory " + runDirectory, e);
        }
    }

    /**
     * Continues the run whose checkpoint is in {@code runDirectory}, with the same data and options as before
     * ({@code options.epochs()} may be larger, to extend a finished run). The model's weights and the
     * optimizer's state are replaced by the checkpoint's.
     *
     * @param model        a model of the checkpoint's kind and config
     * @param train        the training rows the run started with
     * @param validation   the validation set it started with, or null
     * @param options      the options it started with ({@code epochs} may be larger)
     * @param runDirectory the run's directory, holding its checkpoint
     * @param listener     told of every step and epoch
     * @return the history of all epochs, before and after the resumption
     */
    public static TrainingResult resume(LatentModel model, Dataset train, Dataset validation, TrainerOptions options, Path runDirectory,
                                        TrainingListener listener) {
        if (runDirectory == null) throw new IllegalArgumentException("Trainer.resume: no run directory given");
        return locked(runDirectory, () -> resumeLocked(model, train, validation, options, runDirectory, listener));
    }

    private static TrainingResult resumeLocked(LatentModel model, Dataset train, Dataset validation, TrainerOptions options, Path runDirectory,
                                               TrainingListener listener) {
        if (!Checkpoint.exists(runDirectory)) {
            throw new IllegalStateException("Trainer.resume: no checkpoint in " + Checkpoint.directory(runDirectory));
        }
        Checkpoint saved;
        try {
            saved = Checkpoint.readState(runDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer.resume: cannot read the checkpoint in " + runDirectory, e);
        }
        if (saved.modelConfig() != null && !(saved.modelKind().equals(model.kind()) && saved.modelConfig().equals(Json.toJson(model.config())))) {
            throw new IllegalArgumentException("Trainer.resume: the checkpoint holds a " + saved.modelKind() + " model of config "
                    + Json.writeCompact(saved.modelConfig()) + ", not this " + model.kind() + " of config " + Json.writeCompact(Json.toJson(model.config())));
        }
        if (!saved.reproducibilityKey().equals(options.reproducibilityKey())) {
            throw new IllegalArgumentException("Trainer.resume: the checkpoint was made with " + saved.reproducibilityKey()
                    + " but the options give " + options.reproducibilityKey() + "; a resumed run must use the same ones");
        }
        return new Run(model, train, validation, options, runDirectory, listener).train(saved);
    }

    /**
     * The kind and config of the model a run directory's checkpoint holds, to rebuild it for {@link #resume} whatever the
     * defaults of today's code; empty without a checkpoint, or for a checkpoint written before they were recorded.
     *
     * @param runDirectory a run directory
     * @return the checkpointed model's kind and config, if known
     * @throws IOException if the checkpoint cannot be read
     */
    public static java.util.Optional<SavedModel> checkpointedModel(Path runDirectory) throws IOException {
        if (!Checkpoint.exists(runDirectory)) return java.util.Optional.empty();
        Checkpoint c = Checkpoint.readState(runDirectory);
        return c.modelKind() == null ? java.util.Optional.empty() : java.util.Optional.of(new SavedModel(c.modelKind(), c.modelConfig()));
    }

    /**
     * Whether {@code runDirectory} holds a checkpoint to {@link #resume} (after recovering one a kill left in the middle
     * of its replacement).
     *
     * @param runDirectory the run directory
     * @return true when a checkpoint is there
     */
    public static boolean hasCheckpoint(Path runDirectory) {
        return Checkpoint.exists(runDirectory);
    }

    /**
     * A model's kind and its config as JSON.
     *
     * @param kind   the kind's registered name
     * @param config its config record as JSON
     */
    public record SavedModel(String kind, Json.Value config) {}

    /**
     * The history column of a gradient-variance statistic of a top-level module: {@code gradvar_encoder_snr} (the
     * element-wise SNR of Rainforth et al., {@link GradientVariance.GroupStatistics#snr}), {@code gradvar_encoder_variance}
     * (the mean variance per element).
     *
     * @param module    the top-level module ("encoder", "decoder", ...)
     * @param statistic "snr" or "variance"
     * @return the column's name
     */
    public static String gradientVarianceColumn(String module, String statistic) {
        return GRADIENT_VARIANCE_PREFIX + module + "_" + statistic;
    }

    /** The generator of the gradient-variance measurement before global step {@code step}: a domain of its own under the seed. */
    static Rng gradientVarianceStream(long seed, long step) {
        return new Rng(seed).fork(GRADIENT_VARIANCE_DOMAIN).fork(step);
    }

    /**
     * The generator of the model's sampling at global step {@code step} of a run with this seed.
     *
     * @param seed the run's seed
     * @param step the global step
     * @return the generator
     */
    public static Rng modelStream(long seed, long step) {
        return new Rng(seed).fork(MODEL_DOMAIN).fork(step);
    }

    /**
     * The generator the step hooks of global step {@code step} get ({@link StepContext#rng()}): a data-parallel trainer
     * gives its master's hooks this one too, so that dead-code restarts draw as a single process does.
     *
     * @param seed the run's seed
     * @param step the global step
     * @return the generator
     */
    public static Rng hookStream(long seed, long step) {
        return modelStream(seed, step).fork(HOOK_STREAM);
    }

    /**
     * The generator a model's {@link LatentModel#initialise} gets in a run with this seed.
     *
     * @param seed the run's seed
     * @return the generator
     */
    public static Rng initialisationStream(long seed) {
        return new Rng(seed).fork(INITIALISATION_DOMAIN);
    }

    /** One training run: the mutable state of a fit or resume. */
    private static final class Run {
        private final LatentModel model;
        private final TrainerOptions options;
        private final Path runDirectory;
        private final TrainingListener listener;
        private final Dataset trainData;
        private final Dataset validationData;
        private final Batches batches;
        private final Batches validationBatches;
        private final int stepsPerEpoch;
        private final Optimizer optimizer;
        private final Workspace workspace = new Workspace();

        private int epoch;
        private int batchInEpoch;
        private long step;
        private Checkpoint.EpochSums sums = Checkpoint.EpochSums.EMPTY;
        private OptionalDouble bestValidationLoss = OptionalDouble.empty();
        private int bestEpoch;
        private int epochsWithoutImprovement;
        private final List<EpochRecord> history = new ArrayList<>();
        private String startTime;
        private int resumes;
        private String lastCheckpoint = "none (no checkpoint was written)";
        private long lastCheckpointNanos = System.nanoTime();

        Run(LatentModel model, Dataset train, Dataset validation, TrainerOptions options, Path runDirectory, TrainingListener listener) {
            if (listener == null) throw new IllegalArgumentException("Trainer: listener is null (use TrainingListener.NONE)");
            if (train.dim() != model.dataDim()) {
                throw new IllegalArgumentException("Trainer: the " + model.kind() + " model takes " + model.dataDim() + " features but dataset "
                        + train.name() + " has " + train.dim());
            }
            if (validation != null && validation.dim() != train.dim()) {
                throw new IllegalArgumentException("Trainer: validation set " + validation.name() + " has " + validation.dim()
                        + " features but training set " + train.name() + " has " + train.dim());
            }
            checkLabels(model, train);
            if (validation != null) checkLabels(model, validation);
            this.model = model;
            this.options = options;
            this.runDirectory = runDirectory;
            this.listener = listener;
            Binarization binarization = options.binarization();
            long seed = options.seed();
            if (validation == null && options.validationFraction() > 0) {
                Dataset.Split split = binarization.prepare(train, seed, STATIC_TRAIN_STREAM).split(options.validationFraction(), seed);
                trainData = split.train();
                validationData = split.validation();
            } else {
                trainData = binarization.prepare(train, seed, STATIC_TRAIN_STREAM);
                validationData = validation == null ? null : binarization.prepare(validation, seed, STATIC_VALIDATION_STREAM);
            }
            if (options.earlyStoppingPatience() > 0 && validationData == null) {
                throw new IllegalArgumentException("Trainer: early stopping needs validation data (a validation set or a validationFraction > 0)");
            }
            batches = trainData.batches(options.batchSize(), false);
            validationBatches = validationData == null ? null : validationData.batches(options.batchSize(), false);
            stepsPerEpoch = batches.count();
            optimizer = options.optimizer().create(model.parameters());
        }

        /** A conditional model needs every row's class label, within the classes it is conditioned on. */
        private static void checkLabels(LatentModel model, Dataset data) {
            int classes = model.conditionClasses();
            if (classes == 0) return;
            if (!data.hasLabels()) {
                throw new IllegalArgumentException("Trainer: the " + model.kind() + " model is conditioned on " + classes
                        + " classes and needs a labelled dataset, but " + data.name() + " has no labels");
            }
            int[] labels = data.labels();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= classes) {
                    throw new IllegalArgumentException("Trainer: row " + i + " of dataset " + data.name() + " has label " + labels[i]
                            + ", outside the " + model.kind() + " model's classes 0.." + (classes - 1));
                }
            }
        }

        /**
         * The model's input for a batch of (preprocessed) features: with the one-hot of the rows' labels for a
         * conditional model, so a batch's condition, like its rows, depends only on the seed, epoch and batch index.
         */
        private Batch input(Tensor x, Batches.Minibatch batch) {
            return model.conditionClasses() == 0 ? Batch.of(x) : new Batch(x, model.labelCondition(batch.labels()));
        }

        TrainingResult train(Checkpoint resumeFrom) {
            if (resumeFrom == null) {
                startTime = Instant.now().toString();
                model.initialise(new Data(), initialisationStream(options.seed()));
            } else {
                restore(resumeFrom);
            }
            listener.onStart(options.epochs(), epoch, step, trainData.size(), validationData == null ? 0 : validationData.size());
            boolean stoppedEarly = shouldStopEarly();
            while (epoch < options.epochs() && !stoppedEarly) {
                runEpoch();
                stoppedEarly = shouldStopEarly() && epoch < options.epochs();
            }
            // under early stopping the model the run ends with is the best epoch's, by validation loss
            int modelEpoch = history.isEmpty() ? 0 : history.getLast().epoch();
            if (best != null && bestEpoch != modelEpoch) {
                model.loadState(best);
                modelEpoch = bestEpoch;
            }
            TrainingResult result = new TrainingResult(history, bestEpoch, bestValidationLoss, stoppedEarly, modelEpoch, provenance());
            if (runDirectory != null) {
                try {
                    Json.writeFile(runDirectory.resolve(RESULT_FILE), Json.toJson(result));
                } catch (IOException e) {
                    throw new UncheckedIOException("Trainer: cannot write " + runDirectory.resolve(RESULT_FILE), e);
                }
            }
            listener.onEnd(result);
            return result;
        }

        private boolean shouldStopEarly() {
            return options.earlyStoppingPatience() > 0 && epochsWithoutImprovement >= options.earlyStoppingPatience();
        }

        private void restore(Checkpoint c) {
            try {
                model.loadState(Checkpoint.readWeights(runDirectory, model));
                optimizer.loadState(Checkpoint.readOptimizer(runDirectory, model), c.optimizerCounters());
                best = Checkpoint.readBest(runDirectory, model);
            } catch (IOException e) {
                throw new UncheckedIOException("Trainer.resume: cannot read the checkpoint in " + runDirectory, e);
            }
            if (c.batchInEpoch() > stepsPerEpoch || c.step() != (long) c.epoch() * stepsPerEpoch + c.batchInEpoch()) {
                throw new IllegalArgumentException("Trainer.resume: the checkpoint (epoch " + c.epoch() + ", batch " + c.batchInEpoch() + ", step "
                        + c.step() + ") does not fit " + stepsPerEpoch + " batches per epoch: is this the same training data?");
            }
            epoch = c.epoch();
            batchInEpoch = c.batchInEpoch();
            step = c.step();
            sums = c.partial();
            bestValidationLoss = c.bestValidationLoss();
            bestEpoch = c.bestEpoch();
            epochsWithoutImprovement = c.epochsWithoutImprovement();
            history.addAll(c.history());
            startTime = c.startTime();
            resumes = c.resumes() + 1;
            lastCheckpoint = describeCheckpoint();
        }

        private void runEpoch() {
            long epochStart = System.nanoTime();
            double secondsBefore = sums.seconds();
            long seed = options.seed();
            for (Batches.Minibatch batch : batches.shuffled(seed, epoch)) {
                // a resumed epoch replays the same order and skips what the checkpoint already holds
                if (batch.index() < batchInEpoch) continue;
                trainStep(batch);
                listener.onStep(new StepInfo(epoch, options.epochs(), step, batchInEpoch, stepsPerEpoch, sums.rows(), trainData.size(),
                        lastLoss, optimizer.learningRate(), lastMetrics));
                if (timeForCheckpoint()) {
                    sums = sums.withSeconds(secondsBefore + (System.nanoTime() - epochStart) / 1e9);
                    checkpoint();
                }
            }
            OptionalDouble validationLoss = validate();
            double seconds = secondsBefore + (System.nanoTime() - epochStart) / 1e9;
            EpochRecord record = new EpochRecord(epoch + 1, step, sums.loss() / sums.rows(), sums.reconstruction() / sums.rows(),
                    sums.regularization() / sums.rows(), validationLoss, sums.learningRate(), seconds, sums.metricMeans());
            history.add(record);
            if (validationLoss.isPresent()) {
                double v = validationLoss.getAsDouble();
                if (bestValidationLoss.isEmpty() || v < bestValidationLoss.getAsDouble()) {
                    bestValidationLoss = validationLoss;
                    bestEpoch = record.epoch();
                    epochsWithoutImprovement = 0;
                    if (options.earlyStoppingPatience() > 0) keepBest();
                } else {
                    epochsWithoutImprovement++;
                }
            }
            epoch++;
            batchInEpoch = 0;
            sums = Checkpoint.EpochSums.EMPTY;
            if (runDirectory != null) {
                try {
                    HistoryCsv.write(runDirectory, history);
                } catch (IOException e) {
                    throw new UncheckedIOException("Trainer: cannot write " + runDirectory.resolve(HistoryCsv.FILE), e);
                }
                int every = options.checkpointEveryEpochs();
                if ((every > 0 && epoch % every == 0) || epoch == options.epochs() || shouldStopEarly() || timeForCheckpoint()) checkpoint();
            }
            listener.onEpochEnd(record);
        }

        private double lastLoss;
        private Map<String, Double> lastMetrics = Map.of();

        private void trainStep(Batches.Minibatch batch) {
            long seed = options.seed();
            optimizer.setLearningRate(options.schedule().rate(epoch, step));
            try (Workspace.Scope scope = workspace.open()) {
                var x = options.binarization().sampleBatch(batch.features(), seed, epoch, batch.index());
                TrainingProgress progress = new TrainingProgress(epoch, step, stepsPerEpoch);
                int every = options.gradientVarianceEvery();
                if (every > 0 && step % every == 0) measureGradientVariance(input(x, batch), progress);
                Rng stream = modelStream(seed, step);
                LossResult r = model.loss(input(x, batch), progress, stream);
                double loss = r.loss().item();
                String notFinite = TrainingDivergedException.nonFinite(loss, r.metrics());
                if (notFinite != null) throw diverged(notFinite);
                optimizer.zeroGrad();
                r.loss().backward();
                StepContext context = new StepContext(r, progress, hookStream(seed, step), optimizer.learningRate());
                double norm = OptimizerStep.apply(model, optimizer, context, options.gradientClipNorm());
                if (!Double.isFinite(norm)) throw diverged("the gradient norm is " + norm + " (loss " + loss + ")");
                lastLoss = loss;
                lastMetrics = r.metrics();
                sums = sums.add(loss, r.reconstruction().item(), r.regularization().item(), r.metrics(), batch.size(), optimizer.learningRate());
            }
            step++;
            batchInEpoch++;
        }

        /**
         * Measures the gradient's variance and SNR per top-level module on the step's batch, before the step, with
         * draws from a stream of the seed and the step (not the model's training stream), and adds them to the epoch's
         * sums. {@link GradientVariance} restores gradients and buffers, so the step that follows is the one a run
         * without the measurement takes.
         */
        private void measureGradientVariance(Batch input, TrainingProgress progress) {
            Rng rng = gradientVarianceStream(options.seed(), step);
            GradientVariance.Measurement m = GradientVariance.measure(model, input, progress, options.gradientVarianceDraws(), rng, ProgressListener.NONE);
            Map<String, Double> columns = new java.util.LinkedHashMap<>();
            for (GradientVariance.GroupStatistics g : m.groups(GradientVariance.Level.MODULE)) {
                columns.put(gradientVarianceColumn(g.name(), "snr"), g.snr());
                columns.put(gradientVarianceColumn(g.name(), "variance"), g.meanVariance());
            }
            sums = sums.addGradientVariance(columns);
        }

        private TrainingDivergedException diverged(String what) {
            return TrainingDivergedException.atStep(what, epoch, options.epochs(), step, batchInEpoch, stepsPerEpoch, lastCheckpoint);
        }

        /** Mean loss over the validation rows, with the schedules finished and the same samples every epoch. */
        private OptionalDouble validate() {
            if (validationBatches == null) return OptionalDouble.empty();
            long seed = options.seed();
            double sum = 0;
            long rows = 0;
            try (GradMode.Guard noGrad = GradMode.disabled()) {
                for (Batches.Minibatch batch : validationBatches.sequential()) {
                    try (Workspace.Scope scope = workspace.open()) {
                        var x = options.binarization().sampleBatch(batch.features(), seed, Binarization.EVALUATION_EPOCH, batch.index());
                        Rng rng = new Rng(seed).fork(VALIDATION_DOMAIN).fork(batch.index());
                        sum += model.loss(input(x, batch), TrainingProgress.EVALUATION, rng).loss().item() * batch.size();
                        rows += batch.size();
                    }
                }
            }
            double mean = sum / rows;
            if (!Double.isFinite(mean)) {
                throw new TrainingDivergedException("training diverged: the validation loss after epoch " + (epoch + 1) + " of " + options.epochs()
                        + " (step " + step + ") is " + mean + ". Last good checkpoint: " + lastCheckpoint, epoch, step);
            }
            return OptionalDouble.of(mean);
        }

        private boolean timeForCheckpoint() {
            double minutes = options.checkpointEveryMinutes();
            return runDirectory != null && minutes > 0 && System.nanoTime() - lastCheckpointNanos >= minutes * 60e9;
        }

        private void checkpoint() {
            Checkpoint c = new Checkpoint(epoch, batchInEpoch, step, sums, bestValidationLoss, bestEpoch, epochsWithoutImprovement,
                    List.copyOf(history), Map.copyOf(optimizer.stateCounters()), options.reproducibilityKey(), options.toJson(), startTime,
                    resumes, model.kind(), Json.toJson(model.config()));
            try {
                c.write(runDirectory, model.namedState(), optimizer.stateTensors(), best);
            } catch (IOException e) {
                throw new UncheckedIOException("Trainer: cannot write the checkpoint at epoch " + (epoch + 1) + ", step " + step + " into "
                        + Checkpoint.directory(runDirectory) + " (the previous one is kept)", e);
            }
            lastCheckpointNanos = System.nanoTime();
            lastCheckpoint = describeCheckpoint();
            listener.onCheckpoint(Checkpoint.directory(runDirectory), epoch, step);
        }

        /** Under early stopping, a copy of the weights and buffers of the best epoch so far. */
        private Map<String, Tensor> best;

        private void keepBest() {
            Map<String, Tensor> copy = new java.util.LinkedHashMap<>();
            model.namedState().forEach((name, t) -> copy.put(name, Tensor.persistentZeros(t.shape()).copyFrom(t)));
            best = copy;
        }

        private String describeCheckpoint() {
            return Checkpoint.directory(runDirectory) + " (epoch " + epoch + (batchInEpoch > 0 ? " + " + batchInEpoch + " batches" : "")
                    + ", step " + step + ")";
        }

        /** What {@link LatentModel#initialise} sees: the training rows, prepared as batches are. */
        private final class Data implements TrainingData {
            @Override
            public int rows() {
                return trainData.size();
            }

            @Override
            public float[] featureMeans() {
                return TrainingData.columnMeans(trainData.features());
            }

            @Override
            public Tensor sample(int maxRows) {
                if (maxRows < 1) throw new IllegalArgumentException("TrainingData.sample: maxRows must be >= 1, got " + maxRows);
                int n = trainData.size();
                int[] rows = java.util.Arrays.copyOf(Permutation.of(n, options.seed(), INITIALISATION_EPOCH), Math.min(n, maxRows));
                Tensor x = trainData.rows(rows, trainData.name()).features();
                // persistent, not pooled: the model may keep what it computes from it
                return options.binarization().sampleBatch(x, options.seed(), INITIALISATION_EPOCH, 0).contiguous();
            }
        }

        private Provenance provenance() {
            return new Provenance(Provenance.currentLibraryVersion(), model.kind(), model.parameterCount(), options.seed(), options.toJson(),
                    trainData.name(), validationData == null ? "" : validationData.name(), startTime, Instant.now().toString(),
                    Runtime.version().toString(), Kernels.describe(), Parallel.threads(), resumes);
        }
    }
}
