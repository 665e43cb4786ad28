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
    void sampledSeedingPicksDistinctDataPointsFromItsSampleAndSpreadsOverTheBlobs() {
        Rng rng = new Rng(8);
        int n = 4000, d = 3;
        float[] c = rng.normal(0, 20, 4, d).toArray(), noise = rng.normal(0, 0.1f, n, d).toArray(), x = new float[n * d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) x[i * d + j] = c[(i % 4) * d + j] + noise[i * d + j];
        Tensor points = Tensor.of(x, n, d);
        // 4 centres from a sample of 8 points per centre: every blob gets one (D^2 sampling on well separated blobs)
        float[] s = KMeans.seedSampled(points, 4, 8, new Rng(1)).toArray();
        java.util.Set<Integer> blobs = new java.util.HashSet<>();
        for (int k = 0; k < 4; k++) {
            int nearest = 0;
            double best = Double.POSITIVE_INFINITY;
            for (int b = 0; b < 4; b++) {
                double e = 0;
                for (int j = 0; j < d; j++) e += (s[k * d + j] - c[b * d + j]) * (s[k * d + j] - c[b * d + j]);
                if (e < best) {
                    best = e;
                    nearest = b;
                }
            }
            blobs.add(nearest);
        }
        assertEquals(4, blobs.size());
        assertArrayEquals(s, KMeans.seedSampled(points, 4, 8, new Rng(1)).toArray(), 0);
    }
}
