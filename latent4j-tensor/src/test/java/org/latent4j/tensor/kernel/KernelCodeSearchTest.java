package org.latent4j.tensor.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.parallel.Parallel;

/**
 * Both {@link CodeSearch} implementations on awkward sizes (1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000 rows,
 * codes and dimensions, with padded rows and offsets): the same indices and score bits on both, and the
 * chosen code's distance equal to the double-precision brute-force minimum within 1e-5 (relative). Named
 * Kernel*Test so the 256-bit surefire run checks it too.
 */
class KernelCodeSearchTest {
    private static final CodeSearch SCALAR = ScalarCodeSearch.INSTANCE;
    private static final CodeSearch SIMD = new SimdCodeSearch();
    private static final int[] SIZES = {1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000};

    private static float[] fill(SplittableRandom r, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    /** Squared norms in double, rounded once (what QuantOps.codeNorms computes, written independently). */
    private static float[] norms(float[] c, int off, int ld, int k, int d) {
        float[] out = new float[k];
        for (int j = 0; j < k; j++) {
            double s = 0;
            for (int p = 0; p < d; p++) s += (double) c[off + j * ld + p] * c[off + j * ld + p];
            out[j] = (float) s;
        }
        return out;
    }

    private static double distance(float[] x, int xo, float[] c, int co, int d) {
        double s = 0;
        for (int p = 0; p < d; p++) {
            double diff = (double) x[xo + p] - c[co + p];
            s += diff * diff;
        }
        return s;
    }

    /** One problem on both implementations; returns the indices after checking everything. */
    private static int[] check(long seed, int n, int k, int d, int pad, int off) {
        SplittableRandom r = new SplittableRandom(seed);
        int ldx = d + pad, ldc = d + 2 * pad;
        float[] x = fill(r, off + n * ldx), c = fill(r, off + k * ldc);
        float[] bias = new float[off + k];
        System.arraycopy(norms(c, off, ldc, k, d), 0, bias, off, k);
        int[] i1 = new int[n + off], i2 = new int[n + off];
        float[] s1 = new float[n + off], s2 = new float[n + off];
        SCALAR.argmin(n, k, d, x, off, ldx, c, off, ldc, bias, off, -2f, i1, off, s1, off);
        SIMD.argmin(n, k, d, x, off, ldx, c, off, ldc, bias, off, -2f, i2, off, s2, off);
        String what = "n=" + n + " k=" + k + " d=" + d + " pad=" + pad;
        assertArrayEquals(i1, i2, what + ": indices");
        for (int i = 0; i < n + off; i++) assertEquals(Float.floatToRawIntBits(s1[i]), Float.floatToRawIntBits(s2[i]), what + ": score bits " + i);
        for (int i = 0; i < n; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) best = Math.min(best, distance(x, off + i * ldx, c, off + j * ldc, d));
            double got = distance(x, off + i * ldx, c, off + i1[off + i] * ldc, d);
            // the float ranking value ||c||^2 - 2 x.c may misorder codes closer than its rounding error
            assertTrue(got <= best * (1 + 1e-5) + 1e-6, what + " row " + i + ": chose a code at " + got + ", the nearest is at " + best);
        }
        return i1;
    }

    @Test
    void bothImplementationsAgreeWithTheBruteForceMinimumOnAwkwardSizes() {
        long seed = 1;
        int problems = 0;
        for (int n : SIZES) {
            for (int k : SIZES) {
                for (int d : SIZES) {
                    if ((long) n * k * d > 2_000_000) continue;
                    check(seed++, n, k, d, (n + k + d) % 3 == 0 ? 3 : 0, (int) (seed % 2) * 5);
                    problems++;
                }
            }
        }
        assertTrue(problems > 1000, "problems: " + problems);
        // the large ones, one dimension at 1000 at a time
        check(seed++, 1000, 65, 63, 1, 0);
        check(seed++, 65, 1000, 17, 0, 3);
        check(seed++, 17, 63, 1000, 0, 0);
    }

