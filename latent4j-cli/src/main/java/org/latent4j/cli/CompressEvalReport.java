package org.latent4j.cli;

import java.util.List;

/**
 * What {@code latent4j compress eval} measured, as written to {@code eval.json}.
 *
 * @param base               the base vectors searched (name, as the command printed it)
 * @param queries            the query vectors
 * @param groundTruth        where the true neighbours came from: "exact" (computed) or the file given
 * @param groundTruthSeconds seconds the exact search took (0 when read from a file)
 * @param threads            the engine's threads during the measurements
 * @param results            one entry per spec, in the order given
 */
public record CompressEvalReport(String base, int baseRows, String queries, int queryRows, int dimension, String metric, int k,
                                 String groundTruth, double groundTruthSeconds, int threads, List<SpecResult> results) {
    /**
     * One spec's figures.
     *
     * @param knnRecall              k-NN recall@k: |found top k ∩ true top k| / k, averaged over queries
     * @param oneRecallAt1           1-recall@1: the share of queries whose found first is the true nearest
     * @param oneRecallAtK           1-recall@k: the share whose true nearest is among the first k found
     * @param reconstructionMse      mean over every value of the base of (x - decode(encode(x)))^2
     * @param encodeVectorsPerSecond base vectors encoded a second
     * @param searchQueriesPerSecond queries a second, each searched over the whole base
     */
    public record SpecResult(String spec, String token, int bytesPerVector, double knnRecall, double oneRecallAt1, double oneRecallAtK,
                             double reconstructionMse, double fitSeconds, double encodeVectorsPerSecond, double searchQueriesPerSecond) {}
}
