package org.latent4j.core.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.latent4j.core.io.AtomicFiles;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.Safetensors;
import org.latent4j.core.io.WeightLayout;
import org.latent4j.core.nn.Module;
import org.latent4j.tensor.Tensor;

/**
 * A resumable training state in a run directory: the subdirectory {@value #DIRECTORY} holds the model weights
 * ({@value #MODEL_FILE}), the optimizer's tensors ({@value #OPTIMIZER_FILE}) and everything else
 * ({@value #STATE_FILE}). The whole directory is replaced in one atomic step ({@link AtomicFiles#writeDirectory}),
 * so weights, optimizer state and counters always belong to the same step, and a failed write leaves the
 * previous checkpoint as it was.
 *
 * <p>No generator position is stored because there is none to store: every random stream of a run (split,
 * shuffle, binarization, the model's sampling) is derived from the seed and the epoch, batch or step it serves.
 *
 * @param epoch          the 0-based epoch to continue in
 * @param batchInEpoch   batches of that epoch already done (0 at an epoch boundary; equal to the batch count when
 *                       only the epoch's validation is left)
 * @param step           optimizer steps done
 * @param partial        running sums of the epoch in progress
 * @param bestValidationLoss lowest validation loss so far, or empty
 * @param bestEpoch      its epoch (from 1), or 0
 * @param epochsWithoutImprovement epochs since the best one (early stopping)
 * @param history        completed epochs
 * @param optimizerCounters {@code Optimizer.stateCounters()}
 * @param reproducibilityKey the settings a resume must share (seed, batch size, split, binarization)
 * @param options        the run's options (provenance)
 * @param startTime      ISO-8601 instant of the run's first start
 * @param resumes        resumes so far
 * @param modelKind      the model's kind (null in checkpoints written before it was recorded)
 * @param modelConfig    the model's config as JSON (null likewise): a resume rebuilds exactly this model
 */
