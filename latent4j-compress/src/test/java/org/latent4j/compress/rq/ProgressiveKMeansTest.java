package org.latent4j.compress.rq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.latent4j.core.quantize.KMeans;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.linalg.Orthogonal;
import org.latent4j.tensor.random.Rng;

class ProgressiveKMeansTest {
    /** n points around k centres spread over a random rotation of d dimensions, offset from the origin. */
    private static Tensor blobs(int k, int perCentre, int d, double spread, double noise, float[] centresOut, Rng rng) {
        double[] q = Orthogonal.random(d, rng.fork(1));
        float[] z = rng.fork(2).normal(0f, 1f, k * 3).toArray(), e = rng.fork(3).normal(0f, 1f, k * perCentre * d).toArray();
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                double v = 3;
                for (int t = 0; t < 3; t++) v += q[j * d + t] * spread * z[c * 3 + t];
                centresOut[c * d + j] = (float) v;
            }
        }
        float[] x = new float[k * perCentre * d];
        for (int i = 0; i < k * perCentre; i++) {
            int c = i % k;
            for (int j = 0; j < d; j++) x[i * d + j] = centresOut[c * d + j] + (float) (noise * e[i * d + j]);
        }
        return Tensor.wrap(x, k * perCentre, d);
    }

    @Test
    void findsWellSeparatedClustersInTheOriginalCoordinates() {
        int k = 6, d = 12;
        float[] truth = new float[k * d];
        Tensor x = blobs(k, 200, d, 10, 0.05, truth, new Rng(3));
        float[] found = ProgressiveKMeans.fit(x, k, ProgressiveKMeans.STEPS, ProgressiveKMeans.ITERATIONS_PER_STEP, new Rng(4)).toArray();
        for (int c = 0; c < k; c++) {
            double best = Double.MAX_VALUE;
            for (int f = 0; f < k; f++) {
                double s = 0;
                for (int j = 0; j < d; j++) s += Math.pow(truth[c * d + j] - found[f * d + j], 2);
                best = Math.min(best, s);
            }
            // the mean of 200 points with noise 0.05 a coordinate lies within about 0.05^2 * 12 / 200 of the centre
            assertTrue(best < 0.01, "centre " + c + " is " + Math.sqrt(best) + " from the nearest found centre");
        }
    }

    @Test
    void itsCentresAreTheMeansOfTheirCellsInTheOriginalSpace() {
        // Residual-like data (Gaussian noise whose variance decays over 48 rotated directions, no clusters): after the
        // last step, in all dimensions, each centre must sit at (nearly) the mean of the points nearest to it in the
        // original coordinates, which fails if the centres were rotated back wrongly or a step dropped coordinates.
        int n = 6000, d = 48, k = 64;
        Rng g = new Rng(11);
        double[] q = Orthogonal.random(d, g.fork(1));
        float[] z = g.fork(2).normal(0f, 1f, n * d).toArray();
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double v = 0.5 * j;
                for (int t = 0; t < d; t++) v += q[j * d + t] * z[i * d + t] / Math.sqrt(1 + t);
                x[i * d + j] = (float) v;
            }
        }
        Tensor points = Tensor.wrap(x, n, d);
        Tensor c = ProgressiveKMeans.fit(points, k, ProgressiveKMeans.STEPS, ProgressiveKMeans.ITERATIONS_PER_STEP, new Rng(5));
        float[] before = c.toArray(), after = KMeans.lloyd(points, c, false).toArray();
        double shift = 0;
        for (int i = 0; i < before.length; i++) shift += Math.pow(before[i] - after[i], 2);
        double error = KMeans.error(points, c), plain = KMeans.error(points, KMeans.fit(points, k, 25, false, new Rng(5)));
        assertTrue(shift / k < 0.01 * error, "a Lloyd step moves the centres by " + shift / k + " (squared, per centre) against an error of " + error);
        // and it clusters about as well as k-means++ with 25 full-width Lloyd iterations (measured: 0.5% lower error)
        assertTrue(error < 1.01 * plain, "progressive " + error + " vs k-means++ and Lloyd " + plain);
    }

    @Test
    void oneStepAndOneCentreGiveTheMean() {
        float[] truth = new float[4 * 5];
        Tensor x = blobs(4, 30, 5, 2, 0.3, truth, new Rng(7));
        float[] c = ProgressiveKMeans.fit(x, 1, 1, 1, new Rng(1)).toArray();
        float[] v = x.toArray();
        for (int j = 0; j < 5; j++) {
            double mean = 0;
            for (int i = 0; i < 120; i++) mean += v[i * 5 + j];
            assertEquals(mean / 120, c[j], 1e-4);
        }
    }

    @Test
    void isDeterministicForASeedAndChecksItsArguments() {
        float[] truth = new float[5 * 8];
        Tensor x = blobs(5, 40, 8, 3, 0.5, truth, new Rng(9));
        assertArrayEquals(ProgressiveKMeans.fit(x, 16, 4, 3, new Rng(2)).toArray(), ProgressiveKMeans.fit(x, 16, 4, 3, new Rng(2)).toArray());
        assertThrows(IllegalArgumentException.class, () -> ProgressiveKMeans.fit(x, 0, 4, 3, new Rng(2)));
        assertThrows(IllegalArgumentException.class, () -> ProgressiveKMeans.fit(x, 4, 0, 3, new Rng(2)));
        assertThrows(IllegalArgumentException.class, () -> ProgressiveKMeans.fit(x, 4, 4, 0, new Rng(2)));
        assertThrows(IllegalArgumentException.class, () -> ProgressiveKMeans.fit(Tensor.wrap(new float[0], 0, 8), 4, 4, 3, new Rng(2)));
    }
}
