package org.latent4j.compress.search;

import org.latent4j.compress.CodeIndex;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.compress.ScanIndex.ScoreHeap;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.CodeScan;
import org.latent4j.tensor.kernel.FastScanLayout;
import org.latent4j.tensor.kernel.Kernels;

/**
 * The PQ fast scan: codes of m 4-bit indices (the standard layout: sub-space 2i in the low nibble of byte i,
 * 2i + 1 in the high one) repacked once into 32-vector blocks ({@link FastScanLayout}), each query's table
 * quantized to bytes and every block scored by in-register lookups ({@link CodeScan#scan4}) into 16-bit sums. The
 * same for 8-bit codes (one index per byte, tables of 256 entries): 64-vector blocks and {@link CodeScan#scanBytes},
 * worth it where {@link CodeScan#fastScanBytes()} (512-bit vectors); elsewhere {@link LookupTableScan} is faster. The
 * {@code candidates} best by those approximate sums (ties to the smaller id) are then re-scored exactly with the
 * float table, {@code constant + sum_j lut[j][code_j]} in j order, and the k best of them returned with those
 * exact scores. When the candidates include the exact top k (the quantization error is at most m / (2a) per score,
 * a the table's scale), the result is exactly that of an exact table scan ({@link LookupTableScan} over the same
 * codes one index per byte): same ids, same score bits.
 *
 * <p>Multi-threaded as {@link ExhaustiveSearch} describes; identical results for any thread count.
 */
public final class PqFastScanIndex implements CodeIndex {
    /** Candidates re-scored per result asked for, unless the constructor says otherwise. */
    public static final int DEFAULT_CANDIDATES_PER_RESULT = 4;
    /** Vectors scored per kernel call: their 16-bit sums (2 KB) stay in L1 for the threshold filter. */
    private static final int SLICE = 1024;

    private final LookupTables tables;
    private final byte[] codes;
    private final int codeSize;
    private final int count;
    private final Metric metric;
    private final int m;
    private final int ksub;
    /** One index per byte (ksub 256) rather than per nibble. */
    private final boolean bytes;
    /** Vectors per block: 32 or 64. */
    private final int block;
    private final int pairs;
    private final byte[] blocks;
    private final int candidatesPerResult;
    private final Search search;

    /**
     * {@link #PqFastScanIndex(LookupTables, byte[], int, Metric, int)} with {@link #DEFAULT_CANDIDATES_PER_RESULT}.
     *
     * @param tables the lookup tables of the codes' quantizer, 16 or 256 entries per sub-space
     * @param codes the codes, kept rather than copied
     * @param count the number of codes
     * @param metric how a query is compared with a code
     */
    public PqFastScanIndex(LookupTables tables, byte[] codes, int count, Metric metric) {
        this(tables, codes, count, metric, DEFAULT_CANDIDATES_PER_RESULT);
    }

