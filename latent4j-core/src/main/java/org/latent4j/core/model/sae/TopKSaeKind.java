package org.latent4j.core.model.sae;

import java.util.List;
import java.util.Set;
import org.latent4j.core.model.Capability;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.OptionValues;
import org.latent4j.tensor.random.Rng;

/**
 * "topk-sae": the top-k sparse autoencoder of Gao et al. 2024 ({@link TopKSae}), with its options: --latents (default
 * 8 x the input features), --sparsity-k (default 32), --auxk on|off (default on), --auxk-alpha (default 1/32),
 * --auxk-k (default the power of two nearest d / 2) and --dead-tokens (default one pass over the training rows, at
 * most 10M).
 */
public final class TopKSaeKind implements ModelKind<TopKSaeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public TopKSaeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "topk-sae";

    static final ModelOption AUXK = new ModelOption("auxk", "on|off",
            "topk-sae's auxiliary loss on dead latents (AuxK, Gao et al.): on (default) or off");
    static final ModelOption AUXK_ALPHA = new ModelOption("auxk-alpha", "A", "the weight of topk-sae's AuxK loss (default 1/32)");
    static final ModelOption AUXK_K = new ModelOption("auxk-k", "N",
            "dead latents per example that topk-sae's AuxK reconstructs the error from (default the power of two nearest half the "
                    + "input features: 512 for 784)");
    static final ModelOption DEAD_TOKENS = new ModelOption("dead-tokens", "N",
            "topk-sae counts a latent as dead once it has not fired in the last N training rows (default one pass over the training "
                    + "rows, at most 10,000,000 as Gao et al.; at most 16,777,216)");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "top-k sparse autoencoder (Gao et al. 2024): ReLU, top-k, unit-norm atoms, AuxK on dead latents";
    }

    @Override
    public Class<TopKSaeConfig> configType() {
        return TopKSaeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        return List.of(SparseOptions.LATENTS, SparseOptions.SPARSITY_K, AUXK, AUXK_ALPHA, AUXK_K, DEAD_TOKENS);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.SPARSE_CODES);
    }

    @Override
    public TopKSaeConfig configure(OptionValues o, DataShape data) {
        int[] lk = SparseOptions.latentsAndK(o, data);
        boolean auxK = o.choice(AUXK.name(), "on", List.of("on", "off")).equals("on");
        o.require(auxK || !o.has(AUXK_ALPHA.name()), "--auxk-alpha is the weight of the AuxK loss, which --auxk off turns off");
        o.require(auxK || !o.has(AUXK_K.name()), "--auxk-k is the AuxK loss's k, which --auxk off turns off");
        double alpha = o.number(AUXK_ALPHA.name(), TopKSaeConfig.DEFAULT_AUXK_ALPHA, 0, 1e6);
        int kAux = o.integer(AUXK_K.name(), TopKSaeConfig.defaultAuxKK(data.features()), 1, 1 << 26);
        int deadTokens = o.integer(DEAD_TOKENS.name(), 0, 1, TopKSaeConfig.MAX_DEAD_TOKENS);
        return TopKSaeConfig.of(data.features(), lk[0], lk[1]).withAuxK(auxK, alpha, kAux).withDeadTokens(deadTokens);
    }

    @Override
    public LatentModel create(TopKSaeConfig config, Rng rng) {
        return new TopKSae(config, rng);
    }
}
