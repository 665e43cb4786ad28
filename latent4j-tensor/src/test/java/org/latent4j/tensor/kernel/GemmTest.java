package org.latent4j.tensor.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.parallel.Parallel;

/**
 * Both GEMMs against a double-precision product, with the forward error bound of a float dot product
 * (|error| <= gamma_k * sum |alpha a b| + |beta c| rounding), on sizes that hit every edge of the packed
 * kernel: below, at and above the 8-row and NR-column micro-tile, the 256-deep K block and the
 * 4096-wide row/column blocks.
 */
class GemmTest {
    private static final Gemm SIMD = new SimdGemm();
    private static final Gemm SCALAR = ScalarGemm.INSTANCE;

    /** A problem stored with padding: leading dimensions above the minimum and offsets into larger arrays. */
    private record Problem(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {

        static Problem random(long seed, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
                              int pad, int off) {
            SplittableRandom r = new SplittableRandom(seed);
            int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
            float[] a = fill(r, off + (ta ? k : m) * lda + pad);
            float[] b = fill(r, off + (tb ? n : k) * ldb + pad);
            float[] c = fill(r, off + m * ldc + pad);
            return new Problem(ta, tb, m, n, k, alpha, beta, a, off, lda, b, off, ldb, c, off, ldc);
        }

        float a(int i, int p) {
            return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        float b(int p, int j) {
            return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        /** Runs gemm on a copy of C and returns the copy. */
        float[] run(Gemm g) {
            float[] out = c.clone();
            g.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        @Override
        public String toString() {
            return (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha
                    + " beta=" + beta + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " off=" + aOff;
        }
    }

    private static float[] fill(SplittableRandom r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    /**
     * Checks out against the double-precision product: each element of the m x n window within the error
     * bound, every element outside the window (padding between rows, before the offset, after the end)
     * bit-for-bit untouched.
     */
    private static void assertCorrect(Problem pr, float[] out, String who) {
        double u = 0x1p-24;
        boolean[] inside = new boolean[out.length];
        double[] row = new double[pr.n], abs = new double[pr.n];
        for (int i = 0; i < pr.m; i++) {
            java.util.Arrays.fill(row, 0);
            java.util.Arrays.fill(abs, 0);
            for (int p = 0; p < pr.k; p++) {
                double av = pr.a(i, p);
                for (int j = 0; j < pr.n; j++) {
                    double prod = av * pr.b(p, j);
                    row[j] += prod;
                    abs[j] += Math.abs(prod);
                }
            }
            for (int j = 0; j < pr.n; j++) {
                int idx = pr.cOff + i * pr.ldc + j;
                inside[idx] = true;
                double c0 = pr.beta == 0f ? 0 : pr.c[idx];
                double expected = pr.alpha * row[j] + pr.beta * c0;
                double bound = (pr.k + 4) * 2 * u * (Math.abs(pr.alpha) * abs[j] + Math.abs(pr.beta * c0)) + Float.MIN_NORMAL;
                double err = Math.abs(out[idx] - expected);
                if (!(err <= bound)) {
                    fail(who + " " + pr + ": C[" + i + "][" + j + "] = " + out[idx] + ", expected " + expected + " (error " + err + " > bound " + bound + ")");
                }
            }
        }
        for (int idx = 0; idx < out.length; idx++) {
            if (!inside[idx] && Float.floatToRawIntBits(out[idx]) != Float.floatToRawIntBits(pr.c[idx])) {
                fail(who + " " + pr + ": wrote outside C at index " + idx);
            }
        }
    }

    private static void assertBoth(Problem pr) {
        assertCorrect(pr, pr.run(SIMD), "simd");
        assertCorrect(pr, pr.run(SCALAR), "scalar");
    }

    /**
     * A sample of the combinations of {1, 7, 8, 9, 63, 64, 65}, and 1000 and 4097 paired with small sizes
     * (so that the whole test stays within seconds), for each of the four transpose cases.
     */
    private static List<int[]> awkwardShapes() {
        List<int[]> shapes = new ArrayList<>();
        int[] small = {1, 7, 8, 9, 63, 64, 65};
        for (int m : small) for (int n : small) for (int k : small) {
            if (m == n && n == k || (m + 3 * n + 7 * k) % 5 == 0) shapes.add(new int[] {m, n, k}); // a spread-out sample
        }
        for (int big : new int[] {1000, 4097}) {
            for (int s : new int[] {1, 9, 65}) {
                shapes.add(new int[] {big, s, s == 1 ? 64 : 7});
                shapes.add(new int[] {s, big, s == 1 ? 63 : 8});
                shapes.add(new int[] {s, s == 1 ? 8 : 7, big});
            }
        }
        shapes.add(new int[] {1000, 65, 1000});  // several K blocks over several row panels
        shapes.add(new int[] {4097, 65, 1000});  // past the 4096-row block
        shapes.add(new int[] {4097, 200, 2100}); // and several packing rounds (9 K blocks, 7 a round)
        shapes.add(new int[] {65, 4097, 300});   // past the 4096-column block
        // lda = 1024: an untransposed A with rows 4 KB apart is packed, a transposed one read in place
        shapes.add(new int[] {41, 70, 1024});
        shapes.add(new int[] {1024, 33, 50});
        return shapes;
    }

    @Test
    void everyTransposeCaseOnAwkwardSizes() {
        long seed = 1;
        for (int[] s : awkwardShapes()) {
            for (int t = 0; t < 4; t++) {
                Problem pr = Problem.random(seed++, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1f, 0f, 0, 0);
                assertCorrect(pr, pr.run(SIMD), "simd");
                if ((long) s[0] * s[1] * s[2] <= 1_000_000) assertCorrect(pr, pr.run(SCALAR), "scalar");
            }
        }
    }

    @Test
    void leadingDimensionsAndOffsets() {
        long seed = 100;
        for (int t = 0; t < 4; t++) {
            assertBoth(Problem.random(seed++, (t & 1) != 0, (t & 2) != 0, 9, 65, 63, 1f, 0f, 5, 3));
            assertBoth(Problem.random(seed++, (t & 1) != 0, (t & 2) != 0, 130, 70, 300, 1f, 0f, 17, 11));
            assertBoth(Problem.random(seed++, (t & 1) != 0, (t & 2) != 0, 64, 64, 64, 1f, 1f, 1, 1));
        }
    }

    @Test
    void alphaAndBeta() {
        long seed = 200;
        float[][] ab = {{-0.5f, 2f}, {2f, 1f}, {1f, -1f}, {3f, 0f}, {1f, 0.25f}};
        for (float[] x : ab) {
            for (int t = 0; t < 4; t++) {
                assertBoth(Problem.random(seed++, (t & 1) != 0, (t & 2) != 0, 33, 47, 300, x[0], x[1], 2, 5));
                assertBoth(Problem.random(seed++, (t & 1) != 0, (t & 2) != 0, 128, 96, 260, x[0], x[1], 0, 0));
            }
        }
    }

    @Test
    void betaZeroDoesNotReadC() {
        for (Gemm g : new Gemm[] {SIMD, SCALAR}) {
            for (int[] s : new int[][] {{3, 5, 4}, {64, 64, 64}, {130, 100, 300}}) {
                Problem pr = Problem.random(7, false, true, s[0], s[1], s[2], 1.5f, 0f, 0, 0);
                float[] nanC = new float[pr.c.length];
                java.util.Arrays.fill(nanC, Float.NaN);
                Problem withNan = new Problem(pr.ta, pr.tb, pr.m, pr.n, pr.k, pr.alpha, 0f, pr.a, 0, pr.lda, pr.b, 0, pr.ldb, nanC, 0, pr.ldc);
                float[] out = withNan.run(g);
                for (float v : out) assertFalse(Float.isNaN(v), g.name() + ": NaN from C leaked through beta = 0");
                assertArrayEquals(pr.run(g), out, g.name() + ": beta = 0 result depends on the old C");
            }
        }
    }

    @Test
    void zeroAlphaOrEmptyKScalesC() {
        for (Gemm g : new Gemm[] {SIMD, SCALAR}) {
            float[] a = {Float.NaN, 1, 2, 3}, b = {4, 5, 6, Float.POSITIVE_INFINITY};
            float[] c = {1, 2, 3, 4};
            g.sgemm(false, false, 2, 2, 2, 0f, a, 0, 2, b, 0, 2, 3f, c, 0, 2);
            assertArrayEquals(new float[] {3, 6, 9, 12}, c, g.name() + ": alpha = 0 must not read A or B");
            float[] d = {Float.NaN, 2, 3, 4};
            g.sgemm(false, false, 2, 2, 0, 1f, a, 0, 1, b, 0, 2, 0f, d, 0, 2);
            assertArrayEquals(new float[] {0, 0, 0, 0}, d, g.name() + ": k = 0, beta = 0 gives zeros");
        }
    }

    @Test
    void sameBitsForAnyThreadCount() {
        int saved = Parallel.threads();
        try {
            int[][] shapes = {{300, 200, 777}, {128, 784, 512}, {784, 512, 128}, {20, 200, 784}, {4097, 40, 600}};
            long seed = 300;
            for (int[] s : shapes) {
                for (int t = 0; t < 4; t++) {
                    Problem pr = Problem.random(seed++, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 0.75f, 0.5f, 3, 1);
                    Parallel.setThreads(1);
                    float[] one = pr.run(SIMD);
                    for (int threads : new int[] {2, 3}) {
                        Parallel.setThreads(threads);
                        float[] many = pr.run(SIMD);
                        for (int i = 0; i < one.length; i++) {
                            if (Float.floatToRawIntBits(one[i]) != Float.floatToRawIntBits(many[i])) {
                                fail(pr + ": element " + i + " is " + one[i] + " with 1 thread, " + many[i] + " with " + threads);
                            }
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void badArgumentsNameTheCall() {
        float[] a = new float[6], b = new float[6], c = new float[4];
        for (Gemm g : new Gemm[] {SIMD, SCALAR}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> g.sgemm(false, false, 2, 2, 3, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2));
            assertTrue(e.getMessage().contains("lda") && e.getMessage().contains("k=3"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> g.sgemm(false, false, 2, 2, 3, 1f, a, 1, 3, b, 0, 2, 0f, c, 0, 2));
            assertTrue(e.getMessage().contains("A does not fit"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> g.sgemm(false, true, 2, 2, 3, 1f, a, 0, 3, b, 0, 3, 0f, c, 1, 2));
            assertTrue(e.getMessage().contains("C does not fit"), e.getMessage());
        }
    }
}
