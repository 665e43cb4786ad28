package org.latent4j.tensor.random;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * Statistical assertions for fixed-seed tests. Bounds are principled (k standard errors, critical values at
 * small significance levels), so a correct generator passes for all but a tiny fraction of seeds, and a
 * fixed seed then keeps the test deterministic.
 */
public final class StatChecks {
    private StatChecks() {}

    /** Standard errors allowed for a mean or variance: a two-sided p of about 6e-5. */
    public static final double K = 4.0;

    public static double mean(float[] x) {
        double s = 0;
        for (float v : x) s += v;
        return s / x.length;
    }

    /** Population variance about the sample mean (two passes, in double). */
    public static double variance(float[] x) {
        double m = mean(x);
        double s = 0;
        for (float v : x) s += (v - m) * (v - m);
        return s / x.length;
    }

    /** Asserts |mean - mu| <= K sigma / sqrt(n). */
    public static void assertMean(String what, float[] x, double mu, double sigma) {
        double m = mean(x);
        double bound = K * sigma / Math.sqrt(x.length);
        if (!(Math.abs(m - mu) <= bound)) {
            throw new AssertionError(what + ": mean " + m + " is not within " + bound + " of " + mu);
        }
    }

    /**
     * Asserts the sample variance is within K standard errors of {@code var}; the standard error of a sample
     * variance is sqrt((mu4 - var^2) / n), mu4 being the fourth central moment.
     */
    public static void assertVariance(String what, float[] x, double var, double mu4) {
        double v = variance(x);
        double bound = K * Math.sqrt((mu4 - var * var) / x.length);
        if (!(Math.abs(v - var) <= bound)) {
            throw new AssertionError(what + ": variance " + v + " is not within " + bound + " of " + var);
        }
    }

    /** Kolmogorov-Smirnov statistic D = sup |F_n(x) - F(x)|. */
    public static double ksStatistic(float[] x, DoubleUnaryOperator cdf) {
        float[] s = x.clone();
        Arrays.sort(s);
        int n = s.length;
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = cdf.applyAsDouble(s[i]);
            d = Math.max(d, Math.max((i + 1.0) / n - f, f - (double) i / n));
        }
        return d;
    }

    /** Asserts sqrt(n) D is below 1.95, the asymptotic critical value at p = 0.001. */
    public static void assertKolmogorovSmirnov(String what, float[] x, DoubleUnaryOperator cdf) {
        double d = ksStatistic(x, cdf);
        double scaled = d * Math.sqrt(x.length);
        if (!(scaled < 1.95)) throw new AssertionError(what + ": KS statistic sqrt(n) D = " + scaled + " >= 1.95");
    }

    /** The limiting distribution of sqrt(n) D: 1 - 2 sum_k (-1)^(k-1) exp(-2 k^2 x^2). */
    public static double kolmogorovCdf(double x) {
        if (x <= 0) return 0;
        double s = 0;
        for (int k = 1; k <= 100; k++) s += (k % 2 == 1 ? 1 : -1) * Math.exp(-2.0 * k * k * x * x);
        return Math.max(0, 1 - 2 * s);
    }

    /** Pearson's chi-square of observed counts against equal expected counts. */
    public static double chiSquareUniform(long[] counts) {
        long total = 0;
        for (long c : counts) total += c;
        double e = (double) total / counts.length;
        double chi = 0;
        for (long c : counts) chi += (c - e) * (c - e) / e;
        return chi;
    }

    /** Upper 0.001 quantile of chi-square with df degrees of freedom (Wilson-Hilferty, z = 3.090). */
    public static double chiSquareCritical(int df) {
        double a = 2.0 / (9.0 * df);
        double c = 1 - a + 3.090 * Math.sqrt(a);
        return df * c * c * c;
    }

    public static void assertChiSquareUniform(String what, long[] counts) {
        double chi = chiSquareUniform(counts);
        double critical = chiSquareCritical(counts.length - 1);
        if (!(chi < critical)) throw new AssertionError(what + ": chi-square " + chi + " >= critical " + critical + " (p = 0.001)");
    }

    /** Standard normal CDF via Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7). */
    public static double normalCdf(double x) {
        double z = Math.abs(x) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * z);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double erf = 1 - poly * Math.exp(-z * z);
        return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    /** Standard Gumbel CDF exp(-exp(-x)). */
    public static double gumbelCdf(double x) {
        return Math.exp(-Math.exp(-x));
    }
}
