package org.latent4j.compress.rq;

import java.util.Arrays;

/**
 * One byte for the reconstruction's squared norm of an additive code: 256 levels, the byte the index of the nearest.
 * Two ways to place the levels, as FAISS's {@code ST_norm_qint8} and {@code ST_norm_cqint8}: evenly between the
 * training norms' minimum and maximum, or by a one-dimensional k-means of the training norms (levels dense where
 * norms are, so the error a ranking sees is smaller for the same byte). An L2 score then carries the level's error
 * (at most half the gap between two levels) on top of the codes' own.
 */
public final class NormLevels {
    /** Levels a byte holds. */
    public static final int LEVELS = 256;
    private static final int KMEANS_ITERATIONS = 30;

    private NormLevels() {}

    /**
     * 256 levels evenly spaced over [min, max] of the values, each the centre of its cell.
     *
     * @param values the training norms
     * @param n how many of them to use, from the first
     * @return the 256 levels, ascending
     */
    public static float[] uniform(float[] values, int n) {
        if (n < 1) throw new IllegalArgumentException("norm levels need at least one training norm");
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            lo = Math.min(lo, values[i]);
            hi = Math.max(hi, values[i]);
        }
        float[] levels = new float[LEVELS];
        for (int j = 0; j < LEVELS; j++) levels[j] = (float) (lo + (j + 0.5) * ((double) hi - lo) / LEVELS);
        return levels;
    }

    /**
     * 256 levels by Lloyd's algorithm in one dimension (sorted values make each assignment a boundary between
     * neighbouring levels, so an iteration is one pass), run from the quantiles and from the even levels, keeping
     * the lower squared error: quantiles suit the bulk, even levels a long tail whose few large values Lloyd's steps
     * reach only slowly from the quantiles; so the result is never worse than {@link #uniform}. Ascending.
     *
     * @param values the training norms
     * @param n how many of them to use, from the first
     * @return the 256 levels, ascending
     */
    public static float[] kmeans(float[] values, int n) {
        if (n < 1) throw new IllegalArgumentException("norm levels need at least one training norm");
        float[] v = Arrays.copyOf(values, n);
        Arrays.sort(v);
        double[] quantiles = new double[LEVELS], even = new double[LEVELS];
        float[] u = uniform(v, n);
        for (int j = 0; j < LEVELS; j++) {
            quantiles[j] = v[(int) Math.min(n - 1, (long) (j + 0.5) * n / LEVELS)];
            even[j] = u[j];
        }
        double eq = lloyd(v, quantiles), ee = lloyd(v, even);
        double[] best = eq <= ee ? quantiles : even;
        float[] out = new float[LEVELS];
        for (int l = 0; l < LEVELS; l++) out[l] = (float) best[l];
        Arrays.sort(out);
        return out;
    }

    /** Lloyd iterations on ascending values from ascending {@code levels} (updated in place); the final sum of squared errors. */
    private static double lloyd(float[] v, double[] levels) {
        double error = Double.POSITIVE_INFINITY;
        for (int it = 0; it <= KMEANS_ITERATIONS; it++) {
            double[] sum = new double[LEVELS];
            int[] count = new int[LEVELS];
            double e = 0;
            int j = 0;
            for (float x : v) {
                // values ascend, so the nearest level only moves up
                while (j + 1 < LEVELS && Math.abs(levels[j + 1] - x) <= Math.abs(levels[j] - x)) j++;
                sum[j] += x;
                count[j]++;
                e += (x - levels[j]) * (x - levels[j]);
            }
            error = e;
            if (it == KMEANS_ITERATIONS) break;
            boolean moved = false;
            for (int l = 0; l < LEVELS; l++) {
                if (count[l] == 0) continue;
                double c = sum[l] / count[l];
                moved |= c != levels[l];
                levels[l] = c;
            }
            Arrays.sort(levels);
            if (!moved) break;
        }
        return error;
    }

    /**
     * The index of the level nearest to v in ascending {@code levels}.
     *
     * @param levels the levels, ascending
     * @param v the value
     * @return the index
     */
    public static int nearest(float[] levels, float v) {
        int i = Arrays.binarySearch(levels, v);
        if (i >= 0) return i;
        int hi = -i - 1;
        if (hi == 0) return 0;
        if (hi == levels.length) return levels.length - 1;
        return v - levels[hi - 1] <= levels[hi] - v ? hi - 1 : hi;
    }

    /**
     * Refuses a table that is not 256 finite ascending levels, naming {@code what}.
     *
     * @param levels the levels
     * @param what what they are, for the message
     * @return {@code levels}
     */
    public static float[] check(float[] levels, String what) {
        if (levels.length != LEVELS) throw new IllegalArgumentException(what + ": norm levels must be " + LEVELS + " values, got " + levels.length);
        for (int l = 0; l < LEVELS; l++) {
            if (!Float.isFinite(levels[l]) || (l > 0 && levels[l] < levels[l - 1])) {
                throw new IllegalArgumentException(what + ": norm levels must be finite and ascending, level " + l + " is " + levels[l]);
            }
        }
        return levels;
    }
}
