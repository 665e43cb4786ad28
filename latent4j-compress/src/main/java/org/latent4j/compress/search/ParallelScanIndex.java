package org.latent4j.compress.search;

import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.CodeIndex;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.compress.ScanIndex;
import org.latent4j.compress.ScanIndex.ScoreHeap;
import org.latent4j.tensor.Tensor;

/**
 * {@link ScanIndex} on several threads, for any compressor: every code scored by the compressor's
 * {@link CodeDistance}, split over queries or, with fewer queries than threads, over chunks of the codes (see
 * {@link ExhaustiveSearch}). Same neighbours and scores as {@link ScanIndex}, which stays the single-threaded
 * reference, for any thread count. A distance object belongs to one thread, so each task has its own, and with the
 * codes split each chunk sets the query on its own (building the query's tables once per chunk of 8192 codes).
 */
public final class ParallelScanIndex implements CodeIndex {
    /** Codes scored per call of the distance. */
    private static final int SLICE = 1024;

    private final Compressor compressor;
    private final byte[] codes;
    private final int count;
    private final Metric metric;
    private final Search search;

    /**
     * An index that scores every code with the compressor's distance, the codes split among threads.
     *
     * @param compressor decodes the codes' distances
     * @param codes the codes, {@code compressor.codeSize()} bytes each, kept rather than copied
     * @param count the number of codes
     * @param metric how a query is compared with a code
     */
    public ParallelScanIndex(Compressor compressor, byte[] codes, int count, Metric metric) {
        Compressors.requireCodes(codes, count, compressor.codeSize());
        this.compressor = compressor;
        this.codes = codes;
        this.count = count;
        this.metric = metric;
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

    /** Where the query is: its tables are built by each task's own distance. */
    private static final class Query {
        float[] x;
        int off;
    }

    private final class Scratch {
        final CodeDistance distance = compressor.distance(metric);
        final float[] scores = new float[SLICE];
        float[] x;
        int off = -1;
    }

    private final class Search extends ExhaustiveSearch<Query, Scratch> {
        Search() {
            super(compressor.dimension(), ParallelScanIndex.this.count);
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
        void prepare(Query q, float[] x, int off, int queries) {
            q.x = x;
            q.off = off;
        }

        @Override
        void scan(Query q, Scratch s, int queries, int from, int to, ScoreHeap[] tops) {
            if (s.x != q.x || s.off != q.off) {
                s.distance.setQuery(q.x, q.off);
                s.x = q.x;
                s.off = q.off;
            }
            ScoreHeap top = tops[0];
            float bound = top.bound();
            for (int i0 = from; i0 < to; i0 += SLICE) {
                int len = Math.min(SLICE, to - i0);
                s.distance.scores(codes, i0, i0 + len, s.scores, 0);
                for (int i = 0; i < len; i++) {
                    float score = s.scores[i];
                    // ids rise within one list: <= admits what the reference's offer admits (+Inf while not full)
                    if (score <= bound) {
                        top.offer(score, i0 + i);
                        bound = top.bound();
                    }
                }
            }
        }
    }
}
