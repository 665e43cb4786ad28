package org.latent4j.core.eval;

import java.util.Locale;

/**
 * The diagnostics of a deterministic code: how much each dimension varies over the data (a deterministic code has
 * no posterior, so no KL or mutual information).
 *
 * @param activeUnits the variance of each code dimension over the evaluation set, and how many exceed the threshold
 */
public record CodeActivity(ActiveUnits activeUnits) implements CodeDiagnostics {
    @Override
    public String code() {
        return "deterministic";
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT, "Active units %d/%d (deterministic codes: no KL or mutual information)%n", activeUnits.count(),
                activeUnits.dimensions());
    }
}
