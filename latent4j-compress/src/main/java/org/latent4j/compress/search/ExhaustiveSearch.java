package org.latent4j.compress.search;

import org.latent4j.compress.Compressors;
import org.latent4j.compress.Neighbours;
import org.latent4j.compress.ScanIndex.TopK;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;

/**
 * The multi-threaded control flow of an exhaustive search, shared by this package's indexes: with at least as
 * many queries as threads, tasks over queries (each a whole scan); otherwise, for each query, the database in
 * chunks of {@link #CHUNK} codes, one top list per chunk, merged. Both give identical results for any thread
 * count: a query's answer is the best candidates under one total order (score, then smaller id), whatever the
 * partition, and every score is computed the same way wherever it is computed.
 *
 * @param <Q> one query's prepared state (its tables): written by {@link #prepare}, only read by {@link #scan}, so
 *            the chunks of one query share it
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

    abstract Q newQuery();

    abstract S newScratch();

    /** Builds the state of the query {@code x[off .. off + dimension)}. */
    abstract void prepare(Q q, float[] x, int off);

    /** Offers codes [from, to) (from a multiple of 32) to top. */
    abstract void scan(Q q, S s, int from, int to, TopK top);

    /** How many candidates the scan keeps for a k-nearest search. */
    int candidates(int k) {
        return k;
    }

    /** Turns the kept candidates into the k results at {@code ids/scores[off ...]}, emptying top. */
    void finish(Q q, S s, TopK top, int k, int[] ids, float[] scores, int off) {
        top.drainSorted(ids, scores, off);
    }

    final Neighbours search(Tensor queries, int k) {
        Compressors.requireRows(queries, dimension, "search");
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        int nq = queries.dim(0), kept = Math.max(k, candidates(k));
        float[] x = queries.data();
        int[] ids = new int[Math.multiplyExact(nq, k)];
        float[] scores = new float[ids.length];
        int threads = Parallel.threads();
        if (nq >= threads || count <= CHUNK) {
            Parallel.range(nq, Math.max(1, nq / (4 * threads)), (lo, hi) -> {
                Q q = newQuery();
                S s = newScratch();
                TopK top = new TopK(kept);
                for (int i = lo; i < hi; i++) {
                    prepare(q, x, i * dimension);
                    top.reset();
                    scan(q, s, 0, count, top);
                    finish(q, s, top, k, ids, scores, i * k);
                }
            });
        } else {
            Q q = newQuery();
            S s = newScratch();
            int chunks = (count + CHUNK - 1) / CHUNK;
            int[] chunkIds = new int[chunks * kept];
            float[] chunkScores = new float[chunkIds.length];
            TopK top = new TopK(kept);
            for (int i = 0; i < nq; i++) {
                prepare(q, x, i * dimension);
                Parallel.forEach(chunks, c -> {
                    TopK part = new TopK(kept);
                    scan(q, newScratch(), c * CHUNK, Math.min(count, (c + 1) * CHUNK), part);
                    part.drainSorted(chunkIds, chunkScores, c * kept);
                });
                top.reset();
                for (int j = 0; j < chunkIds.length; j++) {
                    if (chunkIds[j] >= 0) top.offer(chunkScores[j], chunkIds[j]);
                }
                finish(q, s, top, k, ids, scores, i * k);
            }
        }
        return new Neighbours(nq, k, ids, scores);
    }
}
