package org.latent4j.spark;

import org.latent4j.core.data.Binarization;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.OptionValues;
import org.latent4j.core.train.TrainerOptions;

/**
 * Settings of a {@link LatentTrainer}, validated on construction, each refusal naming the setting.
 *
 * @param inputCol             the column of feature vectors (array of float or double, or a Spark ML vector)
 * @param kind                 the model's kind, as registered ({@link ModelKinds}): "vae", "vq-vae", ...
 * @param config               the model's config record, of that kind's config type (e.g. built by
 *                             {@link ModelKind#configure} from option values, as the command line does)
 * @param training             epochs, batch size <em>per replica</em>, seed, optimizer, learning-rate schedule, gradient
 *                             clipping and binarization (NONE or DYNAMIC), exactly as {@link org.latent4j.core.train.Trainer}
 *                             reads them. What a data-parallel run does not do is refused rather than ignored: a
 *                             validation split (evaluate the returned model on held-out data), early stopping, gradient
 *                             variance measurements, STATIC binarization, and checkpoints by minute. Its
 *                             {@code checkpointEveryEpochs} applies to the checkpoints in {@code checkpointPath}
 * @param replicas             model replicas, one per partition of the data; each step's batch has {@code replicas *
 *                             training.batchSize()} rows
 * @param checkpointPath       a directory on any Hadoop-compatible file system (hdfs://, s3a://, file://) for
 *                             checkpoints, or null for none; a fit that finds a checkpoint there resumes from it
 * @param checkpointEverySteps also checkpoint after every this many steps within an epoch; 0 = only at the epoch ends
 *                             that {@code training.checkpointEveryEpochs()} names (and after the last epoch)
 * @param aggregationFanIn     how the replicas' gradients reach the driver: 0 = all of them ({@code collect}, fine for a
 *                             few replicas); k >= 2 = first combined on the executors in fixed groups of k consecutive
 *                             replicas (one shuffle), so that the driver receives replicas / k partial means; k near
 *                             sqrt(replicas) balances the two levels. Both are deterministic (fixed groups, fixed order);
 *                             they differ from each other by float rounding
 */
