package org.latent4j.core.eval;

import java.util.Locale;

/**
 * Everything measured about a model on an evaluation set, as typed values, as a few lines for a person
 * ({@link #summary()}) and as JSON ({@link #toJson()}: this record and its parts, key for component).
 *
 * @param model            the model's kind ("vae", "iwae", ...)
 * @param examples         rows evaluated
 * @param latentDimensions the width of the model's code vector ({@code LatentModel.latentDim()})
 * @param reconstruction   how well the decoder reproduces the data from their codes
 * @param logLikelihood    the importance-sampled estimate, or null (a model without a likelihood bound, or skipped)
 * @param latent           what was measured about the codes, by their kind
 * @param relevance        for a model with an automatic relevance determination prior, the dimensions it uses; else null
 */
public record EvaluationReport(String model, int examples, int latentDimensions, Reconstruction reconstruction,
                               LogLikelihoodSummary logLikelihood, CodeDiagnostics latent, RelevanceDiagnostics relevance) {
    /**
     * A report without relevance diagnostics (a model without an ARD prior).
     *
     * @param model the model's kind
     * @param examples rows evaluated
     * @param latentDimensions the width of the code vector
     * @param reconstruction the reconstruction's measures
     * @param logLikelihood the importance-sampled estimate, or null
     * @param latent what was measured about the codes
     */
    public EvaluationReport(String model, int examples, int latentDimensions, Reconstruction reconstruction, LogLikelihoodSummary logLikelihood,
                            CodeDiagnostics latent) {
        this(model, examples, latentDimensions, reconstruction, logLikelihood, latent, null);
    }

    /**
     * A few lines: NLL, ELBO, reconstruction, then the code's diagnostics.
     *
     * @return the summary
     */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(model).append(" on ").append(examples).append(" examples\n");
        if (logLikelihood != null) {
            Estimate ll = logLikelihood.logLikelihood(), elbo = logLikelihood.elbo();
            s.append(f("NLL   %.3f ± %.3f nats (-L_%d; mean effective sample size %.1f of %d)\n", -ll.mean(), ll.standardError(),
                    logLikelihood.k(), logLikelihood.effectiveSampleSizeMean(), logLikelihood.k()));
            s.append(f("ELBO  %.3f ± %.3f nats\n", elbo.mean(), elbo.standardError()));
        }
        Reconstruction r = reconstruction;
        s.append(f("Recon %.3f ± %.3f nats -log p(x|code); squared error %.4g; unexplained variance %.4f\n", r.nll().mean(),
                r.nll().standardError(), r.squaredError().mean(), r.fractionOfVarianceUnexplained()));
        s.append(latent.summary());
        if (relevance != null) s.append(relevance.summary());
        return s.toString();
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /**
     * The report as JSON: components as keys; an undefined number (NaN, such as a standard error of one example) is null.
     *
     * @return the JSON object
     */
    public org.latent4j.core.io.Json.Value toJson() {
        return org.latent4j.core.io.Json.toReportJson(this);
    }
}