record Checkpoint(@Json.Required int epoch, @Json.Required int batchInEpoch, @Json.Required long step, @Json.Required EpochSums partial,
                  OptionalDouble bestValidationLoss, @Json.Required int bestEpoch, @Json.Required int epochsWithoutImprovement,
                  @Json.Required List<EpochRecord> history, @Json.Required Map<String, Long> optimizerCounters,
                  @Json.Required String reproducibilityKey, @Json.Required Json.Value options, @Json.Required String startTime,
                  @Json.Required int resumes, String modelKind, Json.Value modelConfig) {
    static final String DIRECTORY = "checkpoint";
    static final String MODEL_FILE = "model.safetensors";
    static final String OPTIMIZER_FILE = "optimizer.safetensors";
    static final String STATE_FILE = "state.json";
    /** The weights and buffers of the best epoch by validation loss, kept under early stopping. */
    static final String BEST_FILE = "best.safetensors";

    /** Checkpoints written before the model's kind and config were recorded read them as null. */
    static Checkpoint defaults() {
        return new Checkpoint(0, 0, 0, EpochSums.EMPTY, OptionalDouble.empty(), 0, 0, List.of(), Map.of(), "", Json.NULL, "", 0, null, null);
    }
    /** The safetensors metadata key of the tensors' layout version ({@link WeightLayout}). */
    static final String VERSION_KEY = "formatVersion";

    /**
     * Running sums of an epoch in progress, each term weighted by its batch's rows; {@code metrics} are the model's.
     * {@code gradientVariance} sums the gradient-variance statistics of the epoch's measurements by their history column,
     * {@code gradientVarianceCounts} counts the measurements that gave each a value (an SNR without noise has none):
     * they are averaged per measurement, not per row.
     */
    record EpochSums(@Json.Required double loss, @Json.Required double reconstruction, @Json.Required double regularization,
                     @Json.Required long rows, @Json.Required double learningRate, @Json.Required double seconds, Map<String, Double> metrics,
                     Map<String, Double> gradientVariance, Map<String, Long> gradientVarianceCounts) {
        static final EpochSums EMPTY = new EpochSums(0, 0, 0, 0, 0, 0, Map.of(), Map.of(), Map.of());

        EpochSums {
            metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
            gradientVariance = gradientVariance == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(gradientVariance));
            gradientVarianceCounts = gradientVarianceCounts == null ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(gradientVarianceCounts));
        }

        /** Checkpoints written before metrics (or gradient variances) were recorded read with none. */
        static EpochSums defaults() {
            return EMPTY;
        }

        EpochSums add(double batchLoss, double batchReconstruction, double batchRegularization, Map<String, Double> batchMetrics, int batchRows,
                      double rate) {
            Map<String, Double> m = new java.util.LinkedHashMap<>(metrics);
            batchMetrics.forEach((name, v) -> m.merge(name, v * batchRows, Double::sum));
            return new EpochSums(loss + batchLoss * batchRows, reconstruction + batchReconstruction * batchRows,
                    regularization + batchRegularization * batchRows, rows + batchRows, rate, seconds, m, gradientVariance, gradientVarianceCounts);
        }

        /** These sums with one more gradient-variance measurement, its statistics by history column (values that are not finite left out). */
        EpochSums addGradientVariance(Map<String, Double> measured) {
            Map<String, Double> m = new java.util.LinkedHashMap<>(gradientVariance);
            Map<String, Long> c = new java.util.LinkedHashMap<>(gradientVarianceCounts);
            measured.forEach((name, v) -> {
                if (!Double.isFinite(v)) return;
                m.merge(name, v, Double::sum);
                c.merge(name, 1L, Long::sum);
            });
            return new EpochSums(loss, reconstruction, regularization, rows, learningRate, seconds, metrics, m, c);
        }

        EpochSums withSeconds(double value) {
            return new EpochSums(loss, reconstruction, regularization, rows, learningRate, value, metrics, gradientVariance, gradientVarianceCounts);
        }

        /** The means per row of the model's metrics, then the means per measurement of the gradient variances. */
        Map<String, Double> metricMeans() {
            Map<String, Double> out = new java.util.LinkedHashMap<>();
            metrics.forEach((name, sum) -> out.put(name, sum / rows));
            gradientVariance.forEach((name, sum) -> out.put(name, sum / gradientVarianceCounts.get(name)));
            return out;
        }
    }

    static Path directory(Path runDirectory) {
        return runDirectory.resolve(DIRECTORY);
    }

    /** Writes this state with the given weights and optimizer tensors, replacing the previous checkpoint atomically. */
    void write(Path runDirectory, Map<String, Tensor> weights, Map<String, Tensor> optimizerTensors, Map<String, Tensor> best) throws IOException {
        AtomicFiles.writeDirectory(directory(runDirectory), true, dir -> {
            if (best != null) {
                Safetensors.write(dir.resolve(BEST_FILE), best, Map.of("format", "latent4j-checkpoint", VERSION_KEY, Integer.toString(WeightLayout.CURRENT)));
            }
            Safetensors.write(dir.resolve(MODEL_FILE), weights, Map.of("format", "latent4j-checkpoint", VERSION_KEY,
                    Integer.toString(WeightLayout.CURRENT)));
            Safetensors.write(dir.resolve(OPTIMIZER_FILE), optimizerTensors, null);
            Json.writeFile(dir.resolve(STATE_FILE), Json.toJson(this));
        });
    }

    /**
     * Whether the run directory holds a checkpoint, after putting back one that a process killed in the middle of
     * replacing it left under a hidden name ({@link AtomicFiles#recoverDirectory}).
     */
    static boolean exists(Path runDirectory) {
        try {
            AtomicFiles.recoverDirectory(directory(runDirectory));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot recover the checkpoint in " + runDirectory, e);
        }
        return Files.isRegularFile(directory(runDirectory).resolve(STATE_FILE));
    }

    static Checkpoint readState(Path runDirectory) throws IOException {
        return Json.readFile(directory(runDirectory).resolve(STATE_FILE), Checkpoint.class);
    }

    /** The checkpoint's weights, in today's layout whatever version wrote them. */
    static Map<String, Tensor> readWeights(Path runDirectory, Module model) throws IOException {
        return WeightLayout.upgrade(model, Safetensors.read(directory(runDirectory).resolve(MODEL_FILE)), version(runDirectory));
    }

    /** The best epoch's weights and buffers, in today's layout, or null when the checkpoint keeps none. */
    static Map<String, Tensor> readBest(Path runDirectory, Module model) throws IOException {
        Path file = directory(runDirectory).resolve(BEST_FILE);
        if (!Files.isRegularFile(file)) return null;
        return WeightLayout.upgrade(model, Safetensors.read(file), version(runDirectory));
    }

    /** The optimizer's state, in today's layout whatever version wrote it. */
    static Map<String, Tensor> readOptimizer(Path runDirectory, Module model) throws IOException {
        return WeightLayout.upgradeOptimizerState(model, Safetensors.read(directory(runDirectory).resolve(OPTIMIZER_FILE)), version(runDirectory));
    }

    /** The layout version of the checkpoint's tensors (those written before versions were recorded are 1). */
    private static int version(Path runDirectory) throws IOException {
        Path file = directory(runDirectory).resolve(MODEL_FILE);
        String v;
        try (Safetensors.Reader r = Safetensors.open(file)) {
            v = r.metadata().get(VERSION_KEY);
        }
        if (v == null) return 1;
        try {
            int version = Integer.parseInt(v);
            if (version >= 1 && version <= WeightLayout.CURRENT) return version;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException(file + ": format version " + v + " is not one this Latent4j reads (1 to " + WeightLayout.CURRENT + ")");
    }
}