    /**
     * An index over {@code count} codes from {@code codes[0]} (kept for the exact re-scoring, not copied): ceil(m / 2)
     * bytes each when the tables' ksub is 16, m bytes when it is 256; {@code candidatesPerResult} (>= 1) times k
     * candidates are re-scored per query.
     *
     * @param tables the lookup tables of the codes' quantizer, 16 or 256 entries per sub-space
     * @param codes the codes, kept rather than copied
     * @param count the number of codes
     * @param metric how a query is compared with a code
     * @param candidatesPerResult candidates re-scored exactly per result wanted
     */
    public PqFastScanIndex(LookupTables tables, byte[] codes, int count, Metric metric, int candidatesPerResult) {
        LookupTableScan.checkTables(tables);
        if (tables.ksub() != FastScanLayout.KSUB && tables.ksub() != 256) {
            throw new IllegalArgumentException("the fast scan needs 16 (4-bit codes) or 256 (8-bit codes) entries per sub-space, the tables have " + tables.ksub());
        }
        if (candidatesPerResult < 1) throw new IllegalArgumentException("candidates per result must be at least 1, got " + candidatesPerResult);
        this.m = tables.subspaces();
        this.ksub = tables.ksub();
        this.bytes = ksub == 256;
        this.block = bytes ? FastScanLayout.BYTE_BLOCK : FastScanLayout.BLOCK;
        this.codeSize = bytes ? m : (m + 1) / 2;
        Compressors.requireCodes(codes, count, codeSize);
        this.tables = tables;
        this.codes = codes;
        this.count = count;
        this.metric = metric;
        this.pairs = FastScanLayout.pairs(m);
        this.blocks = bytes ? FastScanLayout.packBytes(m, codes, 0, codeSize, count) : FastScanLayout.pack(m, codes, 0, codeSize, count);
        this.candidatesPerResult = candidatesPerResult;
        this.search = new Search();
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public Metric metric() {
        return metric;
    }

    @Override
    public Neighbours search(Tensor queries, int k) {
        return search.search(queries, k);
    }

    private final class Query {
        final float[] lut = new float[m * ksub];
        final byte[] qlut = new byte[bytes ? m * ksub : FastScanLayout.tableBytes(m)];
        float constant;
    }

    private static final class Scratch {
        final short[] sums = new short[SLICE];
        final int[] pos = new int[SLICE];
        int[] ids = new int[0];
        float[] scores = new float[0];
        /** Candidates as (sum << 32 | id), sorted now and then; see {@link Search#scan}. */
        long[] reservoir = new long[0];
        ScoreHeap exact;
        int exactK;
    }

    private final class Search extends ExhaustiveSearch<Query, Scratch> {
        Search() {
            super(tables.dimension(), PqFastScanIndex.this.count);
        }

        @Override
        Query newQuery() {
            return new Query();
        }

        @Override
        Scratch newScratch() {
            return new Scratch();
        }

        @Override
        int candidates(int k) {
            return (int) Math.min(Math.max(count, k), (long) k * candidatesPerResult);
        }

        @Override
        void prepare(Query q, float[] x, int off, int queries) {
            q.constant = tables.build(x, off, q.lut);
            if (bytes) FastScanLayout.quantize(m, ksub, q.lut, 0, q.qlut);
            else FastScanLayout.quantize(m, q.lut, 0, q.qlut);
        }

        @Override
        void scan(Query q, Scratch s, int queries, int from, int to, ScoreHeap[] tops) {
            ScoreHeap top = tops[0];
            // Candidates collect in a reservoir of twice the list's size, cut back to the best (sum, id)
            // pairs by a selection in linear time when full; the bound is then the worst kept sum, and as ids rise
            // within a scan, only sums below it can enter. Cheaper than a heap, whose every replacement sifts.
            CodeScan kernel = Kernels.codeScan();
            int kept = top.capacity();
            if (s.reservoir.length != 2 * kept) s.reservoir = new long[2 * kept];
            long[] res = s.reservoir;
            int size = 0, bound = 1 << 16;
            int blockTo = (to + block - 1) / block, sliceBlocks = SLICE / block;
            for (int b = from / block; b < blockTo; b += sliceBlocks) {
                int bEnd = Math.min(blockTo, b + sliceBlocks), base = b * block;
                if (bytes) kernel.scanBytes(m, q.qlut, blocks, b, bEnd, s.sums, 0);
                else kernel.scan4(pairs, q.qlut, blocks, b, bEnd, s.sums, 0);
                int found = kernel.below(s.sums, 0, Math.min(to, bEnd * block) - base, bound, s.pos, 0);
                for (int f = 0; f < found; f++) {
                    int p = s.pos[f], sum = Short.toUnsignedInt(s.sums[p]);
                    if (sum >= bound) continue;
                    res[size++] = (long) sum << 32 | (base + p);
                    if (size == res.length) {
                        selectSmallest(res, size, kept);
                        size = kept;
                        long worst = res[0];
                        for (int i = 1; i < kept; i++) worst = Math.max(worst, res[i]);
                        bound = (int) (worst >>> 32);
                    }
                }
            }
            if (size > kept) selectSmallest(res, size, kept);
            for (int i = 0, n = Math.min(size, kept); i < n; i++) top.offer((float) (res[i] >>> 32), (int) res[i]);
        }

        /** Moves the k smallest of the (distinct) values a[0 .. n) to a[0 .. k), in no order: Hoare's selection. */
        private static void selectSmallest(long[] a, int n, int k) {
            int lo = 0, hi = n - 1, target = k - 1;
            while (hi > lo) {
                long x = a[lo], y = a[(lo + hi) >>> 1], z = a[hi];
                long pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
                int i = lo, j = hi;
                while (i <= j) {
                    while (a[i] < pivot) i++;
                    while (a[j] > pivot) j--;
                    if (i <= j) {
                        long t = a[i];
                        a[i] = a[j];
                        a[j] = t;
                        i++;
                        j--;
                    }
                }
                if (target <= j) hi = j;
                else if (target >= i) lo = i;
                else return;
            }
        }

        @Override
        void finish(Query q, Scratch s, int t, ScoreHeap top, int k, int[] ids, float[] scores, int off) {
            int kept = Math.max(k, candidates(k));
            if (s.ids.length < kept) {
                s.ids = new int[kept];
                s.scores = new float[kept];
            }
            if (s.exact == null || s.exactK != k) {
                s.exact = new ScoreHeap(k);
                s.exactK = k;
            }
            ScoreHeap exact = s.exact;
            top.drainSorted(s.ids, s.scores, 0);
            for (int c = 0; c < kept; c++) {
                int id = s.ids[c];
                if (id < 0) break;
                int co = id * codeSize;
                float acc = 0f;
                if (bytes) {
                    for (int j = 0; j < m; j++) acc += q.lut[j * ksub + (codes[co + j] & 0xFF)];
                } else {
                    for (int j = 0; j < m; j++) acc += q.lut[j * ksub + ((codes[co + (j >> 1)] >> ((j & 1) << 2)) & 0xF)];
                }
                exact.offer(q.constant + acc, id);
            }
            exact.drainSorted(ids, scores, off);
        }
    }
}
