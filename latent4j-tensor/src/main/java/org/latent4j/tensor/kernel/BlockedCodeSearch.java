package org.latent4j.tensor.kernel;

import org.latent4j.tensor.parallel.Parallel;

/**
 * What both {@link CodeSearch} implementations share: argument checks, the split into tasks and the merge
 * of their results. An implementation only searches one task: a range of rows against a range of codes,
 * keeping each row's best score and code in a state buffer.
 *
 * <p>Tasks: a grid of row chunks (multiples of {@link #ROW_UNIT} rows) by code chunks, sized from
 * (n, k, d) alone. Codes are split when there are too few rows to keep the threads busy (a few queries
 * against a large codebook; for a codebook too large for the caches, too few rows for a packing group,
 * {@link #groupRows}, per task); each code chunk then has its own state, and the chunks' winners are
 * merged in ascending code order with a strict comparison, which keeps the lowest index among equal
 * scores. Since the winner is a function of the scores alone (see {@link CodeSearch}), neither the grid
 * nor the thread count can change it; the grid is still fixed by the sizes, as elsewhere in the engine.
 *
 * <p>Memory: the state (two floats per row and code chunk) and the implementations' packing buffers are
 * kept per thread and grow to what a call needs, so a steady-state call allocates only a few small objects.
 */
abstract class BlockedCodeSearch implements CodeSearch {
    /** Row chunks are multiples of this many rows (a multiple of every panel height in use). */
    static final int ROW_UNIT = 64;
    /** Below this many multiply-adds the hand-off to the pool costs more than it saves. */
    static final long PARALLEL_MIN_FMAS = 1L << 21;
    /** About the work of one task: enough tasks to balance 2-3 threads, few enough to cost nothing. */
    static final long TASK_FMAS = 1L << 23;
    static final int MAX_TASKS = 64;
    /** A code chunk is at least this many codes (splitting codes repeats the packing of the rows). */
    static final int MIN_CHUNK_CODES = 512;
    /** Largest codebook: code indices travel as raw float bits, and patterns from 0x7f800001 up are NaNs. */
    static final int MAX_CODES = 0x7f800000;

    private static final class State {
        float[] val = new float[0], idx = new float[0];
    }

    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    /**
     * Searches rows [0, rows) of x (from xOff) against codes [k0, k1) (code j at cOff + j * ldc, bias at
     * biasOff + j), updating the state of row r, val[so + r] (best score) and idx[so + r] (its code, as raw
     * int bits), in place: a code replaces the state only with a strictly smaller score, and codes are
     * visited in ascending order. The state has room for {@code rows} rounded up to {@link #ROW_UNIT}.
     */
    abstract void searchTask(int rows, int k0, int k1, int d, float[] x, int xOff, int ldx, float[] c, int cOff, int ldc,
                             float[] bias, int biasOff, float scale, float[] val, float[] idx, int so);

    @Override
    public final void argmin(int n, int k, int d, float[] x, int xOff, int ldx, float[] c, int cOff, int ldc,
                             float[] bias, int biasOff, float scale, int[] index, int indexOff, float[] score, int scoreOff) {
        check(n, k, d, x, xOff, ldx, c, cOff, ldc, bias, biasOff, index, indexOff, score, scoreOff);
        if (n == 0) return;
        long fmas = (long) n * k * Math.max(1, d);
        int rowUnits = ceilDiv(n, ROW_UNIT);
        int tasks = fmas < PARALLEL_MIN_FMAS ? 1 : (int) Math.min(MAX_TASKS, Math.max(2, fmas / TASK_FMAS));
        // A codebook too large for the caches is read from memory by every row chunk: then rows are split
        // down to a packing group each and the codes after that (each code chunk packs its rows again,
        // 128 KB). 512 rows against 65536 codes of 64 (16 MB): 6-13% faster than in 8 row chunks of 64
        // rows; at K <= 16384 (4 MB), 2-3% slower (measured in alternating pairs on the build machine).
        int groupUnits = (long) k * d > LARGE_CODEBOOK_FLOATS ? Math.max(1, groupRows(d) / ROW_UNIT) : 1;
        int rowChunksWanted = Math.min(tasks, ceilDiv(rowUnits, groupUnits));
        int codeChunks = rowChunksWanted >= tasks ? 1 : Math.max(1, Math.min(ceilDiv(tasks, rowChunksWanted), k / MIN_CHUNK_CODES));
        int unitsPer = ceilDiv(rowUnits, Math.min(rowUnits, ceilDiv(tasks, codeChunks)));
        int rowChunks = ceilDiv(rowUnits, unitsPer), rowsPer = unitsPer * ROW_UNIT;
        int codesPer = ceilDiv(k, codeChunks);
        int padded = rowUnits * ROW_UNIT;

        State st = STATE.get();
        int need = codeChunks * padded;
        if (st.val.length < need) {
            st.val = new float[need];
            st.idx = new float[need];
        }
        float[] val = st.val, idx = st.idx;
        int all = rowChunks * codeChunks;
        if (all == 1) {
            runTask(0, n, 0, k, d, x, xOff, ldx, c, cOff, ldc, bias, biasOff, scale, val, idx, 0);
        } else {
            Parallel.forEach(all, t -> {
                int rc = t / codeChunks, cc = t % codeChunks;
                int r0 = rc * rowsPer, k0 = cc * codesPer;
                runTask(r0, Math.min(n, r0 + rowsPer), k0, Math.min(k, k0 + codesPer), d, x, xOff, ldx, c, cOff, ldc,
                        bias, biasOff, scale, val, idx, cc * padded);
            });
        }
        for (int i = 0; i < n; i++) {
            float best = val[i];
            int at = i;
            for (int cc = 1; cc < codeChunks; cc++) {
                // strict: an equal score in a later chunk has a higher index and loses
                if (val[cc * padded + i] < best) {
                    best = val[cc * padded + i];
                    at = cc * padded + i;
                }
            }
            index[indexOff + i] = Float.floatToRawIntBits(idx[at]);
            if (score != null) score[scoreOff + i] = best;
        }
    }

