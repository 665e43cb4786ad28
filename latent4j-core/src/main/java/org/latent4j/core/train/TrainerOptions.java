package org.latent4j.core.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.optim.LearningRateSchedule;

/**
 * Settings of a {@link Trainer} run, validated on construction; {@link #defaults()} documents the defaults.
 *
 * @param epochs                 passes over the training data (at least 1)
 * @param batchSize              rows per optimizer step (the last batch of an epoch may be smaller)
 * @param seed                   the one seed of the run: split, shuffles, binarization and the model's sampling
 * @param optimizer              the optimizer and its settings (default Adam with PyTorch's defaults); the schedule
 *                               sets the learning rate of every step
 * @param schedule               the learning rate of each step (default: constant 1e-3)
 * @param validationFraction     rows of the training data held out for validation when no validation set is
 *                               given, in [0, 1); 0 = no validation. Validation runs after every epoch.
 * @param earlyStoppingPatience  stop after this many epochs in a row without a lower validation loss; 0 = off
 * @param checkpointEveryEpochs  checkpoint after every this many epochs (the last epoch always); 0 = not by epochs
 * @param checkpointEveryMinutes also checkpoint, after any step, once this many minutes passed since the last
 *                               checkpoint; 0 = not by time
 * @param gradientClipNorm       clip the global gradient norm to this value; 0 = no clipping
 * @param binarization           how intensities become binary data (NONE for real-valued data)
 * @param gradientVarianceEvery  every this many steps, before the step, measure the gradient's variance and SNR per
 *                               top-level module on the step's batch ({@link org.latent4j.core.eval.GradientVariance}),
 *                               averaged over each epoch's measurements into the history; 0 = never (the default).
 *                               Measuring does not change training: the weights are the same bits with or without it
 * @param gradientVarianceDraws  gradients drawn per measurement (at least 2; default {@value #DEFAULT_GRADIENT_VARIANCE_DRAWS})
 */
