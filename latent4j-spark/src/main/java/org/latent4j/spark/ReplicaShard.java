package org.latent4j.spark;

import java.io.Serializable;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.model.Batch;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * One replica's rows, packed once into a dense row-major block and cached: a contiguous range of the data's rows in their
 * original order (rows firstRow .. firstRow + rows - 1), so that the shards, and every batch drawn from them, depend only
 * on the data and the number of replicas, not on how Spark scheduled the shuffle that built them.
 *
 * @param partition the replica's index
 * @param firstRow  the index in the data of its first row
 * @param rows      its rows
 * @param dim       features per row
 * @param features  the rows, row-major [rows, dim]
 */
record ReplicaShard(int partition, long firstRow, int rows, int dim, float[] features) implements Serializable {
    /** Streams under the seed for the shards' epoch orders and for the initialisation sample. */
    private static final long ORDER_DOMAIN = 0x5348415244L;
    private static final long SAMPLE_DOMAIN = 0x53414D504CL;

    /**
     * The order in which this shard visits its rows in an epoch: a permutation drawn from (seed, epoch, partition) only.
     *
     * @param seed  the run's seed
     * @param epoch the epoch
     * @return the order
     */
    int[] order(long seed, int epoch) {
        return new Rng(seed).fork(ORDER_DOMAIN).fork(epoch).fork(partition).permutation(rows);
    }

    /**
     * The rows of batch {@code batch} of an epoch: positions batch * size .. of the epoch's order (fewer, or none, at the end).
     *
     * @param seed      the run's seed
     * @param epoch     the epoch
     * @param batch     the batch's index in the epoch
     * @param batchSize rows per replica and step
     * @return the row indices within the shard
     */
    int[] batchRows(long seed, int epoch, int batch, int batchSize) {
        int from = Math.min(rows, batch * batchSize), to = Math.min(rows, from + batchSize);
        int[] order = order(seed, epoch);
        return java.util.Arrays.copyOfRange(order, from, to);
    }

    /**
     * The given rows as a tensor [n, dim].
     *
     * @param rowIndices rows of this shard
     * @return a new tensor of those rows
     */
    Tensor gather(int[] rowIndices) {
        float[] x = new float[rowIndices.length * dim];
        for (int i = 0; i < rowIndices.length; i++) System.arraycopy(features, rowIndices[i] * dim, x, i * dim, dim);
        return Tensor.of(x, rowIndices.length, dim);
    }

    /**
     * The model's input for batch {@code batch} of an epoch: the rows, binarized as the run binarizes (dynamic binarization
     * draws from (seed, epoch, batch * replicas + partition), a stream of its own for every replica's batch).
     *
     * @param seed         the run's seed
     * @param epoch        the epoch
     * @param batch        the batch's index in the epoch
     * @param batchSize    rows per replica and step
     * @param replicas     the number of replicas
     * @param binarization how the run binarizes
     * @return the batch, or null when this shard has no rows left in the epoch
     */
    Batch batch(long seed, int epoch, int batch, int batchSize, int replicas, Binarization binarization) {
        int[] pick = batchRows(seed, epoch, batch, batchSize);
        if (pick.length == 0) return null;
        return Batch.of(binarization.sampleBatch(gather(pick), seed, epoch, (long) batch * replicas + partition));
    }

    /**
     * Up to {@code count} rows of this shard drawn by the seed, for a data-dependent initialisation on the driver.
     *
     * @param seed  the run's seed
     * @param count the most rows wanted
     * @return the rows, row-major
     */
    float[] sample(long seed, int count) {
        int[] order = new Rng(seed).fork(SAMPLE_DOMAIN).fork(partition).permutation(rows);
        int n = Math.min(count, rows);
        float[] out = new float[n * dim];
        for (int i = 0; i < n; i++) System.arraycopy(features, order[i] * dim, out, i * dim, dim);
        return out;
    }

    /** {@return the sum of each feature over the shard's rows, in double} */
    double[] columnSums() {
        double[] sum = new double[dim];
        for (int i = 0; i < rows; i++) for (int j = 0; j < dim; j++) sum[j] += features[i * dim + j];
        return sum;
    }
}