    private void runTask(int r0, int r1, int k0, int k1, int d, float[] x, int xOff, int ldx, float[] c, int cOff, int ldc,
                         float[] bias, int biasOff, float scale, float[] val, float[] idx, int so) {
        // +Inf with code 0: a row none of whose scores is below +Inf ends with code 0 (see CodeSearch)
        java.util.Arrays.fill(val, so + r0, so + r1, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(idx, so + r0, so + r1, 0f);
        if (k1 > k0) searchTask(r1 - r0, k0, k1, d, x, xOff + r0 * ldx, ldx, c, cOff, ldc, bias, biasOff, scale, val, idx, so + r0);
    }

    private static void check(int n, int k, int d, float[] x, int xOff, int ldx, float[] c, int cOff, int ldc,
                              float[] bias, int biasOff, int[] index, int indexOff, float[] score, int scoreOff) {
        String dims = " (n=" + n + " k=" + k + " d=" + d + " ldx=" + ldx + " ldc=" + ldc + ")";
        if (n < 0 || k < 0 || d < 0) throw new IllegalArgumentException("codeSearch: negative size" + dims);
        if (n == 0) return;
        if (k == 0) throw new IllegalArgumentException("codeSearch: no codes to choose from" + dims);
        if (k >= MAX_CODES) throw new IllegalArgumentException("codeSearch: at most " + (MAX_CODES - 1) + " codes" + dims);
        if (ldx < d || ldc < d) throw new IllegalArgumentException("codeSearch: leading dimension below d" + dims);
        if (!fits(x, xOff, n, d, ldx)) throw new IllegalArgumentException("codeSearch: x does not fit its array" + dims);
        if (!fits(c, cOff, k, d, ldc)) throw new IllegalArgumentException("codeSearch: the codes do not fit their array" + dims);
        if (bias != null && (biasOff < 0 || biasOff + (long) k > bias.length)) {
            throw new IllegalArgumentException("codeSearch: bias does not hold k values from offset " + biasOff + dims);
        }
        if (index == null || indexOff < 0 || indexOff + (long) n > index.length) {
            throw new IllegalArgumentException("codeSearch: index does not hold n values from offset " + indexOff + dims);
        }
        if (score != null && (scoreOff < 0 || scoreOff + (long) n > score.length)) {
            throw new IllegalArgumentException("codeSearch: score does not hold n values from offset " + scoreOff + dims);
        }
    }

    private static boolean fits(float[] a, int off, int rows, int cols, int ld) {
        return a != null && off >= 0 && off + (long) (rows - 1) * ld + cols <= a.length;
    }

    /** Rows whose d values make a packing group (about 128 KB: L2 keeps it while the codes stream past), a multiple of {@link #ROW_UNIT}. */
    static int groupRows(int d) {
        return Math.max(ROW_UNIT, GROUP_FLOATS / Math.max(1, d) / ROW_UNIT * ROW_UNIT);
    }

    /** Floats of packed rows per group. */
    static final int GROUP_FLOATS = 1 << 15;
    /** A codebook of more floats than this (8 MB) is not expected to stay in the caches between row chunks. */
    static final long LARGE_CODEBOOK_FLOATS = 1L << 21;

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
