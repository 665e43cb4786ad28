package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.tensor.TestTensors.*;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.ops.QuantOps;
import org.latent4j.tensor.parallel.Parallel;

/**
 * The vector-quantization ops: nearest codes and largest inner products against double-precision brute
 * force, thread-count and kernel independence, no steady-state allocation; rounding with a
 * straight-through gradient; segment sums and counts against a double reference.
 */
class QuantOpsTest {

    private static Tensor gaussian(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Shape.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(v, shape);
    }

    private static double distance(Tensor x, int i, Tensor c, int j) {
        double s = 0;
        for (int p = 0; p < x.dim(1); p++) {
            double d = (double) x.get(i, p) - c.get(j, p);
            s += d * d;
        }
        return s;
    }

    private static double product(Tensor x, int i, Tensor c, int j) {
        double s = 0;
        for (int p = 0; p < x.dim(1); p++) s += (double) x.get(i, p) * c.get(j, p);
        return s;
    }

    /** Asserts that each chosen code is a nearest one (within 1e-5) and that its distance is the exact one, rounded. */
    private static void assertNearest(Tensor x, Tensor c, QuantOps.NearestCodes got, String what) {
        int n = x.dim(0), k = c.dim(0);
        assertEquals(n, got.indices().length);
        for (int i = 0; i < n; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) best = Math.min(best, distance(x, i, c, j));
            double chosen = distance(x, i, c, got.indices()[i]);
            assertTrue(chosen <= best * (1 + 1e-5) + 1e-7, what + " row " + i + ": " + chosen + " > nearest " + best);
            assertEquals((float) chosen, got.distances()[i], Math.ulp((float) chosen), what + " row " + i + " distance");
        }
    }

    @Test
    void nearestCodesMatchBruteForceOnAwkwardShapesAndViews() {
        int[][] shapes = {{1, 1, 1}, {7, 9, 8}, {17, 63, 15}, {65, 16, 64}, {1000, 65, 17}, {9, 1000, 7}, {64, 257, 65}};
        long seed = 1;
        for (int[] s : shapes) {
            Tensor x = gaussian(seed++, s[0], s[2]), c = gaussian(seed++, s[1], s[2]);
            QuantOps.NearestCodes got = QuantOps.nearestCodes(x, c);
            assertNearest(x, c, got, java.util.Arrays.toString(s));
            // the norms given, as a caller caching them would
            QuantOps.NearestCodes again = QuantOps.nearestCodes(x, c, QuantOps.codeNorms(c));
            assertArrayEquals(got.indices(), again.indices());
            assertArrayEquals(got.distances(), again.distances());
        }
        // views: columns sliced out of wider rows (read in place, with a row stride) and a transposed view (copied)
        Tensor wide = gaussian(20, 50, 40), cw = gaussian(21, 30, 25);
        Tensor xv = wide.slice(1, 5, 30), cv = cw.t().t().slice(0, 3, 30);
        QuantOps.NearestCodes viewed = QuantOps.nearestCodes(xv, cv);
        assertNearest(xv, cv, viewed, "views");
        QuantOps.NearestCodes copied = QuantOps.nearestCodes(Tensor.of(xv.toArray(), 50, 25), Tensor.of(cv.toArray(), 27, 25));
        assertArrayEquals(copied.indices(), viewed.indices());
        Tensor ct = Tensor.of(gaussian(22, 12, 40).toArray(), 12, 40).t(); // [40, 12] whose rows are strided
        Tensor xt = gaussian(23, 30, 12);
        assertNearest(xt, ct, QuantOps.nearestCodes(xt, ct), "transposed codebook");
    }

    @Test
    void pointsFarFromTheOriginNearTheirCodesGetExactDistances() {
        // ||x||^2 ~ 1.6e7 here: the ranking value ||c||^2 - 2 x.c keeps only about 1 of its 7 digits for the
        // distance, so the chosen code is right only up to that; the reported distance must still be exact
        SplittableRandom r = new SplittableRandom(4);
        int n = 40, k = 30, d = 16;
        float[] cv = new float[k * d], xv = new float[n * d];
        for (int i = 0; i < cv.length; i++) cv[i] = 1000f + (float) r.nextGaussian();
        for (int i = 0; i < n; i++) {
            int j = r.nextInt(k);
            for (int p = 0; p < d; p++) xv[i * d + p] = cv[j * d + p] + 0.001f * (float) r.nextGaussian();
        }
        Tensor x = Tensor.of(xv, n, d), c = Tensor.of(cv, k, d);
        QuantOps.NearestCodes got = QuantOps.nearestCodes(x, c);
        for (int i = 0; i < n; i++) {
            double exact = distance(x, i, c, got.indices()[i]);
            assertEquals((float) exact, got.distances()[i], Math.ulp((float) exact), "row " + i);
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) best = Math.min(best, distance(x, i, c, j));
            // the codes are ~4 apart and the rows 0.004 from theirs: far beyond the rounding of the ranking
            assertEquals(best, exact, 1e-9, "row " + i + " found its own code");
        }
    }

    @Test
    void sameResultForOneTwoAndThreeThreadsAndBothKernels() {
        int saved = Parallel.threads();
        // few rows against many codes (the codes are split between tasks) and many rows against few codes
        Tensor[][] problems = {{gaussian(1, 20, 64), gaussian(2, 65536, 64)}, {gaussian(3, 3000, 24), gaussian(4, 300, 24)}};
        try {
            for (Tensor[] p : problems) {
                Tensor norms = QuantOps.codeNorms(p[1]);
                QuantOps.NearestCodes first = null;
                for (int threads = 1; threads <= 3; threads++) {
                    Parallel.setThreads(threads);
                    for (boolean scalar : new boolean[] {false, true}) {
                        QuantOps.NearestCodes got;
                        if (scalar) {
                            try (var s = Kernels.useScalar()) {
                                got = QuantOps.nearestCodes(p[0], p[1], norms);
                            }
                        } else {
                            got = QuantOps.nearestCodes(p[0], p[1], norms);
                        }
                        if (first == null) {
                            first = got;
                            assertNearest(p[0], p[1], got, "K=" + p[1].dim(0));
                        }
                        String what = "K=" + p[1].dim(0) + " threads=" + threads + (scalar ? " scalar" : " simd");
                        assertArrayEquals(first.indices(), got.indices(), what);
                        assertArrayEquals(first.distances(), got.distances(), what);
                    }
                    assertArrayEquals(QuantOps.codeNorms(p[1]).toArray(), norms.toArray(), "norms, threads=" + threads);
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void equalDistancesGoToTheLowestIndexAndNaNRowsToCodeZero() {
        Tensor c = gaussian(5, 100, 8);
        float[] cv = c.toArray();
        for (int j : new int[] {40, 41, 99}) System.arraycopy(cv, 17 * 8, cv, j * 8, 8);
        Tensor codes = Tensor.of(cv, 100, 8);
        float[] xv = gaussian(6, 5, 8).toArray();
        System.arraycopy(cv, 40 * 8, xv, 8, 8);
        xv[3 * 8 + 2] = Float.NaN;
        QuantOps.NearestCodes got = QuantOps.nearestCodes(Tensor.of(xv, 5, 8), codes);
        assertEquals(17, got.indices()[1], "four equal codes: the lowest index");
        assertEquals(0f, got.distances()[1]);
        assertEquals(0, got.indices()[3]);
        assertTrue(Float.isNaN(got.distances()[3]), "the NaN shows in the distance");
    }

    @Test
    void largestInnerProductForNormalisedCodes() {
        Tensor c = normalised(gaussian(7, 500, 33)), x = normalised(gaussian(8, 300, 33));
        QuantOps.BestInnerProducts got = QuantOps.maxInnerProductCodes(x, c);
        QuantOps.NearestCodes near = QuantOps.nearestCodes(x, c);
        int same = 0;
        for (int i = 0; i < 300; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < 500; j++) best = Math.max(best, product(x, i, c, j));
            double chosen = product(x, i, c, got.indices()[i]);
            assertEquals(best, chosen, 1e-5, "row " + i);
            assertEquals((float) chosen, got.products()[i], Math.ulp((float) chosen), "row " + i + " product");
            if (got.indices()[i] == near.indices()[i]) same++;
        }
        // for unit vectors the largest product is the nearest code (up to rounding of near ties)
        assertTrue(same >= 298, "same code as the Euclidean search for " + same + " of 300 rows");
        int[] one = new int[300];
        QuantOps.maxInnerProductCodesInto(x, c, one, null);
        assertArrayEquals(got.indices(), one);
    }

    private static Tensor normalised(Tensor t) {
        float[] v = t.toArray();
        int d = t.dim(1);
        for (int i = 0; i < t.dim(0); i++) {
            double s = 0;
            for (int p = 0; p < d; p++) s += (double) v[i * d + p] * v[i * d + p];
            for (int p = 0; p < d; p++) v[i * d + p] /= (float) Math.sqrt(s);
        }
        return Tensor.of(v, t.shape());
    }

    @Test
    void noSteadyStateAllocation() {
        Tensor x = gaussian(9, 512, 64), c = gaussian(10, 4096, 64);
        int[] idx = new int[512];
        float[] dist = new float[512];
        Workspace ws = new Workspace();
        Runnable step = () -> {
            try (var s = ws.open()) {
                QuantOps.nearestCodesInto(x, c, QuantOps.codeNorms(c), idx, dist);
            }
        };
        for (int i = 0; i < 20; i++) step.run();
        long fresh = ws.freshAllocations();
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = Thread.getAllStackTraces().keySet().stream().mapToLong(Thread::threadId).toArray();
        // Until C2 has compiled the kernel, the Vector API runs in Java and boxes every vector (hundreds of KB
        // a call); in a JVM busy with other tests that takes a while. Steady state is the best round of ten
        // calls within 30 s.
        long best = Long.MAX_VALUE;
        long until = System.nanoTime() + 30_000_000_000L;
        while (best >= 16_384 && System.nanoTime() < until) {
            long before = total(bean, ids);
            for (int i = 0; i < 10; i++) step.run();
            best = Math.min(best, (total(bean, ids) - before) / 10);
        }
        assertEquals(fresh, ws.freshAllocations(), "the norms come from the workspace after the first call");
        // a 512 x 4096 distance matrix would be 8 MB; what remains is the scope and the pool hand-off's small objects
        assertTrue(best < 16_384, "allocated " + best + " bytes per call");
    }

    private static long total(com.sun.management.ThreadMXBean bean, long[] ids) {
        long s = 0;
        for (long b : bean.getThreadAllocatedBytes(ids)) if (b > 0) s += b;
        return s;
    }

    @Test
    void badShapesNameTheOp() {
        ShapeException e = assertThrows(ShapeException.class, () -> QuantOps.nearestCodes(Tensor.zeros(3, 4), Tensor.zeros(5, 6)));
        assertTrue(e.getMessage().contains("nearestCodes") && e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5, 6]"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> QuantOps.nearestCodes(Tensor.zeros(3, 4), Tensor.zeros(0, 4)));
        assertTrue(e.getMessage().contains("no codes"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> QuantOps.nearestCodes(Tensor.zeros(3, 4), Tensor.zeros(5, 4), Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("norms"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QuantOps.nearestCodesInto(Tensor.zeros(3, 4), Tensor.zeros(5, 4), Tensor.zeros(5), new int[2], null));
        assertEquals(0, QuantOps.nearestCodes(Tensor.zeros(0, 4), Tensor.zeros(5, 4)).indices().length);
    }

    // ---- rounding

    @Test
    void roundGoesHalfToEvenAndKeepsSpecialValues() {
        float[] in = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 0.49999997f, 2.7f, -2.7f, -0.4f, 8388609f, 1e30f,
                Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f};
        float[] want = {0f, 2f, 2f, -0f, -2f, -2f, 0f, 3f, -3f, -0f, 8388609f, 1e30f,
                Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f};
        Tensor x = Tensor.of(in, 4, 4);
        for (Tensor r : new Tensor[] {QuantOps.round(x), QuantOps.roundSte(x), QuantOps.round(x.t()).t()}) {
            float[] got = r.toArray();
            for (int i = 0; i < in.length; i++) assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "round(" + in[i] + ")");
        }
        // a large tensor, in parallel chunks, against Math.rint
        Tensor big = uniform(3, -1000f, 1000f, 100_003);
        float[] got = QuantOps.round(big).toArray(), src = big.toArray();
        for (int i = 0; i < src.length; i++) assertEquals((float) Math.rint(src[i]), got[i]);
    }

    @Test
    void roundSteHandsTheGradientThroughAndRoundHasNone() {
        Tensor x = uniform(1, -3f, 3f, 5, 7);
        Tensor w = uniform(2, -1f, 1f, 5, 7);
        QuantOps.roundSte(x).mul(w).sum().backward();
        assertArrayEquals(w.toArray(), x.grad().toArray(), "d/dx of sum(w * round(x)) is w under the straight-through estimator");
        // through a view and used twice: the gradients add up
        x.clearGrad();
        QuantOps.roundSte(x.t()).sum().add(QuantOps.roundSte(x).mul(w).sum()).backward();
        float[] g = x.grad().toArray(), wv = w.toArray();
        for (int i = 0; i < g.length; i++) assertEquals(1f + wv[i], g[i]);
        assertFalse(QuantOps.round(x).requiresGrad(), "plain round is a constant to autodiff");
        // finite scalar quantization: z -> round(tanh(z) * 2) / 2 with the gradient of tanh(z)
        Tensor z = uniform(4, -2f, 2f, 3, 4);
        QuantOps.roundSte(z.tanh().mul(2f)).mul(0.5f).sum().backward();
        float[] zv = z.toArray(), zg = z.grad().toArray();
        for (int i = 0; i < zv.length; i++) {
            double t = Math.tanh(zv[i]);
            assertEquals(1 - t * t, zg[i], 1e-6, "element " + i);
        }
    }

    // ---- segment sums

    @Test
    void segmentSumMatchesADoubleReferenceForAnyThreadCount() {
        int n = 5000, d = 37, segments = 300;
        SplittableRandom r = new SplittableRandom(11);
        int[] seg = new int[n];
        for (int i = 0; i < n; i++) seg[i] = r.nextInt(segments - 10); // the last ten segments stay empty
        seg[17] = 0;
        Tensor v = gaussian(12, n, d);
        float[] vv = v.toArray();
        double[] ref = new double[segments * d];
        double[] abs = new double[segments * d];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < d; p++) {
                ref[seg[i] * d + p] += vv[i * d + p];
                abs[seg[i] * d + p] += Math.abs(vv[i * d + p]);
            }
        }
        int[] counts = QuantOps.bincount(seg, segments);
        int saved = Parallel.threads();
        float[] first = null;
        try {
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                for (boolean scalar : new boolean[] {false, true}) {
                    Tensor out;
                    if (scalar) {
                        try (var s = Kernels.useScalar()) {
                            out = QuantOps.segmentSum(v, seg, segments);
                        }
                    } else {
                        out = QuantOps.segmentSum(v, seg, segments);
                    }
                    assertArrayEquals(new int[] {segments, d}, out.shape());
                    float[] got = out.toArray();
                    if (first == null) {
                        first = got;
                        for (int s = 0; s < segments * d; s++) {
                            // a float sum of c terms in some order: within c 2^-24 of the sum of magnitudes
                            double bound = (counts[s / d] + 1) * 0x1p-24 * abs[s];
                            assertEquals(ref[s], got[s], bound, "segment " + s / d + " column " + s % d);
                        }
                        for (int s = segments - 10; s < segments; s++) assertEquals(0f, got[s * d], "empty segment " + s);
                    }
                    assertArrayEquals(first, got, "threads=" + threads + (scalar ? " scalar" : " simd"));
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
        int total = 0;
        for (int s = 0; s < segments; s++) {
            int c = 0;
            for (int i = 0; i < n; i++) if (seg[i] == s) c++;
            assertEquals(c, counts[s], "count of segment " + s);
            total += counts[s];
        }
        assertEquals(n, total);
    }

    @Test
    void segmentSumOfVectorsAndHigherRanksAndItsGradient() {
        Tensor v = Tensor.vector(1f, 2f, 3f, 4f, 5f);
        assertArrayEquals(new float[] {6f, 0f, 9f}, QuantOps.segmentSum(v, new int[] {2, 0, 2, 0, 2}, 3).toArray());
        Tensor cube = gaussian(13, 6, 2, 3);
        Tensor s = QuantOps.segmentSum(cube, new int[] {1, 1, 0, 1, 0, 0}, 2);
        assertArrayEquals(new int[] {2, 2, 3}, s.shape());
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 3; b++) {
                assertEquals(cube.get(2, a, b) + cube.get(4, a, b) + cube.get(5, a, b), s.get(0, a, b), 1e-6);
            }
        }
        assertGradients(x -> QuantOps.segmentSum(x[0], new int[] {3, 0, 3, 3, 1, 0, 4}, 5), randn(14, 7, 4));
        assertEquals(0, QuantOps.segmentSum(Tensor.zeros(0, 3), new int[0], 0).size());
        assertArrayEquals(new int[] {0, 0}, QuantOps.bincount(new int[0], 2));
    }

    @Test
    void badSegmentsNameTheOp() {
        ShapeException e = assertThrows(ShapeException.class, () -> QuantOps.segmentSum(Tensor.zeros(3, 2), new int[] {0, 4, 1}, 4));
        assertTrue(e.getMessage().contains("segmentSum") && e.getMessage().contains("segment id 4") && e.getMessage().contains("position 1"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> QuantOps.segmentSum(Tensor.zeros(3, 2), new int[] {0, 1}, 4));
        assertTrue(e.getMessage().contains("2 segment ids"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> QuantOps.bincount(new int[] {0, -1}, 4));
        assertTrue(e.getMessage().contains("bincount") && e.getMessage().contains("-1"), e.getMessage());
        assertThrows(ShapeException.class, () -> QuantOps.bincount(new int[] {}, -1));
    }
}
