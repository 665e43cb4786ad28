package org.latent4j.compress;

/**
 * The result of a k-nearest-neighbour search: for query i, {@code ids[i * k + j]} is its j-th nearest (nearest
 * first) and {@code scores[i * k + j]} that one's score (see {@link Metric}). When fewer than k candidates exist,
 * the remaining ids are -1 with score +Inf.
 *
 * @param queries the number of queries
 * @param k       neighbours per query
 * @param ids     the neighbours' ids, query-major
 * @param scores  their scores, query-major
 */
public record Neighbours(int queries, int k, int[] ids, float[] scores) {
    /** Requires {@code queries * k} ids and as many scores. */
    public Neighbours {
        if (ids.length != (long) queries * k || scores.length != ids.length) {
            throw new IllegalArgumentException("ids and scores must hold queries * k = " + (long) queries * k + " entries");
        }
    }

    /**
     * {@return the id of a query's neighbour of a given rank, -1 when there is none}
     *
     * @param query the query
     * @param rank  0 for the nearest
     */
    public int id(int query, int rank) {
        return ids[query * k + rank];
    }

    /**
     * {@return the score of a query's neighbour of a given rank, +Inf when there is none}
     *
     * @param query the query
     * @param rank  0 for the nearest
     */
    public float score(int query, int rank) {
        return scores[query * k + rank];
    }
}
