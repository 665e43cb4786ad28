package org.latent4j.core.model.vae;

import java.util.List;
import org.latent4j.core.estimator.gaussian.GaussianEstimator;
import org.latent4j.core.estimator.silent.SilentGradientsOptions;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.ModelOptions;
import org.latent4j.core.model.OptionValues;

/** The options of the one-layer VAE kinds, and the config they describe. */
final class VaeOptions {
    private VaeOptions() {}

    static final ModelOption BETA = ModelOptions.BETA;
    static final ModelOption KL_WARMUP = new ModelOption("kl-warmup", "EPOCHS",
            "raise the KL weight linearly from 0 to its full value over EPOCHS epochs (default 0 = off)");
    static final ModelOption FREE_BITS = new ModelOption("free-bits", "NATS",
            "free bits: each latent dimension's batch-mean KL counts as at least NATS (default 0 = off)");

    /** Burgess et al. (2018)'s schedule: on when --capacity is given, with the paper's dSprites gamma and iteration count as defaults. */
    static final ModelOption CAPACITY = new ModelOption("capacity", "NATS",
            "beta-vae with the capacity schedule of Burgess et al. (2018): loss = recon + gamma |KL - C|, C rising linearly from 0 to "
                    + "NATS over --capacity-steps steps, then held (default off; replaces --beta, --kl-warmup and --free-bits)");
    static final ModelOption CAPACITY_GAMMA = new ModelOption("capacity-gamma", "G",
            "the weight gamma of |KL - C| with --capacity (default 1000, the paper's)");
    static final ModelOption CAPACITY_STEPS = new ModelOption("capacity-steps", "N",
            "optimizer steps over which C rises to --capacity (default 100000, the paper's)");

    /** The options every one-layer VAE kind takes. */
    static final List<ModelOption> COMMON = List.of(ModelOptions.LATENT, ModelOptions.HIDDEN, ModelOptions.ACTIVATION, ModelOptions.LIKELIHOOD,
            ModelOptions.SIGMA, ModelOptions.POSTERIOR, ModelOptions.SAMPLES, ModelOptions.ARCH, ModelOptions.CHANNELS, ModelOptions.ESTIMATOR);

    /**
     * The networks, likelihood, sample count and gradient estimator the options describe, for a model trained on
     * {@code bound}; the KL shaping is left at its defaults.
     */
    static VaeConfig config(OptionValues o, DataShape data, int defaultSamples, GaussianEstimator.Bound bound) {
        return new VaeConfig(data.features(), ModelOptions.latent(o), ModelOptions.hidden(o), null, ModelOptions.activation(o),
                ModelOptions.likelihood(o, data), ModelOptions.sigma(o, data), ModelOptions.posterior(o), 1.0, null, 0, 0,
                o.integer(ModelOptions.SAMPLES.name(), defaultSamples, 1, 100_000), ModelOptions.conv(o, data), GaussianEstimator.fromOption(o, bound), null);
    }


    /** KL warm-up and free bits, from the options. */
    static VaeConfig klShaping(VaeConfig c, OptionValues o) {
        return c.withWarmupEpochs(o.number(KL_WARMUP.name(), 0, 0, 1e6)).withFreeBits(o.number(FREE_BITS.name(), 0, 0, 1e3));
    }

    /**
     * The capacity schedule when {@code --capacity} is given (beta then 1: gamma weighs |KL - C| instead), else
     * {@code withoutCapacity}; the schedule's options alone, or with an option it replaces, are refused by name.
     */
    static VaeConfig capacity(VaeConfig withoutCapacity, OptionValues o) {
        if (!o.has(CAPACITY.name())) {
            for (ModelOption m : List.of(CAPACITY_GAMMA, CAPACITY_STEPS)) {
                o.require(!o.has(m.name()), "--" + m.name() + " needs --capacity NATS (the capacity schedule is off without it)");
            }
            return withoutCapacity;
        }
        for (ModelOption m : List.of(BETA, KL_WARMUP, FREE_BITS)) {
            o.require(!o.has(m.name()), "--" + m.name() + " does not apply with --capacity (the schedule's gamma |KL - C| replaces it)");
        }
        var schedule = new VaeConfig.Capacity(o.number(CAPACITY_GAMMA.name(), 1000, 1e-6, 1e9), o.number(CAPACITY.name(), 0, 0, 1e6),
                o.integer(CAPACITY_STEPS.name(), 100_000, 1, Integer.MAX_VALUE));
        return withoutCapacity.withBeta(1).withWarmupEpochs(0).withFreeBits(0).withCapacity(schedule);
    }

    /** Silent Gradients' settings from the options (none without --silent-gradients). */
    static VaeConfig silent(VaeConfig c, OptionValues o) {
        return c.withSilent(SilentGradientsOptions.parse(o));
    }

    static List<ModelOption> plus(ModelOption... more) {
        List<ModelOption> out = new java.util.ArrayList<>(COMMON);
        out.addAll(List.of(more));
        return List.copyOf(out);
    }
}
