package org.latent4j.compress.search;

import org.latent4j.compress.Compressors;
import org.latent4j.compress.Neighbours;
import org.latent4j.compress.ScanIndex.ScoreHeap;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;

/**
 * The multi-threaded control flow of an exhaustive search, shared by this package's indexes: with at least as
 * many queries as threads, tasks over queries (each a whole scan); otherwise, for each query, the database in
 * chunks of {@link #CHUNK} codes, one top list per chunk, merged. Queries go through a scan {@link #group()} at a
 * time, so a kernel may read each code once for all of them. Results are identical for any thread count: a
 * query's answer is its best candidates under one total order (score, then smaller id), whatever the partition
 * or grouping, and every score is computed the same way wherever it is computed.
 *
 * @param <Q> the prepared state (tables) of up to {@link #group()} queries: written by {@link #prepare}, only read
 *            by {@link #scan}, so the chunks of one group share it
 * @param <S> a task's scratch buffers
 */
abstract class ExhaustiveSearch<Q, S> {
    /** Codes per database task (a multiple of the fast scan's 32-vector block): depends on nothing but itself. */
    static final int CHUNK = 8192;

    final int dimension;
    final int count;

    ExhaustiveSearch(int dimension, int count) {
        this.dimension = dimension;
        this.count = count;
    }

    /** How many queries one scan serves. */
    int group() {
        return 1;
    }

    abstract Q newQuery();

    abstract S newScratch();

    /** Builds the state of {@code queries} (1 .. group()) queries, rows of x from {@code off}. */
    abstract void prepare(Q q, float[] x, int off, int queries);

    /** Offers codes [from, to) (from a multiple of 32) to tops[0 .. queries), one list per prepared query. */
    abstract void scan(Q q, S s, int queries, int from, int to, ScoreHeap[] tops);

    /** How many candidates the scan keeps for a k-nearest search. */
    int candidates(int k) {
        return k;
    }

    /** Turns the kept candidates of prepared query {@code t} into its k results at {@code ids/scores[off ...]}, emptying top. */
    void finish(Q q, S s, int t, ScoreHeap top, int k, int[] ids, float[] scores, int off) {
        top.drainSorted(ids, scores, off);
    }

    final Neighbours search(Tensor queries, int k) {
        Compressors.requireRows(queries, dimension, "search");
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        int nq = queries.dim(0), kept = Math.max(k, candidates(k)), g = group();
        float[] x = queries.data();
        int[] ids = new int[Math.multiplyExact(nq, k)];
        float[] scores = new float[ids.length];
        int threads = Parallel.threads();
        if (nq >= threads || count <= CHUNK) {
            int grain = Math.max(g, (nq / (4 * threads) + g - 1) / g * g);
            Parallel.range(nq, grain, (lo, hi) -> {
                Q q = newQuery();
                S s = newScratch();
                ScoreHeap[] tops = tops(g, kept);
                for (int i = lo; i < hi; i += g) {
                    int n = Math.min(g, hi - i);
                    prepare(q, x, i * dimension, n);
                    for (int t = 0; t < n; t++) tops[t].reset();
                    scan(q, s, n, 0, count, tops);
                    for (int t = 0; t < n; t++) finish(q, s, t, tops[t], k, ids, scores, (i + t) * k);
                }
            });
        } else {
            Q q = newQuery();
            S s = newScratch();
            int chunks = (count + CHUNK - 1) / CHUNK;
            int[] chunkIds = new int[g * chunks * kept];
            float[] chunkScores = new float[chunkIds.length];
            ScoreHeap top = new ScoreHeap(kept);
            for (int i = 0; i < nq; i += g) {
                int n = Math.min(g, nq - i);
                prepare(q, x, i * dimension, n);
                Parallel.forEach(chunks, c -> {
                    ScoreHeap[] parts = tops(n, kept);
                    scan(q, newScratch(), n, c * CHUNK, Math.min(count, (c + 1) * CHUNK), parts);
                    for (int t = 0; t < n; t++) parts[t].drainSorted(chunkIds, chunkScores, (t * chunks + c) * kept);
                });
                for (int t = 0; t < n; t++) {
                    top.reset();
                    for (int j = t * chunks * kept; j < (t + 1) * chunks * kept; j++) {
                        if (chunkIds[j] >= 0) top.offer(chunkScores[j], chunkIds[j]);
                    }
                    finish(q, s, t, top, k, ids, scores, (i + t) * k);
                }
            }
        }
        return new Neighbours(nq, k, ids, scores);
    }

    private static ScoreHeap[] tops(int n, int kept) {
        ScoreHeap[] tops = new ScoreHeap[n];
        for (int t = 0; t < n; t++) tops[t] = new ScoreHeap(kept);
        return tops;
    }
}