    @Test
    void a65536CodeBookWithFewRowsSplitsTheCodesAndStillFindsTheMinimum() {
        check(77, 40, 65536, 64, 0, 0);
        check(78, 3, 65536 - 7, 9, 1, 2);
    }

    @Test
    void innerProductScoresPickTheLargestProduct() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 200, k = 300, d = 33;
        float[] x = fill(r, n * d), c = fill(r, k * d);
        int[] got = new int[n], got2 = new int[n];
        SIMD.argmin(n, k, d, x, 0, d, c, 0, d, null, 0, -1f, got, 0, null, 0);
        SCALAR.argmin(n, k, d, x, 0, d, c, 0, d, null, 0, -1f, got2, 0, null, 0);
        assertArrayEquals(got2, got);
        for (int i = 0; i < n; i++) {
            double best = Double.NEGATIVE_INFINITY, chosen = 0;
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int p = 0; p < d; p++) s += (double) x[i * d + p] * c[j * d + p];
                best = Math.max(best, s);
                if (j == got[i]) chosen = s;
            }
            assertEquals(best, chosen, 1e-5 * Math.abs(best) + 1e-6, "row " + i);
        }
    }

    @Test
    void equalScoresGoToTheLowestIndexAndNaNNeverWins() {
        int d = 16, k = 5000;
        SplittableRandom r = new SplittableRandom(3);
        float[] c = fill(r, k * d);
        // codes 11, 12, 2000 and 4999 are the same vector; rows equal to it must choose 11
        for (int j : new int[] {12, 2000, 4999}) System.arraycopy(c, 11 * d, c, j * d, d);
        // code 3 is NaN: never chosen, whatever its neighbours
        c[3 * d + 5] = Float.NaN;
        int n = 70;
        float[] x = fill(r, n * d);
        for (int i = 0; i < n; i += 2) System.arraycopy(c, 11 * d, x, i * d, d);
        x[9 * d] = Float.NaN; // a NaN row: every score NaN, code 0
        float[] bias = norms(c, 0, d, k, d);
        for (CodeSearch cs : new CodeSearch[] {SCALAR, SIMD}) {
            for (int threads = 1; threads <= 3; threads++) {
                int saved = Parallel.threads();
                Parallel.setThreads(threads);
                try {
                    int[] idx = new int[n];
                    float[] score = new float[n];
                    cs.argmin(n, k, d, x, 0, d, c, 0, d, bias, 0, -2f, idx, 0, score, 0);
                    for (int i = 0; i < n; i += 2) assertEquals(11, idx[i], cs.name() + " row " + i);
                    assertEquals(0, idx[9], cs.name());
                    assertEquals(Float.POSITIVE_INFINITY, score[9], cs.name());
                    for (int i = 0; i < n; i++) assertNotEquals(3, idx[i], cs.name());
                } finally {
                    Parallel.setThreads(saved);
                }
            }
        }
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        float[] x = new float[10], c = new float[10];
        int[] idx = new int[2];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SIMD.argmin(2, 0, 5, x, 0, 5, c, 0, 5, null, 0, -2f, idx, 0, null, 0));
        assertTrue(e.getMessage().contains("no codes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SCALAR.argmin(2, 3, 5, x, 0, 5, c, 0, 5, null, 0, -2f, idx, 0, null, 0));
        assertTrue(e.getMessage().contains("codes do not fit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SIMD.argmin(3, 2, 3, x, 0, 3, c, 0, 3, null, 0, -2f, idx, 0, null, 0));
        assertTrue(e.getMessage().contains("index"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SIMD.argmin(2, 2, 5, x, 0, 4, c, 0, 5, null, 0, -2f, idx, 0, null, 0));
        assertTrue(e.getMessage().contains("leading dimension"), e.getMessage());
        SIMD.argmin(0, 0, 5, x, 0, 5, c, 0, 5, null, 0, -2f, new int[0], 0, null, 0); // nothing to do
    }
}
