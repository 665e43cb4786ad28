package org.latent4j.compress;

import java.util.Arrays;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.parallel.Parallel;

/**
 * Brute-force k nearest neighbours of queries among base rows: the ground truth every compressor's recall is
 * measured against. Candidates are ranked with the engine's GEMM by ||x||^2 - 2 q.x (L2; ||q||^2 is the same for
 * every row of a query) or -q.x (inner product), a block of {@value #BASE_BLOCK} base rows at a time so no
 * queries x base matrix is ever held; a few more than k candidates are kept, and those are re-scored exactly (in
 * double, as sums of (q - x)^2) and the k best returned, nearest first, ties by the smaller id. The expanded form
 * alone cancels for near points far from the origin, which is why it only preselects.
 *
 * <p>Work is split over blocks of {@value #QUERY_BLOCK} queries (boundaries fixed by the query count), so the
 * result does not depend on the number of threads.
 */
public final class ExactSearch {
    static final int QUERY_BLOCK = 64;
    static final int BASE_BLOCK = 2048;

    private ExactSearch() {}

    /**
     * The k nearest base rows of each query row, by {@link Metric} scores (squared L2, or the negated inner product).
     *
     * @param base    the rows searched [n, d]
     * @param queries the query rows [q, d]
     * @param k       neighbours per query
     * @param metric  what the scores measure
     * @return the neighbours, ties going to the smaller id
     */
    public static Neighbours search(Tensor base, Tensor queries, int k, Metric metric) {
        Compressors.requireRows(base, -1, "exact search base");
        Compressors.requireRows(queries, base.dim(1), "exact search queries");
        if (k < 1) throw new IllegalArgumentException("exact search: k must be at least 1, got " + k);
        Tensor xb = base.contiguous(), xq = queries.contiguous();
        int n = xb.dim(0), nq = xq.dim(0), d = xb.dim(1);
        float[] x = xb.data(), q = xq.data();
        int xOff = xb.offset(), qOff = xq.offset();
        float[] norms = new float[n];
        if (metric == Metric.L2) {
            Parallel.range(n, 1024, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) s += (double) x[xOff + i * d + j] * x[xOff + i * d + j];
                    norms[i] = (float) s;
                }
            });
        }
        int keep = (int) Math.min(n, (long) k + Math.max(k, 16));
        int[] ids = new int[Math.multiplyExact(nq, k)];
        float[] scores = new float[ids.length];
        float alpha = metric == Metric.L2 ? -2f : -1f;
        int tasks = (nq + QUERY_BLOCK - 1) / QUERY_BLOCK;
        Parallel.forEach(tasks, task -> {
            int q0 = task * QUERY_BLOCK, qb = Math.min(QUERY_BLOCK, nq - q0);
            int bb = Math.min(BASE_BLOCK, n);
            float[] block = new float[qb * bb];
            ScanIndex.ScoreHeap[] tops = new ScanIndex.ScoreHeap[qb];
            for (int r = 0; r < qb; r++) tops[r] = new ScanIndex.ScoreHeap(keep);
            for (int lo = 0; lo < n; lo += BASE_BLOCK) {
                int m = Math.min(BASE_BLOCK, n - lo);
                Kernels.gemm().sgemm(false, true, qb, m, d, alpha, q, qOff + q0 * d, d, x, xOff + lo * d, d, 0f, block, 0, m);
                for (int r = 0; r < qb; r++) {
                    ScanIndex.ScoreHeap top = tops[r];
                    int row = r * m;
                    for (int j = 0; j < m; j++) {
                        float s = block[row + j] + norms[lo + j];
                        if (s <= top.bound()) top.offer(s, lo + j);
                    }
                }
            }
            int[] cand = new int[keep];
            float[] ignored = new float[keep];
            double[] exact = new double[keep];
            Integer[] order = new Integer[keep];
            for (int r = 0; r < qb; r++) {
                tops[r].drainSorted(cand, ignored, 0);
                int held = 0;
                while (held < keep && cand[held] >= 0) held++;
                int qi = qOff + (q0 + r) * d;
                for (int c = 0; c < held; c++) {
                    int xi = xOff + cand[c] * d;
                    double s = 0;
                    if (metric == Metric.L2) {
                        for (int j = 0; j < d; j++) {
                            double e = (double) q[qi + j] - x[xi + j];
                            s += e * e;
                        }
                    } else {
                        for (int j = 0; j < d; j++) s -= (double) q[qi + j] * x[xi + j];
                    }
                    exact[c] = s;
                    order[c] = c;
                }
                Arrays.sort(order, 0, held, (a, b) -> {
                    int byScore = Double.compare(exact[a], exact[b]);
                    return byScore != 0 ? byScore : Integer.compare(cand[a], cand[b]);
                });
                int out = (q0 + r) * k;
                for (int j = 0; j < k; j++) {
                    ids[out + j] = j < held ? cand[order[j]] : -1;
                    scores[out + j] = j < held ? (float) exact[order[j]] : Float.POSITIVE_INFINITY;
                }
            }
        });
        return new Neighbours(nq, k, ids, scores);
    }
}