public record LatentTrainerOptions(String inputCol, String kind, Record config, TrainerOptions training, int replicas, String checkpointPath,
                                   int checkpointEverySteps, int aggregationFanIn) {
    /** Validates every setting. */
    public LatentTrainerOptions {
        if (inputCol == null || inputCol.isBlank()) throw invalid("inputCol", inputCol, "the name of a column of feature vectors");
        if (kind == null || !ModelKinds.contains(kind)) throw invalid("kind", kind, "one of " + ModelKinds.names());
        ModelKind<?> k = ModelKinds.get(kind);
        if (!k.configType().isInstance(config)) {
            throw invalid("config", config == null ? null : config.getClass().getSimpleName(), "a " + k.configType().getSimpleName() + " for kind " + kind);
        }
        if (training == null) throw invalid("training", null, "set (e.g. TrainerOptions.defaults().withValidationFraction(0))");
        if (training.validationFraction() != 0) {
            throw invalid("training.validationFraction", training.validationFraction(), "0 (evaluate the returned model on held-out data instead)");
        }
        if (training.earlyStoppingPatience() != 0) throw invalid("training.earlyStoppingPatience", training.earlyStoppingPatience(), "0 (no validation runs)");
        if (training.gradientVarianceEvery() != 0) throw invalid("training.gradientVarianceEvery", training.gradientVarianceEvery(), "0");
        if (training.binarization() == Binarization.STATIC) throw invalid("training.binarization", training.binarization(), "NONE or DYNAMIC");
        if (training.checkpointEveryMinutes() != 0) {
            throw invalid("training.checkpointEveryMinutes", training.checkpointEveryMinutes(), "0 (use checkpointPath and checkpointEverySteps)");
        }
        if (replicas < 1) throw invalid("replicas", replicas, "at least 1");
        if (checkpointPath != null && checkpointPath.isBlank()) throw invalid("checkpointPath", "\"" + checkpointPath + "\"", "a directory, or null for none");
        if (checkpointEverySteps < 0) throw invalid("checkpointEverySteps", checkpointEverySteps, ">= 0 (0 = at epoch ends only)");
        if (aggregationFanIn < 0 || aggregationFanIn == 1) {
            throw invalid("aggregationFanIn", aggregationFanIn, "0 (every gradient to the driver) or at least 2 (groups combined on the executors)");
        }
        if (checkpointEverySteps > 0 && checkpointPath == null) {
            throw invalid("checkpointEverySteps", checkpointEverySteps, "0 when there is no checkpointPath (set one to checkpoint)");
        }
    }

    /**
     * Options with every replica's gradient sent to the driver ({@code aggregationFanIn} 0).
     *
     * @param inputCol             the column of feature vectors
     * @param kind                 the model's kind
     * @param config               its config
     * @param training             the training settings
     * @param replicas             replicas (= partitions)
     * @param checkpointPath       a checkpoint directory, or null
     * @param checkpointEverySteps steps between checkpoints; 0 = at epoch ends only
     */
    public LatentTrainerOptions(String inputCol, String kind, Record config, TrainerOptions training, int replicas, String checkpointPath,
                                int checkpointEverySteps) {
        this(inputCol, kind, config, training, replicas, checkpointPath, checkpointEverySteps, 0);
    }

    private static IllegalArgumentException invalid(String name, Object value, String expected) {
        return new IllegalArgumentException("LatentTrainerOptions: " + name + " must be " + expected + ", got " + value);
    }

    /**
     * Two replicas, the {@link TrainerOptions#defaults() trainer's defaults} without a validation split, no checkpoints.
     *
     * @param inputCol the column of feature vectors
     * @param kind     the model's kind
     * @param config   its config
     * @return the options
     */
    public static LatentTrainerOptions of(String inputCol, String kind, Record config) {
        return new LatentTrainerOptions(inputCol, kind, config, TrainerOptions.defaults().withValidationFraction(0), 2, null, 0);
    }

    /**
     * Two replicas, the trainer's defaults without a validation split, no checkpoints, and the model configured from
     * option values as the command line gives them ({@code hidden} = "512,256", {@code latent} = "16", ...; the kind's
     * documented default for each one not given), for data of this shape.
     *
     * @param inputCol     the column of feature vectors
     * @param kind         the model's kind
     * @param modelOptions option values by name, without the leading dashes
     * @param data         the data's width (and image shape, if any)
     * @return the options
     * @throws IllegalArgumentException naming an unknown kind, an option the kind does not take, or a bad value
     */
    public static LatentTrainerOptions configure(String inputCol, String kind, java.util.Map<String, String> modelOptions, DataShape data) {
        if (kind == null || !ModelKinds.contains(kind)) throw invalid("kind", kind, "one of " + ModelKinds.names());
        java.util.Set<String> takes = new java.util.LinkedHashSet<>();
        for (org.latent4j.core.model.ModelOption o : ModelKinds.get(kind).options()) takes.add(o.name());
        for (String name : modelOptions.keySet()) {
            // refused, not ignored, as the command line does: a misspelt option would otherwise train the default silently
            if (!takes.contains(name)) throw invalid("modelOptions", name, "an option model " + kind + " takes: " + String.join(", ", takes));
        }
        Record config = ModelKinds.get(kind).configure(new OptionValues("LatentTrainerOptions (model " + kind + ")", modelOptions), data);
        return of(inputCol, kind, config);
    }

    /**
     * {@return these options with other training settings}
     *
     * @param value epochs, batch size per replica, seed, optimizer, schedule, clipping, binarization
     */
    public LatentTrainerOptions withTraining(TrainerOptions value) {
        return new LatentTrainerOptions(inputCol, kind, config, value, replicas, checkpointPath, checkpointEverySteps, aggregationFanIn);
    }

    /**
     * {@return these options with another number of replicas}
     *
     * @param value replicas (= partitions)
     */
    public LatentTrainerOptions withReplicas(int value) {
        return new LatentTrainerOptions(inputCol, kind, config, training, value, checkpointPath, checkpointEverySteps, aggregationFanIn);
    }

    /**
     * {@return these options with checkpoints}
     *
     * @param path       a directory on a Hadoop-compatible file system, or null for none
     * @param everySteps steps between checkpoints; 0 = at the end of every epoch only
     */
    public LatentTrainerOptions withCheckpoints(String path, int everySteps) {
        return new LatentTrainerOptions(inputCol, kind, config, training, replicas, path, everySteps, aggregationFanIn);
    }

    /**
     * {@return these options with another aggregation}
     *
     * @param fanIn 0 = every gradient to the driver; k >= 2 = combined in groups of k replicas on the executors first
     */
    public LatentTrainerOptions withAggregationFanIn(int fanIn) {
        return new LatentTrainerOptions(inputCol, kind, config, training, replicas, checkpointPath, checkpointEverySteps, fanIn);
    }

    /** The settings a resumed run must share with the one that wrote the checkpoint: what decides its batches and draws. */
    String reproducibilityKey() {
        return "seed=" + training.seed() + ", batchSize=" + training.batchSize() + ", replicas=" + replicas + ", binarization=" + training.binarization()
                + ", aggregationFanIn=" + aggregationFanIn;
    }
}
