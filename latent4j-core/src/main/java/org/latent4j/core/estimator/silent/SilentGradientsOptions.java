package org.latent4j.core.estimator.silent;

import java.util.List;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.OptionValues;

/** The command-line options of Silent Gradients, shared by every model kind that takes them. */
public final class SilentGradientsOptions {
    private SilentGradientsOptions() {}

    /** On when given: the schedule's length in optimizer steps. */
    public static final ModelOption STEPS = new ModelOption("silent-gradients", "STEPS",
            "Silent Gradients (Shao et al. 2025): a linear decoder beside the model's gives the encoder an exact, zero-variance "
                    + "reconstruction gradient, its weight falling linearly from 1 to 0 over STEPS optimizer steps (default off)");
    /** The linear decoder's likelihood. */
    public static final ModelOption LIKELIHOOD = new ModelOption("silent-likelihood", "NAME",
            "the linear decoder's likelihood with --silent-gradients: " + OptionValues.words(SilentLikelihood.class)
                    + " (default gaussian-shared: one learned variance)");
    /** Its standard deviation when fixed. */
    public static final ModelOption SIGMA = new ModelOption("silent-sigma", "S",
            "the standard deviation of --silent-likelihood gaussian-fixed (default 1)");

    /** The three options. */
    public static final List<ModelOption> ALL = List.of(STEPS, LIKELIHOOD, SIGMA);

    /**
     * Silent Gradients' settings when {@code --silent-gradients} is given, else null; the other options alone, or a
     * sigma without the fixed likelihood, are refused by name.
     *
     * @param o the options
     * @return the settings, or null for none
     */
    public static SilentGradientsConfig parse(OptionValues o) {
        if (!o.has(STEPS.name())) {
            for (ModelOption m : List.of(LIKELIHOOD, SIGMA)) {
                o.require(!o.has(m.name()), "--" + m.name() + " needs --silent-gradients STEPS (Silent Gradients are off without it)");
            }
            return null;
        }
        SilentLikelihood likelihood = o.choice(LIKELIHOOD.name(), SilentLikelihood.GAUSSIAN_SHARED, SilentLikelihood.class);
        o.require(!o.has(SIGMA.name()) || likelihood == SilentLikelihood.GAUSSIAN_FIXED, "--silent-sigma applies only to --silent-likelihood gaussian-fixed");
        return new SilentGradientsConfig(o.integer(STEPS.name(), 0, 1, Integer.MAX_VALUE), likelihood, o.number(SIGMA.name(), 1, 1e-6, 1e6));
    }
}
