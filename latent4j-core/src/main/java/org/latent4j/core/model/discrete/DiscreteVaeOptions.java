package org.latent4j.core.model.discrete;

import java.util.ArrayList;
import java.util.List;
import org.latent4j.core.estimator.GradientEstimators;
import org.latent4j.core.estimator.discrete.DiscreteGradientEstimator;
import org.latent4j.core.estimator.discrete.DiscreteLatents;
import org.latent4j.core.estimator.discrete.Temperature;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.ModelOptions;
import org.latent4j.core.model.OptionValues;
import org.latent4j.core.model.vq.VqOptions;

/** The options of the discrete-latent VAE kinds and what they read. */
final class DiscreteVaeOptions {
    private DiscreteVaeOptions() {}

    static final ModelOption GROUPS = VqOptions.GROUPS;
    static final ModelOption CATEGORIES = new ModelOption("categories", "K", "categories of each group of categorical-vae (default 10)");
    static final ModelOption TAU = new ModelOption("tau", "T",
            "initial temperature of the gumbel and gumbel-st estimators (default 1; Jang et al. 2017's schedule tau = max(tau-min, T exp(-rate step)))");
    static final ModelOption TAU_MIN = new ModelOption("tau-min", "T", "the temperature's floor, also used at evaluation (default 0.5)");
    static final ModelOption TAU_RATE = new ModelOption("tau-rate", "R", "the temperature's annealing rate per optimizer step (default 1e-4; 0 holds it at --tau)");

    /** The options both kinds take besides their latents'. */
    static final List<ModelOption> COMMON = List.of(ModelOptions.HIDDEN, ModelOptions.ACTIVATION, ModelOptions.LIKELIHOOD, ModelOptions.SIGMA,
            ModelOptions.SAMPLES, ModelOptions.ESTIMATOR, TAU, TAU_MIN, TAU_RATE);

    static List<ModelOption> with(ModelOption... latents) {
        List<ModelOption> out = new ArrayList<>(List.of(latents));
        out.addAll(COMMON);
        return List.copyOf(out);
    }

    /** The estimator's name (default gumbel). */
    static String estimator(OptionValues o) {
        return o.string(ModelOptions.ESTIMATOR.name(), CategoricalVaeConfig.DEFAULT_ESTIMATOR);
    }

    /** --k: default 5 for VIMCO's bound, 1 otherwise. */
    static int samples(OptionValues o, String estimator) {
        return o.integer(ModelOptions.SAMPLES.name(), estimator.equals("vimco") ? 5 : 1, 1, 100_000);
    }

    /** The temperature schedule; its options are refused with an estimator that draws no relaxed sample. */
    static Temperature temperature(OptionValues o, String estimator, DiscreteLatents latents) {
        GradientEstimators.all().stream().filter(e -> e.name().equals(estimator)).findFirst().ifPresent(e -> {
            boolean relaxed = e instanceof DiscreteGradientEstimator d && d.relaxed();
            for (ModelOption m : List.of(TAU, TAU_MIN, TAU_RATE)) {
                o.require(relaxed || !o.has(m.name()), "--" + m.name() + " sets the temperature of gumbel and gumbel-st, not of " + estimator);
            }
        });
        try {
            return new Temperature(o.number(TAU.name(), Temperature.DEFAULT.initial(), 1e-3, 1e3), o.number(TAU_MIN.name(), Temperature.DEFAULT.minimum(), 1e-3, 1e3),
                    o.number(TAU_RATE.name(), Temperature.DEFAULT.rate(), 0, 1));
        } catch (OptionValues.OptionException e) {
            // a value that is not a number or out of its range: already one line naming its option
            throw e;
        } catch (IllegalArgumentException e) {
            throw new OptionValues.OptionException(o.who() + ": --tau-min must be at most --tau: " + e.getMessage());
        }
    }

    /** Checks that the config's estimator serves its latents (one line naming those that do). */
    static <C extends DiscreteVaeSettings> C checked(OptionValues o, C config, DiscreteLatents latents) {
        try {
            DiscreteVae.estimatorFor(config, latents);
        } catch (IllegalArgumentException e) {
            throw new OptionValues.OptionException(o.who() + ": --estimator: " + e.getMessage());
        }
        return config;
    }
}
