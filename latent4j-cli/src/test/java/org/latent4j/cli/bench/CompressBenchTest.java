package org.latent4j.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.cli.UsageException;
import org.latent4j.tensor.Tensor;

/** The parts of {@code bench compress} around the measurements: its list of specs, its medians, and a measured Flat spec. */
class CompressBenchTest {

    private static Tensor gaussian(SplittableRandom r, int n, int d) {
        float[] v = new float[n * d];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.wrap(v, n, d);
    }

    @Test
    void measuresAFlatSpecAtFullRecallAndItsBytes() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        Tensor base = gaussian(r, 300, 5), queries = gaussian(r, 20, 5);
        CompressBench.Data data = new CompressBench.Data("test", base, queries, 4, org.latent4j.compress.ExactSearch.search(base, queries, 4,
                org.latent4j.compress.Metric.L2), 0);
        CompressBench.Result m = CompressBench.measure(data, "Flat", org.latent4j.compress.FitOptions.defaults());
        assertEquals(List.of(20, 1.0, 1.0, 1.0), List.of(m.bytes(), m.recallAtK(), m.recall1At1(), m.recall1AtK()));
        assertTrue(m.fitSeconds() >= 0 && m.encodeVectorsPerSecond() > 0 && m.searchQueriesPerSecond() > 0, m.toString());
        // a coarse code finds fewer of the true neighbours, and the measured recall says so
        CompressBench.Result sq = CompressBench.measure(data, "SQ4", org.latent4j.compress.FitOptions.defaults());
        assertTrue(sq.recallAtK() < 1 && sq.recallAtK() > 0.3, sq.toString());
        assertEquals(3, sq.bytes());
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
