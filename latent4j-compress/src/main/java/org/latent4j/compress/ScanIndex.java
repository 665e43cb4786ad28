package org.latent4j.compress;

import java.util.Arrays;
import org.latent4j.tensor.Tensor;

/**
 * The exhaustive asymmetric search: every code's score from the compressor's {@link CodeDistance}, the k smallest
 * kept per query. The reference every faster index is tested against.
 */
public final class ScanIndex implements CodeIndex {
    private final Compressor compressor;
    private final byte[] codes;
    private final int count;
    private final Metric metric;

    /**
     * An index that scores every code with the compressor's distance.
     *
     * @param compressor decodes the codes' distances
     * @param codes the codes, {@code compressor.codeSize()} bytes each, kept rather than copied
     * @param count the number of codes
     * @param metric how a query is compared with a code
     */
    public ScanIndex(Compressor compressor, byte[] codes, int count, Metric metric) {
        Compressors.requireCodes(codes, count, compressor.codeSize());
        this.compressor = compressor;
        this.codes = codes;
        this.count = count;
        this.metric = metric;
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
        Compressors.requireRows(queries, compressor.dimension(), "search");
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        int nq = queries.dim(0), d = compressor.dimension();
        int[] ids = new int[Math.multiplyExact(nq, k)];
        float[] scores = new float[ids.length];
        CodeDistance dist = compressor.distance(metric);
        float[] all = new float[count];
        ScoreHeap top = new ScoreHeap(k);
        for (int q = 0; q < nq; q++) {
            dist.setQuery(queries.data(), q * d);
            dist.scores(codes, 0, count, all, 0);
            top.reset();
            for (int i = 0; i < count; i++) top.offer(all[i], i);
            top.drainSorted(ids, scores, q * k);
        }
        return new Neighbours(nq, k, ids, scores);
    }

    /**
     * The k smallest (score, id) pairs seen, in a max-heap; ties broken by the smaller id, NaN never kept. Sorted
     * output is nearest first, unfilled places id -1 with score +Inf.
     */
    public static final class ScoreHeap {
        private final int k;
        private final float[] s;
        private final int[] id;
        private int size;

        /**
         * An empty heap.
         *
         * @param k how many pairs it keeps
         */
        public ScoreHeap(int k) {
            this.k = k;
            this.s = new float[k];
            this.id = new int[k];
        }

        /** Empties the heap, keeping its capacity. */
        public void reset() {
            size = 0;
        }

        /**
         * How many pairs the list keeps (its k).
         *
         * @return k
         */
        public int capacity() {
            return k;
        }

        /**
         * The score a candidate must beat to enter, +Inf while fewer than k are held.
         *
         * @return the bound
         */
        public float bound() {
            return size < k ? Float.POSITIVE_INFINITY : s[0];
        }

        private static boolean worse(float sa, int ia, float sb, int ib) {
            return sa > sb || (sa == sb && ia > ib);
        }

        /**
         * Keeps the pair if it is among the k smallest seen (ties to the smaller id); NaN is ignored.
         *
         * @param score the candidate's score
         * @param candidate the candidate's id
         */
        public void offer(float score, int candidate) {
            if (!(score <= Float.POSITIVE_INFINITY)) return; // NaN
            if (size < k) {
                int i = size++;
                s[i] = score;
                id[i] = candidate;
                while (i > 0) {
                    int p = (i - 1) / 2;
                    if (!worse(s[i], id[i], s[p], id[p])) break;
                    swap(i, p);
                    i = p;
                }
            } else if (worse(s[0], id[0], score, candidate)) {
                s[0] = score;
                id[0] = candidate;
                siftDown(0, size);
            }
        }

        private void siftDown(int i, int n) {
            while (true) {
                int l = 2 * i + 1, r = l + 1, m = i;
                if (l < n && worse(s[l], id[l], s[m], id[m])) m = l;
                if (r < n && worse(s[r], id[r], s[m], id[m])) m = r;
                if (m == i) return;
                swap(i, m);
                i = m;
            }
        }

        private void swap(int a, int b) {
            float ts = s[a];
            s[a] = s[b];
            s[b] = ts;
            int ti = id[a];
            id[a] = id[b];
            id[b] = ti;
        }

        /**
         * Writes the held pairs nearest first into ids/scores from off (k places), and empties the heap.
         *
         * @param ids receives the ids, k places from off
         * @param scores receives the scores, k places from off
         * @param off where the first pair goes
         */
        public void drainSorted(int[] ids, float[] scores, int off) {
            Arrays.fill(ids, off, off + k, -1);
            Arrays.fill(scores, off, off + k, Float.POSITIVE_INFINITY);
            for (int n = size; n > 0; n--) {
                ids[off + n - 1] = id[0];
                scores[off + n - 1] = s[0];
                swap(0, n - 1);
                siftDown(0, n - 1);
            }
            size = 0;
        }
    }
}
