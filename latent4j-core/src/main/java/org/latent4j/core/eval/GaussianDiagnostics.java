package org.latent4j.core.eval;

import java.util.Locale;
import org.latent4j.core.model.LatentLayer;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * The diagnostics of a Gaussian posterior, for {@link #layer()}: the model's layer with the prior N(0, I) (z for a
 * single-layer model; the top layer z2 of a hierarchy, see {@link org.latent4j.core.model.GaussianHierarchy}, whose
 * q(z2|x) is a mixture over z1: there the diagnostics use q(z2|z1) at one seeded draw z1 ~ q(z1|x) per example, so
 * the KL is the top layer's KL term of the ELBO and the mutual information that of z2 with the drawn z1).
 *
 * <ul>
 * <li>KL(q(z_u|x) || N(0, 1)) = 0.5 (mu^2 + sigma^2 - log sigma^2 - 1) per latent dimension, averaged over the data;
 * {@link #totalKl()} is the sum.
 * <li>Activity A_u = Cov_x(E_q[u]) and the active units, see {@link ActiveUnits}.
 * <li>The mutual information I_q(x; z), see {@link MutualInformation}.
 * <li>The posterior-collapse report, see {@link PosteriorCollapse}.
 * </ul>
 *
 * @param layer             the layer described
 * @param totalKl           the sum of {@code klPerDimension}
 * @param klPerDimension    the average KL of each dimension, nats
 * @param activeUnits       activity per dimension
 * @param mutualInformation I_q(x; z)
 * @param collapse          which dimensions collapsed onto the prior
 */
public record GaussianDiagnostics(LatentLayer layer, double totalKl, double[] klPerDimension, ActiveUnits activeUnits,
                                  MutualInformation mutualInformation, PosteriorCollapse collapse) implements CodeDiagnostics {
    /** Copies the per-dimension KL. */
    public GaussianDiagnostics {
        klPerDimension = klPerDimension.clone();
    }

    /** {@return the average KL of each dimension, a copy} */
    @Override
    public double[] klPerDimension() {
        return klPerDimension.clone();
    }

    @Override
    public String code() {
        return "gaussian";
    }

    /**
     * The diagnostics from the posteriors of n examples ([n, l] means and log-variances, row-major, in double): the
     * mutual information over the first {@code options.mutualInformationExamples()} of them.
     */
    static GaussianDiagnostics of(LatentLayer layer, double[] mean, double[] logVar, int n, EvaluationOptions options) {
        int l = layer.dimensions();
        double[] kl = new double[l];
        for (int i = 0; i < n; i++) {
            for (int u = 0; u < l; u++) {
                double mu = mean[i * l + u], lv = logVar[i * l + u];
                kl[u] += 0.5 * (mu * mu + Math.expm1(lv) - lv);
            }
        }
        double total = 0;
        for (int u = 0; u < l; u++) {
            kl[u] /= n;
            total += kl[u];
        }
        ActiveUnits active = ActiveUnits.of(ActiveUnits.populationVariances(mean, n, l), options.activityThreshold());
        MutualInformation mi = mutualInformation(mean, logVar, n, l, Math.min(n, options.mutualInformationExamples()), options.seed());
        PosteriorCollapse collapse = PosteriorCollapse.of(kl, active.activity(), options.collapseKlThreshold(), options.activityThreshold());
        return new GaussianDiagnostics(layer, total, kl, active, mi, collapse);
    }

    @Override
    public String summary() {
        StringBuilder s = new StringBuilder();
        // a model whose diagnosed layer is not its only one says which it is before the numbers
        if (!layer.equals(LatentLayer.single(layer.dimensions()))) s.append("Layer ").append(layer.description()).append(":\n");
        MutualInformation mi = mutualInformation;
        s.append(String.format(Locale.ROOT, "KL    %.3f nats; active units %d/%d; MI %.3f nats (q(z) over %d examples, at most log %d = %.2f)%n", totalKl,
                activeUnits.count(), activeUnits.dimensions(), mi.nats(), mi.examples(), mi.examples(), mi.upperBound()));
        s.append(collapse.summary()).append('\n');
        return s.toString();
    }



    private static final double LOG_2PI = Math.log(2 * Math.PI);
    private static final int ROW_TILE = 8;
    private static final int COLUMN_TILE = 2048;

    /**
     * The estimator described in {@link MutualInformation} over the first m examples, in double. Row i needs
     * log q(z_i|x_j) for every j; the loops run over j innermost on per-dimension columns so that they
     * vectorise, and rows are independent tasks, so the result does not depend on the thread count.
     */
    static MutualInformation mutualInformation(double[] mean, double[] logVar, int available, int l, int m, long seed) {
        double[][] muT = new double[l][m], precisionT = new double[l][m];
        double[] normaliser = new double[m];
        double meanKl = 0;
        for (int j = 0; j < m; j++) {
            double c = 0;
            for (int u = 0; u < l; u++) {
                double mu = mean[j * l + u], lv = logVar[j * l + u];
                muT[u][j] = mu;
                precisionT[u][j] = Math.exp(-lv);
                c += LOG_2PI + lv;
                meanKl += 0.5 * (mu * mu + Math.expm1(lv) - lv);
            }
            normaliser[j] = -0.5 * c;
        }
        meanKl /= m;
        float[] eps = new Rng(seed).normal(0f, 1f, m, l).toArray();
        double[] z = new double[m * l];
        for (int i = 0; i < m; i++) {
            for (int u = 0; u < l; u++) z[i * l + u] = mean[i * l + u] + Math.exp(0.5 * logVar[i * l + u]) * eps[i * l + u];
        }
        double[] perExample = new double[m];
        double logM = Math.log(m);
        // Tiles of ROW_TILE rows by COLUMN_TILE columns: each column of the per-dimension arrays is read once per
        // tile of rows instead of once per row: five times faster on this memory-bound loop. Per (i, j)
        // the sum over dimensions runs in the same order whatever the tiling.
        Parallel.range(m, ROW_TILE, (lo, hi) -> {
            double[][] acc = new double[hi - lo][];
            for (int r = 0; r < hi - lo; r++) acc[r] = normaliser.clone();
            for (int jt = 0; jt < m; jt += COLUMN_TILE) {
                int je = Math.min(m, jt + COLUMN_TILE);
                for (int u = 0; u < l; u++) {
                    double[] mu = muT[u], precision = precisionT[u];
                    for (int r = 0; r < hi - lo; r++) {
                        double zu = z[(lo + r) * l + u];
                        double[] a = acc[r];
                        for (int j = jt; j < je; j++) {
                            double d = zu - mu[j];
                            a[j] -= 0.5 * d * d * precision[j];
                        }
                    }
                }
            }
            for (int r = 0; r < hi - lo; r++) {
                int i = lo + r;
                double[] a = acc[r];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < m; j++) max = Math.max(max, a[j]);
                double sum = 0;
                for (int j = 0; j < m; j++) sum += Math.exp(a[j] - max);
                // log q(z_i|x_i) - log q(z_i) = log M - log sum_j q(z_i|x_j) / q(z_i|x_i); that log is >= 0 since
                // the sum holds the j = i term, and is clamped there so that rounding cannot break I <= log M
                double logRatioSum = Math.log(sum) + (max - a[i]);
                perExample[i] = logM - Math.max(0, logRatioSum);
            }
        });
        double mi = 0;
        for (double v : perExample) mi += v;
        mi = Math.min(logM, mi / m);
        return new MutualInformation(mi, m, available, logM, meanKl, meanKl - mi);
    }
}
