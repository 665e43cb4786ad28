package org.latent4j.core.quantize;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.latent4j.core.quantize.KMeans.EmptyClusters;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** The empty-cluster treatments of {@link KMeans}: kept where they were, or splitting the largest cluster. */
class KMeansTest {
    /** 60 points around (2, 4) and 40 around (10, 10), jittered deterministically. */
    private static Tensor twoBlobs() {
        float[] x = new float[100 * 2];
        float[] noise = new Rng(1).uniform(-0.5f, 0.5f, 100, 2).toArray();
        for (int i = 0; i < 100; i++) {
            x[i * 2] = (i < 60 ? 2 : 10) + noise[i * 2];
            x[i * 2 + 1] = (i < 60 ? 4 : 10) + noise[i * 2 + 1];
        }
        return Tensor.of(x, 100, 2);
    }

    private static float[] mean(Tensor points, int from, int to) {
        float[] x = points.toArray();
        double a = 0, b = 0;
        for (int i = from; i < to; i++) {
            a += x[i * 2];
            b += x[i * 2 + 1];
        }
        return new float[] {(float) (a / (to - from)), (float) (b / (to - from))};
    }

    @Test
    void anEmptyCentreIsKeptByDefaultAndSplitsTheLargestClusterWhenAsked() {
        Tensor points = twoBlobs();
        // the third centre is far from every point: no point chooses it
        Tensor start = Tensor.of(new float[] {1, 1, 9, 9, 1000, 1000}, 3, 2);
        float[] kept = KMeans.lloyd(points, start, false).toArray();
        assertEquals(1000, kept[4], 0);
        assertEquals(1000, kept[5], 0);

        float[] split = KMeans.lloyd(points, start, false, EmptyClusters.SPLIT_LARGEST).toArray();
        float[] a = mean(points, 0, 60), b = mean(points, 60, 100);
        float e = KMeans.SPLIT_EPS;
        // the largest cluster (60 points) is split: the copy goes up in even coordinates, the original down
        assertEquals(a[0] * (1 - e), split[0], 1e-5f);
        assertEquals(a[1] * (1 + e), split[1], 1e-5f);
        assertEquals(a[0] * (1 + e), split[4], 1e-5f);
        assertEquals(a[1] * (1 - e), split[5], 1e-5f);
        assertEquals(b[0], split[2], 1e-5f);
        assertEquals(b[1], split[3], 1e-5f);
        // the next iteration shares the big blob between the two halves: every cluster has points
        Tensor next = KMeans.lloyd(points, Tensor.of(split, 3, 2), false, EmptyClusters.SPLIT_LARGEST);
        int[] counts = new int[3];
        for (int c : KMeans.assign(points, next, false)) counts[c]++;
        for (int c = 0; c < 3; c++) assertTrue(counts[c] > 0, "cluster " + c + " has points: " + java.util.Arrays.toString(counts));
        assertEquals(40, counts[1]);
    }

    @Test
    void severalEmptyCentresSplitSeveralClustersAndIdenticalPointsStopTheSplitting() {
        float[] centres = {0, 0, 5, 5, 0, 0, 0, 0};
        int[] counts = {10, 7, 0, 0};
        // the first empty centre halves cluster 0 (10 -> 5 + 5), the second then splits cluster 1 (7 is now the largest)
        assertEquals(2, KMeans.splitEmpty(centres, counts, 4, 2));
        assertArrayEquals(new int[] {5, 4, 5, 3}, counts);
        assertEquals(5 * (1 + KMeans.SPLIT_EPS), centres[6], 1e-6f);
        assertEquals(5 * (1 - KMeans.SPLIT_EPS), centres[7], 1e-6f);
        // one point per cluster already: nothing can be split
        int[] single = {1, 1, 0};
        assertEquals(0, KMeans.splitEmpty(new float[6], single, 3, 2));
    }

    @Test
    void fitWithSplittingUsesEveryCentreOnClusteredDataAndIsDeterministic() {
        // 8 tight blobs, 16 centres: every centre ends with points, and the same seed gives the same bits
        Rng rng = new Rng(5);
        int n = 800, d = 4;
        float[] c = rng.normal(0, 10, 8, d).toArray(), noise = rng.normal(0, 0.3f, n, d).toArray(), x = new float[n * d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) x[i * d + j] = c[(i % 8) * d + j] + noise[i * d + j];
        Tensor points = Tensor.of(x, n, d);
        Tensor fitted = KMeans.fit(points, 16, 10, false, EmptyClusters.SPLIT_LARGEST, new Rng(2));
        int[] counts = new int[16];
        for (int a : KMeans.assign(points, fitted, false)) counts[a]++;
        for (int k = 0; k < 16; k++) assertTrue(counts[k] > 0, java.util.Arrays.toString(counts));
        assertArrayEquals(fitted.toArray(), KMeans.fit(points, 16, 10, false, EmptyClusters.SPLIT_LARGEST, new Rng(2)).toArray(), 0);
    }

    @Test
    void randomRowSeedingPicksDistinctRowsInProportionToTheDataNotToItsSpread() {
        // a dense blob of 3,000 points near the origin and a sparse one of 1,000 far away and wide: uniform rows
        // put three quarters of the seeds in the dense blob, where D^2 sampling would favour the far, wide one
        Rng rng = new Rng(8);
        int n = 4000, d = 3, k = 400;
        float[] x = new float[n * d], near = rng.normal(0, 0.1f, n, d).toArray(), far = rng.normal(0, 5f, n, d).toArray();
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) x[i * d + j] = i < 3000 ? near[i * d + j] : 100 + far[i * d + j];
        Tensor points = Tensor.of(x, n, d);
        float[] s = KMeans.seedRandomRows(points, k, new Rng(1)).toArray();
        java.util.Set<Integer> rows = new java.util.HashSet<>();
        int dense = 0;
        for (int c = 0; c < k; c++) {
            int row = -1;
            for (int i = 0; i < n && row < 0; i++) {
                if (x[i * d] == s[c * d] && x[i * d + 1] == s[c * d + 1] && x[i * d + 2] == s[c * d + 2]) row = i;
            }
            assertTrue(row >= 0, "seed " + c + " is not a row of the data");
            rows.add(row);
            if (row < 3000) dense++;
        }
        assertEquals(k, rows.size(), "seeds are distinct rows");
        // hypergeometric: mean 300, sd about 7.5; 5 sd either side
        assertTrue(Math.abs(dense - 300) < 38, dense + " of " + k + " seeds in the dense blob");
        assertArrayEquals(s, KMeans.seedRandomRows(points, k, new Rng(1)).toArray(), 0);
        assertThrows(IllegalArgumentException.class, () -> KMeans.seedRandomRows(Tensor.of(new float[6], 2, 3), 3, new Rng(1)));
    }
}