public record TrainerOptions(int epochs, int batchSize, long seed, OptimizerSettings optimizer, LearningRateSchedule schedule,
                             double validationFraction, int earlyStoppingPatience, int checkpointEveryEpochs,
                             double checkpointEveryMinutes, double gradientClipNorm, Binarization binarization,
                             int gradientVarianceEvery, int gradientVarianceDraws) {
    /** Gradients drawn per measurement of the gradient's variance during training, unless set. */
    public static final int DEFAULT_GRADIENT_VARIANCE_DRAWS = 10;

    /** Validates every setting with one line naming the one that is wrong. */
    public TrainerOptions {
        if (epochs < 1) throw invalid("epochs", epochs, "at least 1");
        if (batchSize < 1) throw invalid("batchSize", batchSize, "at least 1");
        if (optimizer == null) throw invalid("optimizer", null, "set (e.g. OptimizerSettings.adam())");
        if (schedule == null) throw invalid("schedule", null, "set (e.g. LearningRateSchedule.constant(1e-3))");
        if (!(validationFraction >= 0 && validationFraction < 1)) throw invalid("validationFraction", validationFraction, "in [0, 1)");
        if (earlyStoppingPatience < 0) throw invalid("earlyStoppingPatience", earlyStoppingPatience, ">= 0 (0 = off)");
        if (checkpointEveryEpochs < 0) throw invalid("checkpointEveryEpochs", checkpointEveryEpochs, ">= 0 (0 = not by epochs)");
        if (!(checkpointEveryMinutes >= 0 && Double.isFinite(checkpointEveryMinutes))) {
            throw invalid("checkpointEveryMinutes", checkpointEveryMinutes, "finite and >= 0 (0 = not by time)");
        }
        if (!(gradientClipNorm >= 0 && Double.isFinite(gradientClipNorm))) throw invalid("gradientClipNorm", gradientClipNorm, "finite and >= 0 (0 = off)");
        if (binarization == null) throw invalid("binarization", null, "set (NONE, DYNAMIC or STATIC)");
        if (gradientVarianceEvery < 0) throw invalid("gradientVarianceEvery", gradientVarianceEvery, ">= 0 (0 = off)");
        if (gradientVarianceDraws < 2) throw invalid("gradientVarianceDraws", gradientVarianceDraws, "at least 2 (a variance needs two draws)");
    }

    private static IllegalArgumentException invalid(String name, Object value, String expected) {
        return new IllegalArgumentException("TrainerOptions: " + name + " must be " + expected + ", got " + value);
    }

    /**
     * 10 epochs of batches of 100, seed 0, Adam with PyTorch's defaults (lr 1e-3, eps 1e-8) at a constant rate,
     * 10% held out for validation, no early stopping, a checkpoint after every epoch, no clipping, no
     * binarization.
     *
     * @return the default options
     */
    public static TrainerOptions defaults() {
        return new TrainerOptions(10, 100, 0L, OptimizerSettings.adam(), LearningRateSchedule.constant(1e-3), 0.1, 0, 1, 0, 0,
                Binarization.NONE, 0, DEFAULT_GRADIENT_VARIANCE_DRAWS);
    }

    /**
     * The protocol of Burda, Grosse and Salakhutdinov (2016): batches of 20, Adam with eps 1e-4, their
     * 3280-epoch staged schedule, dynamic binarization, no validation split (they train on all 60,000 rows).
     *
     * @return the paper's options
     */
    public static TrainerOptions iwaePaper() {
        LearningRateSchedule.Staged schedule = LearningRateSchedule.iwae();
        return new TrainerOptions(schedule.totalEpochs(), 20, 0L, OptimizerSettings.adam().withEps(1e-4), schedule, 0, 0, 1, 0, 0,
                Binarization.DYNAMIC, 0, DEFAULT_GRADIENT_VARIANCE_DRAWS);
    }

    /**
     * {@return these options with another {@code epochs}}
     *
     * @param value passes over the training data (at least 1)
     */
    public TrainerOptions withEpochs(int value) {
        return new TrainerOptions(value, batchSize, seed, optimizer, schedule, validationFraction, earlyStoppingPatience, checkpointEveryEpochs,
                checkpointEveryMinutes, gradientClipNorm, binarization, gradientVarianceEvery, gradientVarianceDraws);
    }

    /**
     * {@return these options with another {@code batchSize}}
     *
     * @param value rows per optimizer step
     */
    public TrainerOptions withBatchSize(int value) {
        return new TrainerOptions(epochs, value, seed, optimizer, schedule, validationFraction, earlyStoppingPatience, checkpointEveryEpochs,
                checkpointEveryMinutes, gradientClipNorm, binarization, gradientVarianceEvery, gradientVarianceDraws);
    }

    /**
     * {@return these options with another {@code seed}}
     *
     * @param value the one seed of the run
     */
    public TrainerOptions withSeed(long value) {
        return new TrainerOptions(epochs, batchSize, value, optimizer, schedule, validationFraction, earlyStoppingPatience, checkpointEveryEpochs,
                checkpointEveryMinutes, gradientClipNorm, binarization, gradientVarianceEvery, gradientVarianceDraws);
    }

    /**
     * {@return these options with another {@code optimizer}}
     *
     * @param value the optimizer and its settings
     */
    public TrainerOptions withOptimizer(OptimizerSettings value) {
        return new TrainerOptions(epochs, batchSize, seed, value, schedule, validationFraction, earlyStoppingPatience, checkpointEveryEpochs,
                checkpointEveryMinutes, gradientClipNorm, binarization, gradientVarianceEvery, gradientVarianceDraws);
    }

    /**
     * {@return these options with another {@code schedule}}
     *
     * @param value the learning rate of each step
     */
    public TrainerOptions withSchedule(LearningRateSchedule value) {
        return new TrainerOptions(epochs, batchSize, seed, optimizer, value, validationFraction, earlyStoppingPatience, checkpointEveryEpochs,
                checkpointEveryMinutes, gradientClipNorm, binarization, gradientVarianceEvery, gradientVarianceDraws);
    }

    /**
     * {@return these options with a constant schedule at {@code rate}}
     *
     * @param rate the learning rate of every step
     */
    public TrainerOptions withLearningRate(double rate) {
        return withSchedule(LearningRateSchedule.constant(rate));
    }

    /**
     * {@return these options with another {@code validationFraction}}
     *
     * @param value the share of the training rows held out for validation, in [0, 1)
     */
    public TrainerOptions withValidationFraction(double value) {
        return new TrainerOptions(epochs, batchSize, seed, optimizer, schedule, value, earlyStoppingPatience, checkpointEveryEpochs,
                checkpointEveryMinutes, gradientClipNorm, binarization, gradientVarianceEvery, gradientVarianceDraws);
    }

    /**
     * {@return these options with another {@code earlyStoppingPatience}}
     *
     * @param value epochs without a lower validation loss before stopping; 0 = off
     */
    public TrainerOptions withEarlyStoppingPatience(int value) {
        return new TrainerOptions(epochs, batchSize, seed, optimizer, schedule, validationFraction, value, checkpointEveryEpochs,
                checkpointEveryMinutes, gradientClipNorm, binarization, gradientVarianceEvery, gradientVarianceDraws);
    }

    /**
     * {@return these options with another {@code checkpointEveryEpochs}}
     *
     * @param value epochs between checkpoints; 0 = not by epochs
     */
    public TrainerOptions withCheckpointEveryEpochs(int value) {
        return new TrainerOptions(epochs, batchSize, seed, optimizer, schedule, validationFraction, earlyStoppingPatience, value,
                checkpointEveryMinutes, gradientClipNorm, binarization, gradientVarianceEvery, gradientVarianceDraws);
    }

    /**
     * {@return these options with another {@code checkpointEveryMinutes}}
     *
     * @param value minutes between checkpoints; 0 = not by time
     */
    public TrainerOptions withCheckpointEveryMinutes(double value) {
        return new TrainerOptions(epochs, batchSize, seed, optimizer, schedule, validationFraction, earlyStoppingPatience, checkpointEveryEpochs,
                value, gradientClipNorm, binarization, gradientVarianceEvery, gradientVarianceDraws);
    }

    /**
     * {@return these options with another {@code gradientClipNorm}}
     *
     * @param value the largest global gradient norm; 0 = no clipping
     */
    public TrainerOptions withGradientClipNorm(double value) {
        return new TrainerOptions(epochs, batchSize, seed, optimizer, schedule, validationFraction, earlyStoppingPatience, checkpointEveryEpochs,
                checkpointEveryMinutes, value, binarization, gradientVarianceEvery, gradientVarianceDraws);
    }

    /**
     * {@return these options with another {@code binarization}}
     *
     * @param value how intensities become binary data
     */
    public TrainerOptions withBinarization(Binarization value) {
        return new TrainerOptions(epochs, batchSize, seed, optimizer, schedule, validationFraction, earlyStoppingPatience, checkpointEveryEpochs,
                checkpointEveryMinutes, gradientClipNorm, value, gradientVarianceEvery, gradientVarianceDraws);
    }

    /**
     * {@return these options measuring the gradient's variance every {@code every} steps with {@code draws} gradients each}
     *
     * @param every steps between measurements; 0 = never
     * @param draws gradients drawn per measurement (at least 2)
     */
    public TrainerOptions withGradientVariance(int every, int draws) {
        return new TrainerOptions(epochs, batchSize, seed, optimizer, schedule, validationFraction, earlyStoppingPatience, checkpointEveryEpochs,
                checkpointEveryMinutes, gradientClipNorm, binarization, every, draws);
    }

    /**
     * The JSON form, for provenance and checkpoints. The schedule is written as {@code {"type": NAME, ...its
     * fields}} when it is one of the library's record schedules, and as its {@code toString()} under type
     * "custom" otherwise. (Written only: a resumed run is given its options again, see {@link Trainer#resume}.)
     *
     * @return the options as JSON
     */
    public Json.Value toJson() {
        Map<String, Json.Value> members = new LinkedHashMap<>(((Json.Obj) Json.toJson(withSchedule(LearningRateSchedule.constant(0)))).members());
        members.put("schedule", scheduleJson(schedule));
        return new Json.Obj(members);
    }

    private static Json.Value scheduleJson(LearningRateSchedule schedule) {
        Map<String, Json.Value> out = new LinkedHashMap<>();
        if (schedule instanceof Record r && schedule.getClass().getEnclosingClass() == LearningRateSchedule.class) {
            out.put("type", new Json.Str(schedule.getClass().getSimpleName()));
            out.putAll(((Json.Obj) Json.toJson(r)).members());
        } else {
            out.put("type", new Json.Str("custom"));
            out.put("description", new Json.Str(String.valueOf(schedule)));
        }
        return new Json.Obj(out);
    }

    /**
     * The settings that decide which samples, orders and splits a run uses; a run can only be resumed with
     * the same ones.
     */
    String reproducibilityKey() {
        return "seed=" + seed + ", batchSize=" + batchSize + ", validationFraction=" + validationFraction + ", binarization=" + binarization;
    }
}
