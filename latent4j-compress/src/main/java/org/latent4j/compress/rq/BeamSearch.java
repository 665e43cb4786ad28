package org.latent4j.compress.rq;

import org.latent4j.compress.ScanIndex;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.parallel.Parallel;

/**
 * Beam-search encoding of rows with additive codebooks, one codebook (stage) at a time: every row keeps the
 * {@code width} best partial codes found so far; a step extends each of them by every codeword of the next
 * codebook and keeps the {@code width} best of all those by the error of the whole reconstruction so far.
 *
 * <p>The error is tracked without forming residuals: ||x - sum c||^2 = ||x||^2 + f with
 * f = ||sum c||^2 - 2 &lt;x, sum c&gt;, and extending by codeword c_j of stage s adds
 * ||c_j||^2 - 2 &lt;x, c_j&gt; + 2 sum over earlier stages t of &lt;c_t, c_j&gt;. The &lt;x, c_j&gt; of a block of rows are one
 * matrix product; the cross products come from {@link AdditiveCodebooks}' tables, so a candidate costs one
 * look-up per earlier stage instead of d multiply-adds (FAISS's look-up-table beam search). Ties keep the lower
 * (entry, codeword) pair, so the result is the same for any thread count.
 */
public final class BeamSearch {
    private static final int ROWS_PER_TASK = 64;

    private final float[] x;
    private final int xOff;
    private final int n;
    private final int d;
    private final int width;
    private final int maxStages;
    private final int[] codes;
    private final float[] f;
    private final int[] count;
    private int stagesDone;

    /**
     * Starts the search for rows {@code x[xOff ...]} [n, d]; the codes will have up to {@code maxStages} indices.
     *
     * @param x the rows, row-major
     * @param xOff where the first row starts
     * @param n the number of rows
     * @param d the dimension
     * @param width the beam width
     * @param maxStages the most stages the codes will have
     */
    public BeamSearch(float[] x, int xOff, int n, int d, int width, int maxStages) {
        if (width < 1) throw new IllegalArgumentException("beam width must be at least 1, got " + width);
        this.x = x;
        this.xOff = xOff;
        this.n = n;
        this.d = d;
        this.width = width;
        this.maxStages = maxStages;
        this.codes = new int[Math.multiplyExact(Math.multiplyExact(n, width), maxStages)];
        this.f = new float[n * width];
        this.count = new int[n];
        java.util.Arrays.fill(count, 1); // the empty code, f = 0
    }

    /**
     * Encodes rows with every codebook of {@code cb}: the best code of each row, [rows, M] from {@code idx[0]}.
     *
     * @param cb the codebooks
     * @param x the rows, row-major
     * @param xOff where the first row starts
     * @param rows the number of rows
     * @param width the beam width
     * @param idx receives the codes
     */
    public static void encode(AdditiveCodebooks cb, float[] x, int xOff, int rows, int width, int[] idx) {
        BeamSearch b = new BeamSearch(x, xOff, rows, cb.dimension(), width, cb.books());
        for (int s = 0; s < cb.books(); s++) b.step(cb, s);
        b.best(idx);
    }

    /**
     * Extends every row's beam by stage {@code stage} of {@code cb} (stages before it must have been done, with the same codewords).
     *
     * @param cb the codebooks
     * @param stage the stage to add
     */
    public void step(AdditiveCodebooks cb, int stage) {
        if (stage != stagesDone || stage >= maxStages || stage >= cb.books() || cb.dimension() != d) {
            throw new IllegalStateException("beam step " + stage + " after " + stagesDone + " steps, codebooks of " + cb.books() + " stages");
        }
        int k = cb.codewordsPerBook();
        float[] cw = cb.codewords(), norms = cb.norms();
        float[][] crossRows = new float[stage][];
        for (int t = 0; t < stage; t++) crossRows[t] = cb.cross(stage, t);
        Parallel.range(n, ROWS_PER_TASK, (lo, hi) -> {
            int rows = hi - lo;
            float[] xc = new float[rows * k];
            Kernels.gemm().sgemm(false, true, rows, k, d, 1f, x, xOff + lo * d, d, cw, stage * k * d, d, 0f, xc, 0, k);
            ScanIndex.ScoreHeap top = new ScanIndex.ScoreHeap(width);
            float[] v = new float[k];
            int[] ids = new int[width];
            float[] sc = new float[width];
            int[] parent = new int[width * maxStages];
            for (int i = lo; i < hi; i++) {
                int cnt = count[i], base = i * width;
                for (int e = 0; e < cnt; e++) {
                    float fe = f[base + e];
                    int xr = (i - lo) * k, nr = stage * k;
                    for (int j = 0; j < k; j++) v[j] = fe + norms[nr + j] - 2f * xc[xr + j];
                    int ce = (base + e) * maxStages;
                    for (int t = 0; t < stage; t++) {
                        float[] c = crossRows[t];
                        int r = codes[ce + t] * k;
                        for (int j = 0; j < k; j++) v[j] += 2f * c[r + j];
                    }
                    for (int j = 0; j < k; j++) top.offer(v[j], e * k + j);
                }
                top.drainSorted(ids, sc, 0);
                System.arraycopy(codes, base * maxStages, parent, 0, cnt * maxStages);
                int kept = 0;
                for (int e = 0; e < width && ids[e] >= 0; e++, kept++) {
                    int from = ids[e] / k, j = ids[e] % k;
                    System.arraycopy(parent, from * maxStages, codes, (base + e) * maxStages, stage);
                    codes[(base + e) * maxStages + stage] = j;
                    f[base + e] = sc[e];
                }
                count[i] = Math.max(1, kept); // a row of NaN keeps nothing; its codes stay 0
            }
        });
        stagesDone++;
    }

    /**
     * The best code of each row so far, [n, stages done] from {@code idx[0]}.
     *
     * @param idx receives the codes
     */
    public void best(int[] idx) {
        for (int i = 0; i < n; i++) System.arraycopy(codes, i * width * maxStages, idx, i * stagesDone, stagesDone);
    }

    /**
     * Partial codes held for row i (at most the width).
     *
     * @param row the row
     * @return the number of entries
     */
    public int entries(int row) {
        return count[row];
    }

    /**
     * The stage indices of entry e of row i, from {@code codes()[offset(i, e)]}, {@link #stagesDone()} of them.
     *
     * @param row the row
     * @param entry the entry
     * @return the offset
     */
    public int offset(int row, int entry) {
        return (row * width + entry) * maxStages;
    }

    int[] codes() {
        return codes;
    }

    /** {@return the number of stages added so far} */
    public int stagesDone() {
        return stagesDone;
    }

    /**
     * ||x - reconstruction||^2 - ||x||^2 of entry e of row i.
     *
     * @param row the row
     * @param entry the entry
     * @return the error term
     */
    public float error(int row, int entry) {
        return f[row * width + entry];
    }
}
