package org.latent4j.core.eval;

/**
 * A mean over examples with its standard error, sd / sqrt(n) with the n - 1 sample standard deviation.
 * The standard error measures how much the mean would move on another draw of the evaluation set (and
 * of the Monte Carlo samples); it is NaN for fewer than two examples.
 *
 * @param mean          the mean over the examples
 * @param standardError its standard error
 * @param count         the number of examples
 */
public record Estimate(double mean, double standardError, int count) {
    /**
     * {@return the mean and standard error of {@code values}, summed in index order (so the same values give the same bits)}
     *
     * @param values one value per example
     */
    public static Estimate of(double[] values) {
        int n = values.length;
        if (n == 0) return new Estimate(Double.NaN, Double.NaN, 0);
        double sum = 0;
        for (double v : values) sum += v;
        double mean = sum / n;
        if (n == 1) return new Estimate(mean, Double.NaN, 1);
        double squares = 0;
        for (double v : values) squares += (v - mean) * (v - mean);
        return new Estimate(mean, Math.sqrt(squares / (n - 1) / n), n);
    }
}
