package org.latent4j.core.eval;

import java.util.Locale;

/**
 * The diagnostics of sparse codes (Gao et al. 2024): how many latents fire per example, and which never do.
 *
 * @param latents       the dictionary size
 * @param l0            the mean number of non-zero latents per example
 * @param deadLatents   latents that fire in at most the dead-code threshold's fraction of the examples (0: never)
 * @param densityHistogram examples per bin of log10(feature density), the density of a latent being the fraction of
 *                      examples in which it fires: bin 0 counts the latents that never fire, bins 1..10 the
 *                      densities in [1e-10 .. 1e-9), ..., [1e-1, 1]
 * @param density       per latent, the fraction of examples in which it fires
 */
public record SparseCodeDiagnostics(int latents, double l0, int deadLatents, int[] densityHistogram, double[] density) implements CodeDiagnostics {
    /** Copies the arrays. */
    public SparseCodeDiagnostics {
        densityHistogram = densityHistogram.clone();
        density = density.clone();
    }

    /** {@return the density histogram, a copy} */
    @Override
    public int[] densityHistogram() {
        return densityHistogram.clone();
    }

    /** {@return the density of each latent, a copy} */
    @Override
    public double[] density() {
        return density.clone();
    }

    /** Bins of the density histogram: one for "never", then one per decade from 1e-10 to 1. */
    public static final int BINS = 11;

    /** The diagnostics from how many of n examples each latent fired in, and the total count of non-zero values. */
    static SparseCodeDiagnostics of(long[] fired, long nonZero, int n, double deadFraction) {
        int latents = fired.length, dead = 0;
        int[] histogram = new int[BINS];
        double[] density = new double[latents];
        for (int j = 0; j < latents; j++) {
            density[j] = (double) fired[j] / n;
            if (fired[j] <= deadFraction * n) dead++;
            histogram[bin(density[j])]++;
        }
        return new SparseCodeDiagnostics(latents, (double) nonZero / n, dead, histogram, density);
    }

    /** The histogram bin of a density in [0, 1]. */
    static int bin(double density) {
        if (density <= 0) return 0;
        int decade = (int) Math.floor(Math.log10(density)); // -1 for [0.1, 1), ..., 0 for 1
        return Math.max(1, Math.min(BINS - 1, BINS + Math.min(decade, -1)));
    }

    @Override
    public String code() {
        return "sparse";
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT, "L0 %.2f of %d latents; %d dead (%.1f%%)%n", l0, latents, deadLatents, 100.0 * deadLatents / latents);
    }
}
