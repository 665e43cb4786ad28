package org.latent4j.compress;

/**
 * The result of a k-nearest-neighbour search: for query i, {@code ids[i * k + j]} is its j-th nearest (nearest
 * first) and {@code scores[i * k + j]} that one's score (see {@link Metric}). When fewer than k candidates exist,
 * the remaining ids are -1 with score +Inf.
 */
public record Neighbours(int queries, int k, int[] ids, float[] scores) {
    public Neighbours {
        if (ids.length != (long) queries * k || scores.length != ids.length) {
            throw new IllegalArgumentException("ids and scores must hold queries * k = " + (long) queries * k + " entries");
        }
    }

    /** The id of query i's j-th neighbour. */
    public int id(int query, int rank) {
        return ids[query * k + rank];
    }

    /** The score of query i's j-th neighbour. */
    public float score(int query, int rank) {
        return scores[query * k + rank];
    }
}
