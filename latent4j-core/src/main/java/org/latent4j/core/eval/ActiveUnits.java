package org.latent4j.core.eval;

import java.util.stream.IntStream;

/**
 * Activity of each latent dimension, A_u = Cov_x(E_q[u]) (Burda et al. 2016): the population variance over the
 * evaluation set of the code's mean in dimension u (the code itself for a deterministic one). A unit is active when
 * A_u exceeds the threshold (0.01 in the IWAE paper).
 *
 * @param threshold the activity above which a unit counts as active
 * @param count     the number of active units
 * @param activity  A_u per dimension
 */
public record ActiveUnits(double threshold, int count, double[] activity) {
    /** Copies the activities. */
    public ActiveUnits {
        activity = activity.clone();
    }

    /**
     * {@return the active units of these activities}
     *
     * @param activity A_u per dimension
     * @param threshold the activity above which a unit is active
     */
    public static ActiveUnits of(double[] activity, double threshold) {
        int count = (int) java.util.Arrays.stream(activity).filter(a -> a > threshold).count();
        return new ActiveUnits(threshold, count, activity);
    }

    /** {@return A_u per dimension, a copy} */
    @Override
    public double[] activity() {
        return activity.clone();
    }

    /** {@return the number of latent dimensions} */
    public int dimensions() {
        return activity.length;
    }

    /**
     * Dimensions whose activity exceeds the threshold, ascending.
     *
     * @return the indices of the active dimensions
     */
    public int[] activeDimensions() {
        return IntStream.range(0, activity.length).filter(u -> activity[u] > threshold).toArray();
    }

    /** Per column of the row-major [n, l] matrix: (1/n) sum (v - mean)^2, two passes in double. */
    static double[] populationVariances(double[] values, int n, int l) {
        double[] mean = new double[l], var = new double[l];
        for (int i = 0; i < n; i++) for (int u = 0; u < l; u++) mean[u] += values[i * l + u];
        for (int u = 0; u < l; u++) mean[u] /= n;
        for (int i = 0; i < n; i++) {
            for (int u = 0; u < l; u++) {
                double d = values[i * l + u] - mean[u];
                var[u] += d * d;
            }
        }
        for (int u = 0; u < l; u++) var[u] /= n;
        return var;
    }
}
