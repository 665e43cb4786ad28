package org.latent4j.core.eval;

import java.util.Locale;

/**
 * What an automatic relevance determination prior ({@link org.latent4j.core.model.RelevanceDetermination}) says about
 * the latent dimensions on the evaluation set: dimension j is used when the variance of its posterior means over the
 * data exceeds {@code threshold} times its prior variance fitted to the same data, alpha_j = mean_x (mu_j^2 + sigma_j^2)
 * (the variance that maximises the ELBO on these data; the model's running average lags a changing encoder).
 *
 * @param priorVariance  the model's own prior variance of each dimension (its running average of the training fits)
 * @param fittedVariance alpha_j, the prior variance of each dimension fitted to the evaluation set
 * @param relevance      Var_x(E_q[z_j]) / alpha_j of each dimension, in [0, 1]
 * @param klPerDimension KL(q(z_j|x) || N(0, alpha_j)) of each dimension, averaged over the data (nats)
 * @param threshold      the relevance a used dimension exceeds
 * @param used           the used dimensions, in increasing order
 */
public record RelevanceDiagnostics(double[] priorVariance, double[] fittedVariance, double[] relevance, double[] klPerDimension, double threshold, int[] used) {
    /** Copies the arrays. */
    public RelevanceDiagnostics {
        priorVariance = priorVariance.clone();
        fittedVariance = fittedVariance.clone();
        relevance = relevance.clone();
        klPerDimension = klPerDimension.clone();
        used = used.clone();
    }

    /**
     * The diagnostics from the posteriors of n examples ([n, l] means and log-variances, row-major) and the prior's variances.
     *
     * @param mean the posterior means
     * @param logVar the posterior log-variances
     * @param n the examples
     * @param prior the model's prior variance of each of the l dimensions
     * @param threshold the relevance threshold
     * @return the diagnostics
     */
    static RelevanceDiagnostics of(double[] mean, double[] logVar, int n, double[] prior, double threshold) {
        int l = prior.length;
        double[] activity = ActiveUnits.populationVariances(mean, n, l);
        double[] relevance = new double[l], kl = new double[l], alpha = new double[l];
        for (int i = 0; i < n; i++) {
            for (int u = 0; u < l; u++) alpha[u] += (mean[i * l + u] * mean[i * l + u] + Math.exp(logVar[i * l + u])) / n;
        }
        for (int i = 0; i < n; i++) {
            for (int u = 0; u < l; u++) {
                double mu = mean[i * l + u], lv = logVar[i * l + u];
                kl[u] += 0.5 * (Math.log(alpha[u]) - lv + (mu * mu + Math.exp(lv)) / alpha[u] - 1);
            }
        }
        java.util.List<Integer> used = new java.util.ArrayList<>();
        for (int u = 0; u < l; u++) {
            kl[u] /= n;
            relevance[u] = activity[u] / alpha[u];
            if (relevance[u] > threshold) used.add(u);
        }
        return new RelevanceDiagnostics(prior, alpha, relevance, kl, threshold, used.stream().mapToInt(Integer::intValue).toArray());
    }

    /** {@return a copy of the prior variances} */
    @Override
    public double[] priorVariance() {
        return priorVariance.clone();
    }

    /** {@return a copy of the variances fitted to the evaluation set} */
    @Override
    public double[] fittedVariance() {
        return fittedVariance.clone();
    }

    /** {@return a copy of the relevances} */
    @Override
    public double[] relevance() {
        return relevance.clone();
    }

    /** {@return a copy of the per-dimension KL to the fitted prior} */
    @Override
    public double[] klPerDimension() {
        return klPerDimension.clone();
    }

    /** {@return a copy of the used dimensions} */
    @Override
    public int[] used() {
        return used.clone();
    }

    /** {@return the KL to the fitted prior, summed over the dimensions} */
    public double totalKl() {
        double s = 0;
        for (double v : klPerDimension) s += v;
        return s;
    }

    /**
     * A line or two for a person, each ending in a newline.
     *
     * @return the summary
     */
    public String summary() {
        return String.format(Locale.ROOT, "ARD prior: %d/%d dimensions used (relevance Var(mean)/alpha > %s): %s; KL to the prior fitted here %.3f nats%n",
                used.length, relevance.length, threshold, java.util.Arrays.toString(used), totalKl());
    }
}
