package org.latent4j.core.model.vae;

import java.util.List;
import org.latent4j.core.estimator.silent.SilentGradientsConfig;
import org.latent4j.core.estimator.silent.SilentLikelihood;
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

    /** Silent Gradients (Shao, Liu and Van den Broeck 2025): on when --silent-gradients is given. */
    static final ModelOption SILENT = new ModelOption("silent-gradients", "STEPS",
            "Silent Gradients (Shao et al. 2025): a linear decoder beside the model's gives the encoder an exact, zero-variance "
                    + "reconstruction gradient, its weight falling linearly from 1 to 0 over STEPS optimizer steps (default off)");
    static final ModelOption SILENT_LIKELIHOOD = new ModelOption("silent-likelihood", "NAME",
            "the linear decoder's likelihood with --silent-gradients: " + OptionValues.words(SilentLikelihood.class)
                    + " (default gaussian-shared: one learned variance)");
    static final ModelOption SILENT_SIGMA = new ModelOption("silent-sigma", "S",
            "the standard deviation of --silent-likelihood gaussian-fixed (default 1)");

    /** The options every one-layer VAE kind takes. */
    static final List<ModelOption> COMMON = List.of(ModelOptions.LATENT, ModelOptions.HIDDEN, ModelOptions.ACTIVATION, ModelOptions.LIKELIHOOD,
            ModelOptions.SIGMA, ModelOptions.POSTERIOR, ModelOptions.SAMPLES, ModelOptions.ARCH, ModelOptions.CHANNELS);

    /** The networks, likelihood and sample count the options describe; the KL shaping is left at its defaults. */
    static VaeConfig config(OptionValues o, DataShape data, int defaultSamples) {
        return new VaeConfig(data.features(), ModelOptions.latent(o), ModelOptions.hidden(o), null, ModelOptions.activation(o),
                ModelOptions.likelihood(o, data), ModelOptions.sigma(o, data), ModelOptions.posterior(o), 1.0, null, 0, 0,
                o.integer(ModelOptions.SAMPLES.name(), defaultSamples, 1, 100_000), ModelOptions.conv(o, data), VaeConfig.DEFAULT_ESTIMATOR, null);
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

    /**
     * Silent Gradients' settings when {@code --silent-gradients} is given, else none; its other options alone, or
     * a sigma without the fixed likelihood, are refused by name.
     */
    static VaeConfig silent(VaeConfig c, OptionValues o) {
        if (!o.has(SILENT.name())) {
            for (ModelOption m : List.of(SILENT_LIKELIHOOD, SILENT_SIGMA)) {
                o.require(!o.has(m.name()), "--" + m.name() + " needs --silent-gradients STEPS (Silent Gradients are off without it)");
            }
            return c;
        }
        SilentLikelihood likelihood = o.choice(SILENT_LIKELIHOOD.name(), SilentLikelihood.GAUSSIAN_SHARED, SilentLikelihood.class);
        o.require(!o.has(SILENT_SIGMA.name()) || likelihood == SilentLikelihood.GAUSSIAN_FIXED,
                "--silent-sigma applies only to --silent-likelihood gaussian-fixed");
        return c.withSilent(new SilentGradientsConfig(o.integer(SILENT.name(), 0, 1, Integer.MAX_VALUE), likelihood,
                o.number(SILENT_SIGMA.name(), 1, 1e-6, 1e6)));
    }

    static List<ModelOption> plus(ModelOption... more) {
        List<ModelOption> out = new java.util.ArrayList<>(COMMON);
        out.addAll(List.of(more));
        return List.copyOf(out);
    }
}
