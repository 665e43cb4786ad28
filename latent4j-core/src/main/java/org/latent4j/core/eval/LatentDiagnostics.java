package org.latent4j.core.eval;

import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.model.LatentLayer;
import org.latent4j.core.model.LatentModel;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * What the encoder and decoder do on an evaluation set, apart from the likelihood bound.
 *
 * <ul>
 * <li>Reconstruction with z = the posterior mean of {@link LatentModel#encode}: -log p(x|z) and the squared
 * error of the decoded mean, each summed over the features, mean over examples with its standard error.
 * <li>KL(q(z_u|x) || N(0, 1)) = 0.5 (mu^2 + sigma^2 - log sigma^2 - 1) per latent dimension, averaged over
 * the data; {@link #totalKl()} is the sum. This and everything below describe {@link #layer()}, the model's
 * {@link LatentModel#diagnosedLayer() layer with the prior N(0, I)}: z for a single-layer model, the top layer
 * z2 of the hierarchical one (whose z1 has the prior p(z1|z2), against which N(0, 1) would mean nothing).
 * There, q(z2|x) is a mixture over z1, and the diagnostics use q(z2|z1) at one seeded draw z1 ~ q(z1|x) per
 * example: the KL is then the top layer's KL term of the ELBO, and the mutual information is that of z2 with
 * the drawn z1 (at least I(x; z2), since z2 depends on x only through z1).
 * <li>Activity A_u = Cov_x(E_q[u]) (Burda et al. 2016): the population variance over the data of the
 * encoder mean of dimension u; the unit is active when A_u exceeds the threshold (0.01 in the paper).
 * <li>The mutual information I_q(x; z), see {@link MutualInformation}.
 * <li>The posterior-collapse report, see {@link PosteriorCollapse}.
 * </ul>
 *
 * For a deterministic autoencoder only the reconstruction and the activity (variance of the codes) are
 * defined; the KL array is empty and the mutual information and collapse report are null.
 */
public record LatentDiagnostics(LatentLayer layer, Estimate reconstructionNll, Estimate squaredError, double[] klPerDimension,
                                double[] activity, double activityThreshold, MutualInformation mutualInformation,
                                PosteriorCollapse collapse) {
    public LatentDiagnostics {
        klPerDimension = klPerDimension.clone();
        activity = activity.clone();
    }

    /**
     * @param batchSize               examples per encoder/decoder call
     * @param seed                    seed of the z_i ~ q(z|x_i) draws for the mutual information, and of the draws of the
     *                                layers below the diagnosed one (per batch: they depend on batchSize)
     * @param mutualInformationExamples at most this many examples (the first ones) form q(z); the cost is
     *                                O(M^2 latent), about a second for M = 10,000 and 50 latents on 2 cores
     * @param activityThreshold       A_u above this makes a unit active (0.01 in the IWAE paper)
     * @param collapseKlThreshold     average KL in nats below which a quiet dimension counts as collapsed
     */
    public record Options(int batchSize, long seed, int mutualInformationExamples, double activityThreshold,
                          double collapseKlThreshold) {
        public Options {
            if (batchSize < 1 || mutualInformationExamples < 1 || !(activityThreshold >= 0) || !(collapseKlThreshold >= 0)) {
                throw new IllegalArgumentException("LatentDiagnostics.Options: batchSize " + batchSize + " and mutualInformationExamples "
                        + mutualInformationExamples + " must be positive, thresholds " + activityThreshold + " and " + collapseKlThreshold
                        + " non-negative");
            }
        }

        public static Options defaults(long seed) {
            return new Options(256, seed, 10_000, 0.01, 0.01);
        }
    }

    @Override
    public double[] klPerDimension() {
        return klPerDimension.clone();
    }

    @Override
    public double[] activity() {
        return activity.clone();
    }

    /** Sum of the per-dimension KL (NaN for a deterministic model). */
    public double totalKl() {
        if (klPerDimension.length == 0) return Double.NaN;
        double s = 0;
        for (double v : klPerDimension) s += v;
        return s;
    }

    public int latentDimensions() {
        return activity.length;
    }

    /** Dimensions whose activity exceeds the threshold, ascending. */
    public int[] activeDimensions() {
        return java.util.stream.IntStream.range(0, activity.length).filter(u -> activity[u] > activityThreshold).toArray();
    }

    public int activeUnits() {
        return activeDimensions().length;
    }

    /** Computes every diagnostic for the rows of x [n, features] (condition [n, c] or null), without gradients. */
    public static LatentDiagnostics compute(LatentModel model, Tensor x, Tensor condition, Options options) {
        LogLikelihoodEstimator.checkInputs("LatentDiagnostics", model, x, condition);
        LatentLayer layer = model.diagnosedLayer();
        int n = x.dim(0), l = layer.dimensions();
        boolean stochastic = model.isStochastic();
        Rng lowerLayers = new Rng(options.seed()).fork(LOWER_LAYERS_STREAM);
        double[] mean = new double[n * l], logVar = new double[n * l];
        double[] nll = new double[n], squaredError = new double[n];
        double[] klSum = new double[l];
        Workspace workspace = new Workspace();
        try (var noGrad = GradMode.disabled()) {
            for (int lo = 0; lo < n; lo += options.batchSize()) {
                int hi = Math.min(n, lo + options.batchSize());
                try (var scope = workspace.open()) {
                    Tensor xb = x.slice(0, lo, hi);
                    Tensor cb = condition == null ? null : condition.slice(0, lo, hi);
                    DiagonalGaussian encoded = model.encode(xb, cb);
                    DiagonalGaussian q = model.diagnosedPosterior(encoded, lowerLayers.fork(lo));
                    copyInto(q.mean(), mean, lo * l, "mean", model, layer, hi - lo);
                    if (stochastic) {
                        copyInto(q.logVar(), logVar, lo * l, "logVar", model, layer, hi - lo);
                        float[] kl = q.klToStandardNormalPerDim().contiguous().toArray();
                        for (int r = 0; r < hi - lo; r++) {
                            for (int u = 0; u < l; u++) klSum[u] += kl[r * l + u];
                        }
                    }
                    Tensor params = model.decode(encoded.mean(), cb);
                    float[] logP = model.likelihood().logProb(params, xb).contiguous().toArray();
                    float[] se = model.likelihood().mean(params).sub(xb).square().sum(-1, false).toArray();
                    for (int r = 0; r < hi - lo; r++) {
                        nll[lo + r] = -logP[r];
                        squaredError[lo + r] = se[r];
                    }
                }
            }
        }
        double[] activity = populationVariances(mean, n, l);
        if (!stochastic) {
            return new LatentDiagnostics(layer, Estimate.of(nll), Estimate.of(squaredError), new double[0], activity,
                    options.activityThreshold(), null, null);
        }
        double[] klPerDimension = new double[l];
        for (int u = 0; u < l; u++) klPerDimension[u] = klSum[u] / n;
        MutualInformation mi = mutualInformation(mean, logVar, n, l, Math.min(n, options.mutualInformationExamples()), options.seed());
        PosteriorCollapse collapse = PosteriorCollapse.of(klPerDimension, activity, options.collapseKlThreshold(), options.activityThreshold());
        return new LatentDiagnostics(layer, Estimate.of(nll), Estimate.of(squaredError), klPerDimension, activity,
                options.activityThreshold(), mi, collapse);
    }

    private static void copyInto(Tensor t, double[] out, int at, String what, LatentModel model, LatentLayer layer, int rows) {
        int l = layer.dimensions();
        if (t.rank() != 2 || t.dim(0) != rows || t.dim(1) != l) {
            throw new org.latent4j.tensor.ShapeException("LatentDiagnostics: " + model.kind() + ".diagnosedPosterior returned a " + what
                    + " of shape " + org.latent4j.tensor.Shape.str(t.shape()) + ", expected [" + rows + ", " + l + "] (layer " + layer.name() + ")");
        }
        float[] v = t.contiguous().toArray();
        for (int i = 0; i < v.length; i++) out[at + i] = v[i];
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

    /** Stream under the seed of the draws of the layers below the diagnosed one, forked by the batch's first row. */
    private static final long LOWER_LAYERS_STREAM = 0x4C4F574552L;
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
