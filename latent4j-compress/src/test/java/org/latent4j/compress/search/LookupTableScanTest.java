package org.latent4j.compress.search;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.parallel.Parallel;

/** The byte-code table scan against a brute-force sort of j-order sums, on both kernels and any thread count. */
class LookupTableScanTest {
    /** Each query's k best ids by (score, id), scores the j-order float sums the contract promises. */
    static int[] bruteForce(LookupTables t, byte[] codes, int codeSize, int n, float[] q, int nq, int k, float[][] scoresOut) {
        int m = t.subspaces(), ksub = t.ksub();
        int[] out = new int[nq * k];
        Arrays.fill(out, -1);
        float[] lut = new float[m * ksub];
        for (int i = 0; i < nq; i++) {
            float c = t.build(q, i * t.dimension(), lut);
            float[] s = new float[n];
            for (int v = 0; v < n; v++) {
                float acc = 0f;
                for (int j = 0; j < m; j++) acc += lut[j * ksub + (codes[v * codeSize + j] & 0xFF)];
                s[v] = c + acc;
            }
            // selection by (score, id), one rank at a time: the smallest pair above the previous rank's
            for (int r = 0; r < Math.min(k, n); r++) {
                int best = -1;
                int prev = r == 0 ? -1 : out[i * k + r - 1];
                for (int v = 0; v < n; v++) {
                    if (prev >= 0 && (s[v] < s[prev] || (s[v] == s[prev] && v <= prev))) continue;
                    if (best < 0 || s[v] < s[best] || (s[v] == s[best] && v < best)) best = v;
                }
                out[i * k + r] = best;
            }
            scoresOut[i] = s;
        }
        return out;
    }

    private static void assertMatches(int[] want, float[][] scores, Neighbours got, String what) {
        int k = got.k();
        for (int i = 0; i < got.queries(); i++) {
            for (int r = 0; r < k; r++) {
                int id = want[i * k + r];
                assertEquals(id, got.id(i, r), what + " query " + i + " rank " + r);
                if (id >= 0) assertEquals(Float.floatToIntBits(scores[i][id]), Float.floatToIntBits(got.score(i, r)), what + " score");
                else assertEquals(Float.POSITIVE_INFINITY, got.score(i, r));
            }
        }
    }

    @Test
    void findsTheBruteForceNeighboursWithTheSameScoresOnBothKernelsAndMetrics() {
        SplittableRandom r = new SplittableRandom(1);
        for (Metric metric : Metric.values()) {
            for (int m : new int[] {1, 3, 8}) {
                int dsub = 2, d = m * dsub, n = 1001, nq = 7, k = 10;
                float[] x = ToyPq.data(r, n + nq, d);
                ToyPq pq = new ToyPq(m, dsub, m == 3 ? 100 : 256, metric, x, n, r);
                byte[] codes = pq.encode8(x, n);
                float[] q = Arrays.copyOfRange(x, n * d, (n + nq) * d);
                float[][] scores = new float[nq][];
                int[] want = bruteForce(pq, codes, m, n, q, nq, k, scores);
                for (boolean simd : new boolean[] {false, true}) {
                    try (var use = simd ? Kernels.useSimd() : Kernels.useScalar()) {
                        Neighbours got = new LookupTableScan(pq, codes, m, n, metric).search(Tensor.wrap(q, nq, d), k);
                        assertMatches(want, scores, got, metric + " m=" + m + (simd ? " simd" : " scalar"));
                    }
                }
            }
        }
    }

    @Test
    void resultsAreIdenticalForAnyThreadCountWithFewAndManyQueries() {
        SplittableRandom r = new SplittableRandom(2);
        int m = 4, dsub = 2, d = 8, n = 3 * ExhaustiveSearch.CHUNK + 17, k = 5;
        float[] x = ToyPq.data(r, n + 41, d);
        ToyPq pq = new ToyPq(m, dsub, 16, Metric.L2, x, n, r);
        // coarse codes (16 centroids of 4 sub-spaces): many exact ties, which must go to the smaller id
        byte[] codes = pq.encode8(x, n);
        LookupTableScan index = new LookupTableScan(pq, codes, m, n, Metric.L2);
        int saved = Parallel.threads();
        try {
            for (int nq : new int[] {1, 41}) {
                Tensor q = Tensor.wrap(Arrays.copyOfRange(x, n * d, (n + nq) * d), nq, d);
                float[][] scores = new float[nq][];
                int[] want = bruteForce(pq, codes, m, n, q.data(), nq, k, scores);
                for (int threads : new int[] {1, 2, 3}) {
                    Parallel.setThreads(threads);
                    assertMatches(want, scores, index.search(q, k), nq + " queries, " + threads + " threads");
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void fewerCodesThanKLeaveMinusOneAndTheDistanceMatchesTheIndex() {
        SplittableRandom r = new SplittableRandom(3);
        int m = 2, d = 4, n = 3;
        float[] x = ToyPq.data(r, n + 1, d);
        ToyPq pq = new ToyPq(m, 2, 8, Metric.INNER_PRODUCT, x, n, r);
        byte[] codes = pq.encode8(x, n);
        Tensor q = Tensor.wrap(Arrays.copyOfRange(x, n * d, (n + 1) * d), 1, d);
        Neighbours got = new LookupTableScan(pq, codes, m, n, Metric.INNER_PRODUCT).search(q, 5);
        assertEquals(-1, got.id(0, 3));
        assertEquals(-1, got.id(0, 4));
        CodeDistance dist = LookupTableScan.distance(pq, m);
        dist.setQuery(q.data(), 0);
        float[] s = new float[n];
        dist.scores(codes, 0, n, s, 0);
        for (int rank = 0; rank < 3; rank++) assertEquals(s[got.id(0, rank)], got.score(0, rank));
        assertTrue(got.score(0, 0) <= got.score(0, 1) && got.score(0, 1) <= got.score(0, 2));
    }

    @Test
    void badArgumentsAreRefusedWithOneClearMessage() {
        SplittableRandom r = new SplittableRandom(4);
        float[] x = ToyPq.data(r, 10, 4);
        ToyPq pq = new ToyPq(2, 2, 8, Metric.L2, x, 10, r);
        var e = assertThrows(IllegalArgumentException.class, () -> new LookupTableScan(pq, new byte[19], 2, 10, Metric.L2));
        assertTrue(e.getMessage().contains("need 20 bytes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LookupTableScan(pq, new byte[20], 1, 10, Metric.L2));
        assertTrue(e.getMessage().contains("cannot hold 2"), e.getMessage());
        LookupTableScan index = new LookupTableScan(pq, new byte[20], 2, 10, Metric.L2);
        e = assertThrows(IllegalArgumentException.class, () -> index.search(Tensor.wrap(new float[5], 1, 5), 3));
        assertTrue(e.getMessage().contains("rows of 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> index.search(Tensor.wrap(new float[4], 1, 4), 0));
        assertTrue(e.getMessage().contains("k must be"), e.getMessage());
    }
}
