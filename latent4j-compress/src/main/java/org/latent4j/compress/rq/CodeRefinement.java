package org.latent4j.compress.rq;

import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.parallel.Parallel;

/**
 * Improves given additive codes by iterated conditional modes (the encoding step of LSQ, Martinez et al. 2016,
 * without its perturbations): each sweep visits the codebooks in order and replaces each index by the best codeword
 * given the others, by the error of the whole reconstruction. A change is made only when it lowers that error, so
 * the codes never get worse. The error of codeword j of book g given the rest is ||c_j||^2 - 2 &lt;x, c_j&gt; + 2 sum over
 * the other books t of &lt;c_t, c_j&gt;, from one matrix product of the rows with the codewords and the cross-product
 * tables.
 */
public final class CodeRefinement {
    private static final int ROWS_PER_TASK = 64;

    private CodeRefinement() {}

    /**
     * Refines the codes {@code idx} [rows, M] of rows {@code x[xOff]} [rows, d] in place, {@code sweeps} times over the books.
     *
     * @param cb the codebooks
     * @param x the rows, row-major
     * @param xOff where the first row starts
     * @param rows the number of rows
     * @param idx the codes, refined in place
     * @param sweeps the sweeps over the books
     */
    public static void refine(AdditiveCodebooks cb, float[] x, int xOff, int rows, int[] idx, int sweeps) {
        if (sweeps <= 0) return;
        int books = cb.books(), k = cb.codewordsPerBook(), d = cb.dimension();
        float[] norms = cb.norms();
        Parallel.range(rows, ROWS_PER_TASK, (lo, hi) -> {
            int r = hi - lo;
            float[] xc = new float[r * books * k];
            Kernels.gemm().sgemm(false, true, r, books * k, d, 1f, x, xOff + lo * d, d, cb.codewords(), 0, d, 0f, xc, 0, books * k);
            float[] v = new float[k];
            for (int i = lo; i < hi; i++) {
                int code = i * books, xr = (i - lo) * books * k;
                for (int sweep = 0; sweep < sweeps; sweep++) {
                    boolean changed = false;
                    for (int g = 0; g < books; g++) {
                        for (int j = 0; j < k; j++) v[j] = norms[g * k + j] - 2f * xc[xr + g * k + j];
                        for (int t = 0; t < books; t++) {
                            if (t == g) continue;
                            int it = idx[code + t];
                            if (t < g) {
                                float[] c = cb.cross(g, t);
                                int row = it * k;
                                for (int j = 0; j < k; j++) v[j] += 2f * c[row + j];
                            } else {
                                float[] c = cb.cross(t, g);
                                for (int j = 0; j < k; j++) v[j] += 2f * c[j * k + it];
                            }
                        }
                        int cur = idx[code + g], best = cur;
                        for (int j = 0; j < k; j++) if (v[j] < v[best]) best = j;
                        if (best != cur) {
                            idx[code + g] = best;
                            changed = true;
                        }
                    }
                    if (!changed) break;
                }
            }
        });
    }
}
