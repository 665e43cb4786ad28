package org.latent4j.compress.search;

import org.latent4j.compress.CodeIndex;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.compress.ScanIndex.ScoreHeap;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;

/**
 * Exact re-ranking over any index: the inner index's best {@code candidates} codes per query re-scored against
 * the original vectors, and the k best of those returned with their exact scores (the {@link Metric} of the inner
 * index; ties to the smaller id). Recall then depends on the codes only through whether the true neighbours make
 * the candidate list. Scores are accumulated in double and rounded once, so they do not depend on the order of
 * anything; re-scoring runs over queries on several threads.
 */
public final class RerankingIndex implements CodeIndex {
    private final CodeIndex inner;
    private final float[] vectors;
    private final int dimension;
    private final int candidates;

    /**
     * Re-ranks {@code inner}'s top {@code candidates} (at least 1; at least k is searched for) with the vectors it
     * indexes, row i of {@code vectors} ([inner.size(), dimension] row-major, used as it is) for its code i.
     *
     * @param inner the index that proposes candidates
     * @param vectors the indexed vectors, row-major, kept rather than copied
     * @param dimension their width
     * @param candidates how many candidates to re-score
     */
    public RerankingIndex(CodeIndex inner, float[] vectors, int dimension, int candidates) {
        if (dimension < 1) throw new IllegalArgumentException("dimension must be at least 1, got " + dimension);
        if (candidates < 1) throw new IllegalArgumentException("candidates must be at least 1, got " + candidates);
        if ((long) inner.size() * dimension != vectors.length) {
            throw new IllegalArgumentException("the index holds " + inner.size() + " codes, so the vectors must be " + inner.size() + " x " + dimension
                    + " = " + (long) inner.size() * dimension + " floats, got " + vectors.length);
        }
        this.inner = inner;
        this.vectors = vectors;
        this.dimension = dimension;
        this.candidates = candidates;
    }

    /**
     * Re-ranks against the rows of a [inner.size(), d] tensor.
     *
     * @param inner the index that proposes candidates
     * @param vectors the indexed vectors
     * @param candidates how many candidates to re-score
     */
    public RerankingIndex(CodeIndex inner, Tensor vectors, int candidates) {
        this(inner, vectors.data(), requireMatrix(vectors), candidates);
    }

    private static int requireMatrix(Tensor t) {
        if (t.rank() != 2) throw new IllegalArgumentException("re-ranking vectors must be rows [n, d], got shape " + java.util.Arrays.toString(t.shape()));
        return t.dim(1);
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public Metric metric() {
        return inner.metric();
    }

    /**
     * Candidates re-scored per query (more when k is larger).
     *
     * @return the number of candidates
     */
    public int candidates() {
        return candidates;
    }

    @Override
    public Neighbours search(Tensor queries, int k) {
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        if (queries.rank() != 2 || queries.dim(1) != dimension) {
            throw new IllegalArgumentException("search: expected query rows of " + dimension + " values, got shape " + java.util.Arrays.toString(queries.shape()));
        }
        int r = Math.max(k, candidates), nq = queries.dim(0);
        Neighbours found = inner.search(queries, r);
        int[] ids = new int[Math.multiplyExact(nq, k)];
        float[] scores = new float[ids.length];
        float[] q = queries.data();
        boolean l2 = inner.metric() == Metric.L2;
        Parallel.range(nq, Math.max(1, nq / (4 * Parallel.threads())), (lo, hi) -> {
            ScoreHeap top = new ScoreHeap(k);
            for (int i = lo; i < hi; i++) {
                for (int c = 0; c < r; c++) {
                    int id = found.id(i, c);
                    if (id < 0) continue;
                    top.offer(exact(q, i * dimension, id * dimension, l2), id);
                }
                top.drainSorted(ids, scores, i * k);
            }
        });
        return new Neighbours(nq, k, ids, scores);
    }

    private float exact(float[] q, int qo, int vo, boolean l2) {
        double s = 0;
        if (l2) {
            for (int p = 0; p < dimension; p++) {
                double d = (double) q[qo + p] - vectors[vo + p];
                s += d * d;
            }
            return (float) s;
        }
        for (int p = 0; p < dimension; p++) s += (double) q[qo + p] * vectors[vo + p];
        return (float) -s;
    }
}
