package org.latent4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/** The ground truth against a plain double-precision brute force, ties, short bases and thread counts. */
class ExactSearchTest {
    private static int[] bruteForce(float[] base, int n, float[] q, int qi, int d, int k, Metric metric) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            double v = 0;
            for (int j = 0; j < d; j++) {
                double a = q[qi * d + j], b = base[i * d + j];
                v += metric == Metric.L2 ? (a - b) * (a - b) : -a * b;
            }
            s[i] = v;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> s[i]).thenComparingInt(i -> i));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) out[i] = order[i];
        return out;
    }

    @Test
    void matchesBruteForceForL2AndInnerProductOverSeveralBlocks() {
        int n = 2500, d = 24, nq = 70, k = 7;
        Tensor base = new Rng(1).normal(3f, 1f, n, d), queries = new Rng(2).normal(3f, 1f, nq, d);
        for (Metric metric : Metric.values()) {
            Neighbours found = ExactSearch.search(base, queries, k, metric);
            float[] b = base.toArray(), q = queries.toArray();
            for (int qi = 0; qi < nq; qi++) {
                int[] expected = bruteForce(b, n, q, qi, d, k, metric);
                assertArrayEquals(expected, Arrays.copyOfRange(found.ids(), qi * k, qi * k + k), metric + " query " + qi);
                double s = 0;
                for (int j = 0; j < d; j++) {
                    double u = q[qi * d + j], v = b[expected[0] * d + j];
                    s += metric == Metric.L2 ? (u - v) * (u - v) : -u * v;
                }
                assertEquals(s, found.score(qi, 0), 1e-4 * Math.abs(s));
            }
        }
    }

    @Test
    void tiesGoToTheSmallerIdAndAShortBaseLeavesEmptyPlaces() {
        float[] base = {1, 1, 0, 0, 1, 1, 5, 5};
        Neighbours found = ExactSearch.search(Tensor.wrap(base, 4, 2), Tensor.wrap(new float[] {1, 1}, 1, 2), 6, Metric.L2);
        assertArrayEquals(new int[] {0, 2, 1, 3, -1, -1}, found.ids());
        assertEquals(Float.POSITIVE_INFINITY, found.score(0, 5));
    }

    @Test
    void theResultDoesNotDependOnTheThreadCount() {
        Tensor base = new Rng(3).normal(0f, 1f, 1000, 16), queries = new Rng(4).normal(0f, 1f, 130, 16);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Neighbours one = ExactSearch.search(base, queries, 10, Metric.L2);
            Parallel.setThreads(3);
            Neighbours three = ExactSearch.search(base, queries, 10, Metric.L2);
            assertArrayEquals(one.ids(), three.ids());
            assertArrayEquals(one.scores(), three.scores());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void refusesMismatchedWidthsAndBadK() {
        Tensor base = Tensor.zeros(3, 4);
        assertThrows(IllegalArgumentException.class, () -> ExactSearch.search(base, Tensor.zeros(2, 5), 1, Metric.L2));
        assertThrows(IllegalArgumentException.class, () -> ExactSearch.search(base, Tensor.zeros(2, 4), 0, Metric.L2));
    }
}
