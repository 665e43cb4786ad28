package org.latent4j.compress.search;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.latent4j.compress.CodeIndex;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.tensor.Tensor;

/** Re-ranking against brute force: the exact k best among the inner index's candidates, with exact scores. */
class RerankingIndexTest {
    private static double exact(float[] x, int a, float[] y, int b, int d, Metric metric) {
        double s = 0;
        for (int p = 0; p < d; p++) {
            double u = x[a * d + p], v = y[b * d + p];
            s += metric == Metric.L2 ? (u - v) * (u - v) : -u * v;
        }
        return s;
    }

    @Test
    void returnsTheExactBestAmongTheCandidatesAndTheTrueNeighboursWhenAllAreCandidates() {
        SplittableRandom r = new SplittableRandom(1);
        for (Metric metric : Metric.values()) {
            int m = 4, dsub = 3, d = 12, n = 700, nq = 9, k = 5, cand = 40;
            float[] x = ToyPq.data(r, n + nq, d);
            float[] base = Arrays.copyOf(x, n * d), q = Arrays.copyOfRange(x, n * d, (n + nq) * d);
            ToyPq pq = new ToyPq(m, dsub, 16, metric, x, n, r);
            CodeIndex inner = new LookupTableScan(pq, pq.encode8(base, n), m, n, metric);
            Tensor qt = Tensor.wrap(q, nq, d);
            Neighbours candidates = inner.search(qt, cand);
            Neighbours got = new RerankingIndex(inner, base, d, cand).search(qt, k);
            Neighbours all = new RerankingIndex(inner, Tensor.wrap(base, n, d), n).search(qt, k);
            for (int i = 0; i < nq; i++) {
                int qi = i;
                Integer[] pool = IntStream.range(0, cand).mapToObj(c -> candidates.id(qi, c)).toArray(Integer[]::new);
                Comparator<Integer> byExact = Comparator.<Integer>comparingDouble(v -> exact(q, qi, base, v, d, metric)).thenComparingInt(v -> v);
                Arrays.sort(pool, byExact);
                Integer[] everyone = IntStream.range(0, n).boxed().toArray(Integer[]::new);
                Arrays.sort(everyone, byExact);
                for (int rank = 0; rank < k; rank++) {
                    assertEquals(pool[rank], got.id(i, rank), metric + " query " + i + " rank " + rank);
                    assertEquals(exact(q, i, base, pool[rank], d, metric), got.score(i, rank), 1e-4 * (1 + Math.abs(got.score(i, rank))));
                    assertEquals(everyone[rank], all.id(i, rank), metric + " all candidates: query " + i + " rank " + rank);
                }
            }
        }
    }

    @Test
    void refusesVectorsThatDoNotMatchTheIndex() {
        SplittableRandom r = new SplittableRandom(2);
        float[] x = ToyPq.data(r, 10, 4);
        ToyPq pq = new ToyPq(2, 2, 8, Metric.L2, x, 10, r);
        CodeIndex inner = new LookupTableScan(pq, pq.encode8(x, 10), 2, 10, Metric.L2);
        var e = assertThrows(IllegalArgumentException.class, () -> new RerankingIndex(inner, new float[39], 4, 5));
        assertTrue(e.getMessage().contains("10 x 4 = 40 floats"), e.getMessage());
        RerankingIndex index = new RerankingIndex(inner, x, 4, 5);
        e = assertThrows(IllegalArgumentException.class, () -> index.search(Tensor.wrap(new float[3], 1, 3), 2));
        assertTrue(e.getMessage().contains("rows of 4"), e.getMessage());
    }
}
