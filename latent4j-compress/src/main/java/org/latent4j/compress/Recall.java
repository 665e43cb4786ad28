package org.latent4j.compress;

/**
 * Recall of approximate neighbours against true ones, in the two senses that papers and libraries mix up (see
 * the design notes, "Vector compression, measured honestly"):
 * <ul>
 * <li><b>k-NN recall@k</b>: |found top k ∩ true top k| / k, averaged over the queries;</li>
 * <li><b>1-recall@R</b>: the fraction of queries whose true nearest neighbour is among the first R found (what
 *     FAISS's documentation mostly quotes).</li>
 * </ul>
 * Found ids of -1 (fewer candidates than asked) never count.
 */
public final class Recall {
    private Recall() {}

    /**
     * k-NN recall@k: the mean over queries of |found[:k] ∩ truth[:k]| / k.
     *
     * @param found what a search found
     * @param truth the exact neighbours
     * @param k     how many of each to compare
     * @return the recall, in [0, 1]
     */
    public static double knnRecallAt(Neighbours found, Neighbours truth, int k) {
        check(found, truth);
        if (k < 1 || k > found.k() || k > truth.k()) {
            throw new IllegalArgumentException("k-NN recall@" + k + " needs k between 1 and the neighbours held (found " + found.k() + ", true " + truth.k() + ")");
        }
        long hits = 0;
        for (int q = 0; q < found.queries(); q++) {
            for (int t = 0; t < k; t++) {
                int id = truth.id(q, t);
                if (id < 0) continue;
                for (int f = 0; f < k; f++) {
                    if (found.id(q, f) == id) {
                        hits++;
                        break;
                    }
                }
            }
        }
        return (double) hits / ((double) found.queries() * k);
    }

    /**
     * 1-recall@R: the fraction of queries whose true nearest neighbour is among the first R found.
     *
     * @param found what a search found
     * @param truth the exact neighbours
     * @param r     how many found neighbours to look through
     * @return the recall, in [0, 1]
     */
    public static double oneRecallAt(Neighbours found, Neighbours truth, int r) {
        check(found, truth);
        if (r < 1 || r > found.k()) throw new IllegalArgumentException("1-recall@" + r + " needs R between 1 and the " + found.k() + " neighbours found");
        long hits = 0;
        for (int q = 0; q < found.queries(); q++) {
            int nearest = truth.id(q, 0);
            if (nearest < 0) continue;
            for (int f = 0; f < r; f++) {
                if (found.id(q, f) == nearest) {
                    hits++;
                    break;
                }
            }
        }
        return (double) hits / found.queries();
    }

    /**
     * True neighbours read from a file (an .ivecs ground truth): ids only, scores NaN.
     *
     * @param queries the number of queries
     * @param k       neighbours per query
     * @param ids     their ids, query-major
     * @return the neighbours
     */
    public static Neighbours ids(int queries, int k, int[] ids) {
        float[] scores = new float[ids.length];
        java.util.Arrays.fill(scores, Float.NaN);
        return new Neighbours(queries, k, ids, scores);
    }

    private static void check(Neighbours found, Neighbours truth) {
        if (found.queries() != truth.queries()) {
            throw new IllegalArgumentException("recall: " + found.queries() + " queries searched but the ground truth has " + truth.queries());
        }
        if (found.queries() == 0) throw new IllegalArgumentException("recall: no queries");
    }
}
