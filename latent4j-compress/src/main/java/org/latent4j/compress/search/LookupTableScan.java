package org.latent4j.compress.search;

import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.CodeIndex;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.compress.ScanIndex.ScoreHeap;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.CodeScan;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.parallel.Parallel;

/**
 * The exhaustive asymmetric search over byte codes (one centroid index per byte, sub-space j in byte j of each
 * code) for any compressor that scores codes by lookup tables ({@link LookupTables}: 8-bit PQ, RQ): each query's
 * table built once, every code scored by {@link CodeScan#scan8} a slice at a time, the k best kept, over several
 * threads (see {@link ExhaustiveSearch}). A code's score is {@code constant + sum_j lut[j][code_j]} with the sum in
 * j order, the same bits as {@link #distance}'s, so this index and the reference {@link org.latent4j.compress.ScanIndex}
 * over that distance return the same neighbours and scores.
 *
 * <p>A code may add a term of its own that no query changes ({@link CodeTerm}: an additive code's reconstruction
 * norm, stored in the code or computed from its codewords): the index computes every code's term once, when it is
 * built, and holds them as one float a code beside the codes; the score is then {@code (constant + sum) + term}.
 */
public final class LookupTableScan implements CodeIndex {
    /**
     * A part of a code's score that depends on the code alone, added after its table sum.
     */
    @FunctionalInterface
    public interface CodeTerm {
        /**
         * The term of one code; called from several threads at once.
         *
         * @param codes the code array
         * @param offset where the code starts
         * @return the term
         */
        float of(byte[] codes, int offset);
    }

    /** Codes scored per kernel call: the scores stay in L1 until the top list reads them. */
    private static final int SLICE = 1024;

    private final LookupTables tables;
    private final byte[] codes;
    private final int codeSize;
    private final int count;
    private final Metric metric;
    private final float[] terms;
    private final Search search;

    /**
     * An index over {@code count} codes of {@code codeSize} bytes (at least the tables' sub-spaces; bytes past them
     * are not read), code i at {@code codes[i * codeSize]}; the array is used as it is, not copied.
     *
     * @param tables the lookup tables of the codes' quantizer
     * @param codes the codes, kept rather than copied
     * @param codeSize the bytes per code
     * @param count the number of codes
     * @param metric how a query is compared with a code
     */
    public LookupTableScan(LookupTables tables, byte[] codes, int codeSize, int count, Metric metric) {
        this(tables, null, codes, codeSize, count, metric);
    }

    /**
     * An index whose codes add a term of their own to the table sum, computed here once for every code (the
     * array of {@code count} floats is the index's only memory beside the codes).
     *
     * @param tables the lookup tables of the codes' quantizer
     * @param term each code's own term, or null for none
     * @param codes the codes, kept rather than copied
     * @param codeSize the bytes per code
     * @param count the number of codes
     * @param metric how a query is compared with a code
     */
    public LookupTableScan(LookupTables tables, CodeTerm term, byte[] codes, int codeSize, int count, Metric metric) {
        checkByteCodes(tables, codeSize);
        Compressors.requireCodes(codes, count, codeSize);
        this.tables = tables;
        this.codes = codes;
        this.codeSize = codeSize;
        this.count = count;
        this.metric = metric;
        this.terms = term == null ? null : terms(term, codes, codeSize, count);
        this.search = new Search();
    }

    private static float[] terms(CodeTerm term, byte[] codes, int codeSize, int count) {
        float[] t = new float[count];
        Parallel.range(count, 4096, (lo, hi) -> {
            for (int i = lo; i < hi; i++) t[i] = term.of(codes, i * codeSize);
        });
        return t;
    }

    /** {@link #checkTables}, and codes of {@code codeSize} bytes long enough for one byte index a sub-space. */
    private static void checkByteCodes(LookupTables t, int codeSize) {
        checkTables(t);
        if (codeSize < t.subspaces()) throw new IllegalArgumentException("codes of " + codeSize + " bytes cannot hold " + t.subspaces() + " byte indices");
    }

