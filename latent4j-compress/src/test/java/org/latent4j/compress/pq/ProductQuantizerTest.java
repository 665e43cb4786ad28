package org.latent4j.compress.pq;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Metric;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * {@link ProductQuantizer} against brute force: codes are the nearest centroid per sub-space by exhaustive search,
 * decoding concatenates centroids, ADC scores equal the distance to the decoded vector; the bit layout by known
 * answers; state round trips, determinism and refusals.
 */
class ProductQuantizerTest {
    static final FitOptions FAST = FitOptions.defaults().withKmeansIterations(6);

    /** Gaussian rows with unequal scales per dimension, so sub-spaces differ. */
    static Tensor data(int n, int d, long seed) {
        float[] x = new Rng(seed).normal(0, 1, n, d).toArray();
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) x[i * d + j] *= 1 + (j % 5);
        return Tensor.wrap(x, n, d);
    }

    static ProductQuantizer pq(String token, Tensor x, FitOptions o) {
        return (ProductQuantizer) Compressors.fit(token, x, o);
    }

    @Test
    void codesAreTheNearestCentroidPerSubspaceAndDecodeConcatenatesThem() {
        Tensor x = data(600, 12, 1);
        float[] xd = x.toArray();
        for (String token : List.of("PQ4x8", "PQ3x5", "PQ6x4", "PQ12x3", "PQ2x1")) {
            ProductQuantizer q = pq(token, x, FAST);
            int m = q.m(), ksub = q.ksub(), dsub = q.subDimension();
            assertEquals((m * q.nbits() + 7) / 8, q.codeSize(), token);
            float[] c = q.centroids();
            byte[] codes = q.encode(x);
            float[] decoded = q.decode(codes, 600).toArray();
            for (int i = 0; i < 600; i++) {
                for (int j = 0; j < m; j++) {
                    double best = Double.POSITIVE_INFINITY;
                    for (int k = 0; k < ksub; k++) {
                        double s = 0;
                        for (int p = 0; p < dsub; p++) {
                            double e = xd[i * 12 + j * dsub + p] - c[(j * ksub + k) * dsub + p];
                            s += e * e;
                        }
                        best = Math.min(best, s);
                    }
                    int got = q.centroidIndex(codes, i * q.codeSize(), j);
                    double s = 0;
                    for (int p = 0; p < dsub; p++) {
                        double e = xd[i * 12 + j * dsub + p] - c[(j * ksub + got) * dsub + p];
                        s += e * e;
                        assertEquals(c[(j * ksub + got) * dsub + p], decoded[i * 12 + j * dsub + p], 0, token + " decode");
                    }
                    // the fused search ranks in float: a different choice is allowed only at a float tie
                    assertEquals(best, s, 1e-5 * (1 + best), token + " row " + i + " sub-space " + j);
                }
            }
        }
    }

    @Test
    void adcScoresAreDistancesToTheDecodedVectorsForL2AndInnerProduct() {
        Tensor x = data(500, 16, 2), queries = data(7, 16, 3);
        for (String token : List.of("PQ4x8", "PQ8x4", "PQ16x3")) {
            ProductQuantizer q = pq(token, x, FAST);
            byte[] codes = q.encode(x);
            float[] dec = q.decode(codes, 500).toArray(), qd = queries.toArray();
            for (Metric metric : Metric.values()) {
                CodeDistance dist = q.distance(metric);
                float[] scores = new float[500];
                for (int k = 0; k < 7; k++) {
                    dist.setQuery(qd, k * 16);
                    dist.scores(codes, 0, 500, scores, 0);
                    for (int i = 0; i < 500; i++) {
                        double want = 0, scale = 0;
                        for (int p = 0; p < 16; p++) {
                            double a = qd[k * 16 + p], b = dec[i * 16 + p];
                            want += metric == Metric.L2 ? (a - b) * (a - b) : -a * b;
                            scale += Math.abs(metric == Metric.L2 ? (a - b) * (a - b) : a * b);
                        }
                        assertEquals(want, scores[i], 1e-5 * (1 + scale), token + " " + metric + " code " + i);
                    }
                    // a sub-range lands at the output offset
                    float[] part = new float[10];
                    dist.scores(codes, 100, 105, part, 3);
                    for (int i = 0; i < 5; i++) assertEquals(scores[100 + i], part[3 + i], 0);
                }
            }
        }
    }

    @Test
    void bitLayoutIsOneLeastSignificantBitFirstStream() {
        // one-dimensional sub-spaces whose centroid c is the value c: a row (a, b, e) encodes to the indices a, b, e
        for (int nbits : new int[] {8, 4, 3}) {
            int ksub = 1 << nbits;
            float[] cent = new float[3 * ksub];
            for (int j = 0; j < 3; j++) for (int c = 0; c < ksub; c++) cent[j * ksub + c] = c;
            ProductQuantizer q = new ProductQuantizer(3, 3, nbits, cent);
            int[] idx = nbits == 8 ? new int[] {200, 7, 131} : nbits == 4 ? new int[] {5, 9, 14} : new int[] {5, 1, 6};
            byte[] code = q.encode(Tensor.of(new float[] {idx[0], idx[1], idx[2]}, 1, 3));
            int[] want = switch (nbits) {
                case 8 -> new int[] {200, 7, 131};
                case 4 -> new int[] {5 | 9 << 4, 14};          // sub-space 2i low nibble, 2i+1 high nibble
                default -> new int[] {5 | 1 << 3 | (6 << 6) & 0xff, 6 >>> 2}; // bits 0-2, 3-5, 6-8
            };
            assertEquals(want.length, code.length, "nbits " + nbits);
            for (int b = 0; b < want.length; b++) assertEquals(want[b], code[b] & 0xff, "nbits " + nbits + " byte " + b);
            for (int j = 0; j < 3; j++) assertEquals(idx[j], q.centroidIndex(code, 0, j));
            assertArrayEquals(new float[] {idx[0], idx[1], idx[2]}, q.decode(code, 1).toArray(), 0);
        }
    }

    @Test
    void stateAndLoadGiveIdenticalCodesAndScores() {
        Tensor x = data(400, 12, 4);
        Compressor q = Compressors.fit("PQ6x6", x, FAST);
        List<StageState> states = Compressors.states(q);
        assertEquals("PQ", states.getFirst().kind());
        Compressor back = Compressors.load(states);
        assertEquals("PQ6x6", back.token());
        assertArrayEquals(q.encode(x), back.encode(x));
        float[] a = new float[400], b = new float[400];
        CodeDistance da = q.distance(Metric.L2), db = back.distance(Metric.L2);
        byte[] codes = q.encode(x);
        da.setQuery(x.toArray(), 12);
        db.setQuery(x.toArray(), 12);
        da.scores(codes, 0, 400, a, 0);
        db.scores(codes, 0, 400, b, 0);
        assertArrayEquals(a, b, 0);
        // a state whose centroids do not match its token is refused in one line
        StageState bad = new StageState("PQ", "PQ6x5", "{}", states.getFirst().tensors());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compressors.load(List.of(bad)));
        assertTrue(e.getMessage().contains("[6, 32, d/m]"), e.getMessage());
    }

    @Test
    void fitIsAFunctionOfTheSeedNotOfTheThreadCount() {
        Tensor x = data(700, 16, 5);
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = pq("PQ4x8", x, FAST).centroids();
            Parallel.setThreads(3);
            float[] three = pq("PQ4x8", x, FAST).centroids();
            assertArrayEquals(one, three, 0);
            assertFalse(java.util.Arrays.equals(one, pq("PQ4x8", x, FAST.withSeed(9)).centroids()), "another seed, other centroids");
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void badTokensAndTooFewRowsAreRefusedInOneLine() {
        assertRefused("PQ5", 12, "m = 5 must divide the dimension 12");
        assertRefused("PQ4x9", 12, "nbits must be between 1 and 8");
        assertRefused("PQ4x0", 12, "nbits must be between 1 and 8");
        assertRefused("PQ0", 12, "at least 1");
        assertRefused("PQ99999999999", 12, "too large");
        assertRefused("PQ4,PQ4", 12, "must come last");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compressors.fit("PQ4x8", data(100, 12, 6), FAST));
        assertEquals("PQ4x8: needs at least 256 training rows (one per centroid), got 100", e.getMessage());
        // 4 bits need only 16 rows
        assertEquals(2, Compressors.fit("PQ4x4", data(16, 12, 6), FAST).codeSize());
    }

    static void assertRefused(String spec, int d, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compressors.validate(spec, d), spec);
        assertTrue(e.getMessage().contains(part), spec + ": " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void hotStartContinuesFromTheGivenCentroids() {
        Tensor x = data(300, 8, 7);
        float[] xd = x.toArray();
        ProductQuantizer start = ProductQuantizer.train(xd, 300, 8, 2, 4, 3, new Rng(1), null, null, "t");
        // zero iterations from a hot start: the very same centroids
        ProductQuantizer same = ProductQuantizer.train(xd, 300, 8, 2, 4, 0, new Rng(2), start, null, "t");
        assertArrayEquals(start.centroids(), same.centroids(), 0);
        // further iterations never raise the training error (Lloyd's monotonicity)
        ProductQuantizer more = ProductQuantizer.train(xd, 300, 8, 2, 4, 5, new Rng(2), start, null, "t");
        assertTrue(error(more, x) <= error(start, x) * (1 + 1e-6), error(start, x) + " -> " + error(more, x));
    }

    static double error(Compressor c, Tensor x) {
        float[] a = x.toArray(), b = c.decode(c.encode(x), x.dim(0)).toArray();
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        return s / x.dim(0);
    }
}
