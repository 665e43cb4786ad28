package org.latent4j.core.train;

import org.latent4j.core.io.Json;

/**
 * Where a trained model came from: enough to rerun it or to explain a difference.
 *
 * @param libraryVersion the latent4j-core version, or "development" when not running from a released jar
 * @param modelKind      {@code LatentModel.kind()}
 * @param parameterCount the model's scalar parameters
 * @param seed           the run's seed
 * @param options        {@link TrainerOptions#toJson()}
 * @param trainData      name of the training dataset (after any split)
 * @param validationData name of the validation dataset, or empty without validation
 * @param startTime      ISO-8601 instant of the run's first start (kept across resumes)
 * @param endTime        ISO-8601 instant the run ended
 * @param javaVersion    {@code Runtime.version()}
 * @param kernels        the engine's kernels ({@code Kernels.describe()})
 * @param threads        the engine's thread count
 * @param resumes        how many times the run was resumed from a checkpoint
 */
public record Provenance(String libraryVersion, String modelKind, long parameterCount, long seed, Json.Value options, String trainData,
                         String validationData, String startTime, String endTime, String javaVersion, String kernels, int threads,
                         int resumes) {
    static String currentLibraryVersion() {
        return org.latent4j.core.io.ModelStore.libraryVersion();
    }
}
