package org.latent4j.spark;

import org.apache.spark.Partitioner;

/** Sends row i of n to partition floor(i * partitions / n): contiguous blocks of rows of sizes differing by at most one. */
final class BlockPartitioner extends Partitioner {
    private final int partitions;
    private final long rows;

    BlockPartitioner(int partitions, long rows) {
        this.partitions = partitions;
        this.rows = rows;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        long i = (Long) key;
        // i * partitions fits in a long for fewer than 2^63 / partitions rows: 2^43 rows with a million partitions
        return (int) (Math.multiplyExact(i, partitions) / rows);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockPartitioner b && b.partitions == partitions && b.rows == rows;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(rows) * 31 + partitions;
    }
}
