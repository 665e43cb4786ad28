package org.latent4j.compress.search;

import org.latent4j.compress.CodeIndex;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.compress.ScanIndex.TopK;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.CodeScan;
import org.latent4j.tensor.kernel.FastScanLayout;
import org.latent4j.tensor.kernel.Kernels;

/**
 * The 4-bit PQ fast scan: codes of m 4-bit indices (the standard layout: sub-space 2i in the low nibble of byte i,
 * 2i + 1 in the high one) repacked once into 32-vector blocks ({@link FastScanLayout}), each query's table
 * quantized to bytes and every block scored by in-register lookups ({@link CodeScan#scan4}) into 16-bit sums. The
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
    /** Blocks scored per kernel call: their 16-bit sums (2 KB) stay in L1 for the threshold filter. */
    private static final int SLICE_BLOCKS = 32;

    private final LookupTables tables;
    private final byte[] codes;
    private final int codeSize;
    private final int count;
    private final Metric metric;
    private final int m;
    private final int pairs;
    private final byte[] blocks;
    private final int candidatesPerResult;
    private final Search search;

    /** {@link #PqFastScanIndex(LookupTables, byte[], int, Metric, int)} with {@link #DEFAULT_CANDIDATES_PER_RESULT}. */
    public PqFastScanIndex(LookupTables tables, byte[] codes, int count, Metric metric) {
        this(tables, codes, count, metric, DEFAULT_CANDIDATES_PER_RESULT);
    }

    /**
     * An index over {@code count} codes of ceil(m / 2) bytes from {@code codes[0]} (kept for the exact re-scoring,
     * not copied), the tables' ksub 16; {@code candidatesPerResult} (>= 1) times k candidates are re-scored per
     * query.
     */
    public PqFastScanIndex(LookupTables tables, byte[] codes, int count, Metric metric, int candidatesPerResult) {
        LookupTableScan.checkTables(tables);
        if (tables.ksub() != FastScanLayout.KSUB) {
            throw new IllegalArgumentException("the 4-bit fast scan needs 16 entries per sub-space, the tables have " + tables.ksub());
        }
        if (candidatesPerResult < 1) throw new IllegalArgumentException("candidates per result must be at least 1, got " + candidatesPerResult);
        this.m = tables.subspaces();
        this.codeSize = (m + 1) / 2;
        if (count < 0 || (long) count * codeSize > codes.length) {
            throw new IllegalArgumentException(count + " codes of " + codeSize + " bytes need " + (long) count * codeSize + " bytes, the array holds " + codes.length);
        }
        this.tables = tables;
        this.codes = codes;
        this.count = count;
        this.metric = metric;
        this.pairs = FastScanLayout.pairs(m);
        this.blocks = FastScanLayout.pack(m, codes, 0, codeSize, count);
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
        final float[] lut = new float[m * FastScanLayout.KSUB];
        final byte[] qlut = new byte[FastScanLayout.tableBytes(m)];
        float constant;
    }

    private static final class Scratch {
        final short[] sums = new short[SLICE_BLOCKS * FastScanLayout.BLOCK];
        final int[] pos = new int[SLICE_BLOCKS * FastScanLayout.BLOCK];
        int[] ids = new int[0];
        float[] scores = new float[0];
        TopK exact;
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
            FastScanLayout.quantize(m, q.lut, 0, q.qlut);
        }

        @Override
        void scan(Query q, Scratch s, int queries, int from, int to, TopK[] tops) {
            TopK top = tops[0];
            CodeScan kernel = Kernels.codeScan();
            int blockTo = FastScanLayout.blocks(to);
            for (int b = from / FastScanLayout.BLOCK; b < blockTo; b += SLICE_BLOCKS) {
                int bEnd = Math.min(blockTo, b + SLICE_BLOCKS), base = b * FastScanLayout.BLOCK;
                kernel.scan4(pairs, q.qlut, blocks, b, bEnd, s.sums, 0);
                float fb = top.bound();
                // a full list's bound is an exact 16-bit sum; ids rise, so only sums below it can enter
                int bound = fb == Float.POSITIVE_INFINITY ? 1 << 16 : (int) fb;
                int found = kernel.below(s.sums, 0, Math.min(to, bEnd * FastScanLayout.BLOCK) - base, bound, s.pos, 0);
                for (int f = 0; f < found; f++) {
                    int p = s.pos[f];
                    float sum = Short.toUnsignedInt(s.sums[p]);
                    if (sum < top.bound()) top.offer(sum, base + p);
                }
            }
        }

        @Override
        void finish(Query q, Scratch s, int t, TopK top, int k, int[] ids, float[] scores, int off) {
            int kept = Math.max(k, candidates(k));
            if (s.ids.length < kept) {
                s.ids = new int[kept];
                s.scores = new float[kept];
            }
            if (s.exact == null || s.exactK != k) {
                s.exact = new TopK(k);
                s.exactK = k;
            }
            TopK exact = s.exact;
            top.drainSorted(s.ids, s.scores, 0);
            for (int c = 0; c < kept; c++) {
                int id = s.ids[c];
                if (id < 0) break;
                int co = id * codeSize;
                float acc = 0f;
                for (int j = 0; j < m; j++) acc += q.lut[j * FastScanLayout.KSUB + ((codes[co + (j >> 1)] >> ((j & 1) << 2)) & 0xF)];
                exact.offer(q.constant + acc, id);
            }
            exact.drainSorted(ids, scores, off);
        }
    }
}
