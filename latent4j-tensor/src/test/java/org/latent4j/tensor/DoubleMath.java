package org.latent4j.tensor;

/**
 * Double-precision reference functions for tests, written independently of the float kernels: erf by its
 * Maclaurin series for |x| < 2.5 and erfc by its continued fraction (Abramowitz and Stegun 7.1.5 and
 * 7.1.14) beyond, both accurate to about 1e-14 relative, far below float's 6e-8.
 */
public final class DoubleMath {
    private DoubleMath() {}

    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax < 2.5) return erfSeries(x);
        return Math.copySign(1 - erfcContinuedFraction(ax), x);
    }

    public static double erfc(double x) {
        if (x < 2.5) return 1 - erf(x);
        return erfcContinuedFraction(x);
    }

    /** 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1)). */
    private static double erfSeries(double x) {
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200; n++) {
            term *= -x2 / n;
            double t = term / (2 * n + 1);
            sum += t;
            if (Math.abs(t) < 1e-18 * Math.abs(sum)) break;
        }
        return sum * 2 / Math.sqrt(Math.PI);
    }

    /** erfc x = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), for x >= 2.5; evaluated from the tail. */
    private static double erfcContinuedFraction(double x) {
        if (x == Double.POSITIVE_INFINITY) return 0;
        double t = x;
        for (int k = 400; k >= 1; k--) t = x + (k / 2.0) / t;
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / t;
    }

    /** The standard normal CDF. */
    public static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    public static double gelu(double x) {
        return x * normalCdf(x);
    }

    public static double geluGrad(double x) {
        return normalCdf(x) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    }

    public static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    public static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** Error of a float result in units of the float ulp at the reference (ulp of the smallest subnormal below that). */
    public static double ulpError(float actual, double reference) {
        if (Double.isNaN(reference)) return Float.isNaN(actual) ? 0 : Double.POSITIVE_INFINITY;
        if (Double.isInfinite(reference) || Math.abs(reference) > Float.MAX_VALUE) {
            return Float.isInfinite(actual) && Math.signum(actual) == Math.signum(reference) ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.abs(actual - reference) / Math.ulp((float) Math.abs(reference));
    }
}
