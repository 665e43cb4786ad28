package org.latent4j.core.eval;

import java.util.Locale;
import org.latent4j.core.model.LatentLayer;

/**
 * Everything measured about a model on an evaluation set, as numbers, as a few lines for a person
 * ({@link #summary()}) and as JSON with stable key names ({@link #toJson()}).
 *
 * @param modelKind        the model's kind ("vae", "iwae", ...)
 * @param examples         rows evaluated
 * @param latentDimensions the model's latent size ({@code LatentModel.latentDim()}, the layer next to the data); the
 *                         diagnostics may describe another layer, see {@link LatentDiagnostics#layer()}
 * @param logLikelihood    the importance-sampled estimate, or null (deterministic model, or skipped)
 * @param diagnostics      reconstruction, KL, activity, mutual information and collapse
 */
public record EvaluationReport(String modelKind, int examples, int latentDimensions, LogLikelihoodResult logLikelihood,
                               LatentDiagnostics diagnostics) {
    /** A few lines: NLL, ELBO, reconstruction, KL, active units, mutual information, collapse. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(modelKind).append(" on ").append(examples).append(" examples\n");
        if (logLikelihood != null) {
            Estimate ll = logLikelihood.logLikelihood(), elbo = logLikelihood.elbo();
            s.append(f("NLL   %.3f ± %.3f nats (-L_%d; mean effective sample size %.1f of %d)\n", -ll.mean(), ll.standardError(),
                    logLikelihood.samples(), logLikelihood.effectiveSampleSize().mean(), logLikelihood.samples()));
            s.append(f("ELBO  %.3f ± %.3f nats\n", elbo.mean(), elbo.standardError()));
        }
        LatentDiagnostics d = diagnostics;
        LatentLayer layer = d.layer();
        s.append(f("Recon %.3f ± %.3f nats -log p(x|z = posterior mean); squared error %.4g\n", d.reconstructionNll().mean(),
                d.reconstructionNll().standardError(), d.squaredError().mean()));
        if (d.mutualInformation() != null) {
            MutualInformation mi = d.mutualInformation();
            // a model whose diagnosed layer is not its only one says which it is before the numbers
            if (!layer.equals(LatentLayer.single(layer.dimensions()))) s.append("Layer ").append(layer.description()).append(":\n");
            s.append(f("KL    %.3f nats; active units %d/%d; MI %.3f nats (q(z) over %d examples, at most log %d = %.2f)\n", d.totalKl(),
                    d.activeUnits(), d.latentDimensions(), mi.nats(), mi.examples(), mi.examples(), mi.upperBound()));
        } else {
            s.append(f("Active units %d/%d (deterministic codes: no KL or mutual information)\n", d.activeUnits(), d.latentDimensions()));
        }
        if (d.collapse() != null) s.append(d.collapse().summary()).append('\n');
        return s.toString();
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /**
     * The report as one JSON object. Keys are stable: model, examples, latent_dimensions, latent_layer (name,
     * dimensions and description of the layer that kl, active_units, mutual_information and posterior_collapse
     * describe), log_likelihood, elbo, reconstruction, kl, active_units, mutual_information, posterior_collapse;
     * absent parts are null, and so is any non-finite number. Per-example values are left out.
     */
    public String toJson() {
        LatentDiagnostics d = diagnostics;
        LogLikelihoodResult ll = logLikelihood;
        MutualInformation mi = d.mutualInformation();
        PosteriorCollapse c = d.collapse();
        return "{\"model\":" + str(modelKind) + ",\"examples\":" + examples + ",\"latent_dimensions\":" + latentDimensions
                + ",\"latent_layer\":{\"name\":" + str(d.layer().name()) + ",\"dimensions\":" + d.layer().dimensions() + ",\"description\":"
                + str(d.layer().description()) + "}"
                + ",\"log_likelihood\":" + (ll == null ? "null" : "{\"k\":" + ll.samples() + ",\"samples_per_call\":" + ll.samplesPerCall()
                        + ",\"seed\":" + ll.seed() + ",\"mean\":" + num(ll.logLikelihood().mean()) + ",\"standard_error\":"
                        + num(ll.logLikelihood().standardError()) + ",\"nll\":" + num(-ll.logLikelihood().mean())
                        + ",\"effective_sample_size_mean\":" + num(ll.effectiveSampleSize().mean()) + "}")
                + ",\"elbo\":" + (ll == null ? "null" : "{\"mean\":" + num(ll.elbo().mean()) + ",\"standard_error\":" + num(ll.elbo().standardError()) + "}")
                + ",\"reconstruction\":{\"nll_mean\":" + num(d.reconstructionNll().mean()) + ",\"nll_standard_error\":"
                + num(d.reconstructionNll().standardError()) + ",\"squared_error_mean\":" + num(d.squaredError().mean())
                + ",\"squared_error_standard_error\":" + num(d.squaredError().standardError()) + "}"
                + ",\"kl\":" + (mi == null ? "null" : "{\"total\":" + num(d.totalKl()) + ",\"per_dimension\":" + nums(d.klPerDimension()) + "}")
                + ",\"active_units\":{\"threshold\":" + num(d.activityThreshold()) + ",\"count\":" + d.activeUnits() + ",\"activity\":"
                + nums(d.activity()) + "}"
                + ",\"mutual_information\":" + (mi == null ? "null" : "{\"nats\":" + num(mi.nats()) + ",\"examples\":" + mi.examples()
                        + ",\"available_examples\":" + mi.availableExamples() + ",\"upper_bound\":" + num(mi.upperBound())
                        + ",\"mean_kl\":" + num(mi.meanKl()) + ",\"aggregate_kl\":" + num(mi.aggregateKl()) + "}")
                + ",\"posterior_collapse\":" + (c == null ? "null" : "{\"collapsed_dimensions\":" + ints(c.collapsedDimensions())
                        + ",\"inactive_dimensions\":" + ints(c.inactiveDimensions()) + ",\"kl_threshold\":" + num(c.klThreshold())
                        + ",\"activity_threshold\":" + num(c.activityThreshold()) + ",\"summary\":" + str(c.summary()) + "}")
                + "}";
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private static String nums(double[] values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) s.append(i == 0 ? "" : ",").append(num(values[i]));
        return s.append(']').toString();
    }

    private static String ints(int[] values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) s.append(i == 0 ? "" : ",").append(values[i]);
        return s.append(']').toString();
    }

    private static String str(String v) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            switch (ch) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (ch < 0x20) s.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    else s.append(ch);
                }
            }
        }
        return s.append('"').toString();
    }
}
