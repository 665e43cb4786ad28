package org.latent4j.compress.rq;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.latent4j.tensor.random.Rng;

class CodeRefinementTest {
    private static double error(AdditiveCodebooks cb, float[] x, int row, int[] idx, int off) {
        int d = cb.dimension();
        float[] rec = new float[d];
        cb.decode(idx, off, rec, 0);
        double s = 0;
        for (int j = 0; j < d; j++) s += Math.pow(x[row * d + j] - rec[j], 2);
        return s;
    }

    @Test
    void refinementNeverRaisesTheErrorAndEndsAtConditionalOptima() {
        int books = 4, nbits = 3, k = 8, d = 7, n = 120;
        Rng rng = new Rng(21);
        AdditiveCodebooks cb = new AdditiveCodebooks(books, nbits, d, rng.normal(0f, 0.8f, books * k * d).toArray());
        float[] x = rng.normal(0f, 1.5f, n, d).toArray();
        float[] u = rng.uniform(0f, 1f, n * books).toArray();
        int[] idx = new int[n * books];
        for (int i = 0; i < idx.length; i++) idx[i] = Math.min(k - 1, (int) (u[i] * k));
        int[] before = idx.clone();
        CodeRefinement.refine(cb, x, 0, n, idx, 50);
        double totalBefore = 0, totalAfter = 0;
        for (int i = 0; i < n; i++) {
            double a = error(cb, x, i, before, i * books), b = error(cb, x, i, idx, i * books);
            assertTrue(b <= a + 1e-4 * (1 + a), "row " + i + ": " + a + " -> " + b);
            totalBefore += a;
            totalAfter += b;
            // no single index change lowers the error any more
            int[] trial = java.util.Arrays.copyOfRange(idx, i * books, (i + 1) * books);
            for (int g = 0; g < books; g++) {
                int keep = trial[g];
                for (int j = 0; j < k; j++) {
                    trial[g] = j;
                    assertTrue(error(cb, x, i, trial, 0) >= b - 1e-3 * (1 + b), "row " + i + " book " + g + " code " + j);
                }
                trial[g] = keep;
            }
        }
        assertTrue(totalAfter < 0.8 * totalBefore, totalBefore + " -> " + totalAfter);
    }

    @Test
    void refittingCodewordsForFixedCodesNeverRaisesTheError() {
        int books = 3, nbits = 3, d = 5, n = 200;
        Rng rng = new Rng(22);
        AdditiveCodebooks cb = new AdditiveCodebooks(books, nbits, d, rng.normal(0f, 0.8f, books * 8 * d).toArray());
        float[] x = rng.normal(0f, 1.5f, n, d).toArray();
        int[] idx = new int[n * books];
        BeamSearch.encode(cb, x, 0, n, 4, idx);
        double previous = 0;
        for (int i = 0; i < n; i++) previous += error(cb, x, i, idx, i * books);
        double first = previous;
        for (int round = 0; round < 4; round++) {
            cb = new AdditiveCodebooks(books, nbits, d, CodebookRefit.refit(cb, x, 0, n, idx, 1));
            double total = 0;
            for (int i = 0; i < n; i++) total += error(cb, x, i, idx, i * books);
            assertTrue(total <= previous * (1 + 1e-5), "round " + round + ": " + previous + " -> " + total);
            previous = total;
        }
        assertTrue(previous < 0.9 * first, first + " -> " + previous);
    }
}
