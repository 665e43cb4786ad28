package org.latent4j.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.latent4j.cli.UsageException;
import org.latent4j.compress.Neighbours;
import org.latent4j.tensor.Tensor;

/** The measuring parts of {@code bench compress}: its exact neighbours, its recalls and its list of specs. */
class CompressBenchTest {

    private static Tensor gaussian(SplittableRandom r, int n, int d) {
        float[] v = new float[n * d];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.wrap(v, n, d);
    }

    @Test
    void exactNeighboursAreThoseOfABruteForceSearchInDouble() {
        SplittableRandom r = new SplittableRandom(7);
        int n = 700, d = 13, nq = 300, k = 7; // more queries than one block, so blocks and their offsets are exercised
        Tensor base = gaussian(r, n, d), queries = gaussian(r, nq, d);
        Neighbours found = CompressBench.exactNeighbours(base, queries, k);
        for (int q = 0; q < nq; q++) {
            double[] dist = new double[n];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    double e = (double) queries.data()[q * d + j] - base.data()[i * d + j];
                    s += e * e;
                }
                dist[i] = s;
            }
            int[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> dist[i])).mapToInt(Integer::intValue).toArray();
            for (int j = 0; j < k; j++) {
                assertEquals(order[j], found.id(q, j), "query " + q + " rank " + j);
                assertEquals(dist[order[j]], found.score(q, j), 1e-4 * (1 + dist[order[j]]), "query " + q + " rank " + j + "'s squared distance");
            }
        }
    }

    @Test
    void recallsCountWhatTheyDefine() {
        // truth: query 0 -> 1 2 3, query 1 -> 4 5 6
        Neighbours truth = new Neighbours(2, 3, new int[] {1, 2, 3, 4, 5, 6}, new float[6]);
        // query 0 finds 2 of its 3 (nearest second), query 1 finds 1 of 3 (its nearest first)
        Neighbours found = new Neighbours(2, 3, new int[] {9, 1, 3, 4, 8, 7}, new float[6]);
        assertEquals(3.0 / 6, CompressBench.knnRecall(found, truth, 3), 1e-12);
        assertEquals(0.5, CompressBench.oneRecall(found, truth, 1), 1e-12);
        assertEquals(1.0, CompressBench.oneRecall(found, truth, 2), 1e-12);
        assertEquals(1.0, CompressBench.knnRecall(truth, truth, 3), 1e-12);
    }

    @Test
    void specsAreSeparatedBySemicolonsOrSpacesAndKeepTheirCommas() {
        assertEquals(List.of("PQ16", "OPQ16,PQ16", "SQ8"), CompressBench.specs(" PQ16;OPQ16,PQ16  SQ8; "));
        assertThrows(UsageException.class, () -> CompressBench.specs(" ; "));
    }

    @Test
    void theMedianRunTakesEachTimingsMedian() {
        List<CompressBench.Result> runs = List.of(
                new CompressBench.Result("PQ8", "PQ8x8", "ScanIndex", 8, 3, 100, 0.1, 50, 0.4, 0.3, 0.9),
                new CompressBench.Result("PQ8", "PQ8x8", "ScanIndex", 8, 1, 300, 0.3, 70, 0.4, 0.3, 0.9),
                new CompressBench.Result("PQ8", "PQ8x8", "ScanIndex", 8, 2, 200, 0.2, 60, 0.4, 0.3, 0.9));
        CompressBench.Result m = CompressBench.median(runs);
        assertArrayEquals(new double[] {2, 200, 0.2, 60}, new double[] {m.fitSeconds(), m.encodeVectorsPerSecond(), m.indexSeconds(),
                m.searchQueriesPerSecond()});
        assertEquals(0.4, m.recallAtK());
        assertEquals(Arrays.asList(8, "PQ8x8"), Arrays.asList(m.bytes(), m.token()));
    }
}