    static void checkTables(LookupTables t) {
        if (t.subspaces() < 1) throw new IllegalArgumentException("lookup tables need at least one sub-space, got " + t.subspaces());
        if (t.ksub() < 1 || t.ksub() > 256) throw new IllegalArgumentException("byte codes index 1 to 256 entries per sub-space, got " + t.ksub());
        if (t.dimension() < 1) throw new IllegalArgumentException("queries need at least one dimension, got " + t.dimension());
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

    /**
     * A {@link CodeDistance} from the tables, for a compressor's {@link org.latent4j.compress.Compressor#distance}:
     * the scores of byte codes of {@code codeSize} bytes, as this index computes them.
     *
     * @param tables the lookup tables
     * @param codeSize the bytes per code
     * @return the distance
     */
    public static CodeDistance distance(LookupTables tables, int codeSize) {
        return distance(tables, null, codeSize);
    }

    /**
     * A {@link CodeDistance} from the tables and each code's own term, computed from the code at every call (the
     * index holds them instead): the scores {@link #LookupTableScan(LookupTables, CodeTerm, byte[], int, int, Metric)}
     * computes, bit for bit.
     *
     * @param tables the lookup tables
     * @param term each code's own term, or null for none
     * @param codeSize the bytes per code
     * @return the distance
     */
    public static CodeDistance distance(LookupTables tables, CodeTerm term, int codeSize) {
        checkByteCodes(tables, codeSize);
        return new CodeDistance() {
            private final float[] lut = new float[tableArrayLength(tables.subspaces() * tables.ksub())];
            private float constant;
            private boolean ready;

            @Override
            public void setQuery(float[] q, int off) {
                constant = tables.build(q, off, lut);
                ready = true;
            }

            @Override
            public void scores(byte[] codes, int from, int to, float[] out, int outOff) {
                if (!ready) throw new IllegalStateException("scores before setQuery");
                Kernels.codeScan().scan8(tables.subspaces(), tables.ksub(), lut, 0, 1, 0, codes, from * codeSize, codeSize, to - from, out, outOff, 0);
                for (int i = outOff; i < outOff + to - from; i++) out[i] = constant + out[i];
                if (term != null) {
                    for (int i = from; i < to; i++) out[outOff + i - from] += term.of(codes, i * codeSize);
                }
            }
        };
    }

    /** A power of two at least {@code floats}: the kernel's fast path indexes such arrays without range checks. */
    static int tableArrayLength(int floats) {
        return floats <= 1 ? 1 : Integer.highestOneBit(floats - 1) << 1;
    }

    /** The tables of a group of queries, one after another in one array. */
    private final class Query {
        final int stride = tables.subspaces() * tables.ksub();
        final float[] lut = new float[tableArrayLength(GROUP * stride)];
        final float[] constants = new float[GROUP];
        final float[] row = new float[stride];
    }

    /** Queries per pass over the codes: the kernel reads each code once for two tables. */
    private static final int GROUP = 2;

    private final class Search extends ExhaustiveSearch<Query, float[]> {
        Search() {
            super(tables.dimension(), LookupTableScan.this.count);
        }

        @Override
        int group() {
            return GROUP;
        }

        @Override
        Query newQuery() {
            return new Query();
        }

        @Override
        float[] newScratch() {
            return new float[GROUP * SLICE];
        }

        @Override
        void prepare(Query q, float[] x, int off, int queries) {
            for (int t = 0; t < queries; t++) {
                q.constants[t] = tables.build(x, off + t * dimension, q.row);
                System.arraycopy(q.row, 0, q.lut, t * q.stride, q.stride);
            }
        }

        @Override
        void scan(Query q, float[] s, int queries, int from, int to, ScoreHeap[] tops) {
            CodeScan kernel = Kernels.codeScan();
            int m = tables.subspaces(), ksub = tables.ksub();
            for (int i0 = from; i0 < to; i0 += SLICE) {
                int len = Math.min(SLICE, to - i0);
                kernel.scan8(m, ksub, q.lut, 0, queries, q.stride, codes, i0 * codeSize, codeSize, len, s, 0, SLICE);
                for (int t = 0; t < queries; t++) {
                    ScoreHeap top = tops[t];
                    float c = q.constants[t], bound = top.bound();
                    for (int i = 0, o = t * SLICE; i < len; i++) {
                        float score = terms == null ? c + s[o + i] : c + s[o + i] + terms[i0 + i];
                        // ids rise within one top list, so a tie with the bound never enters: <= only lets +Inf in
                        // while the list is not full, as the reference does
                        if (score <= bound) {
                            top.offer(score, i0 + i);
                            bound = top.bound();
                        }
                    }
                }
            }
        }
    }
}
