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
 * "ksparse-ae": the k-sparse autoencoder of Makhzani and Frey 2013 ({@link KSparseAutoencoder}), with its options:
 * --latents (default 8 x the input features), --sparsity-k (default 32), --sparsity-k-start (default 100 or k),
 * --sparsity-anneal-epochs (default 25) and --encode-alpha (default 1).
 */
public final class KSparseKind implements ModelKind<KSparseConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public KSparseKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "ksparse-ae";

    static final ModelOption START_K = new ModelOption("sparsity-k-start", "K0",
            "ksparse-ae trains at first with the K0 largest units and lowers k linearly to --sparsity-k (Makhzani and Frey's "
                    + "scheduled sparsity; default 100, or --sparsity-k when larger; at most --latents is used)");
    static final ModelOption ANNEAL_EPOCHS = new ModelOption("sparsity-anneal-epochs", "EPOCHS",
            "epochs over which ksparse-ae's k falls from --sparsity-k-start to --sparsity-k (default 25; the paper anneals over the "
                    + "first half of training; 0 = no schedule)");
    static final ModelOption ENCODE_ALPHA = new ModelOption("encode-alpha", "A",
            "ksparse-ae encodes (and evaluates) with the A x k largest units, A >= 1 (default 1)");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "k-sparse autoencoder (Makhzani and Frey 2013): linear, tied weights, k largest, k scheduled";
    }

    @Override
    public Class<KSparseConfig> configType() {
        return KSparseConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        return List.of(SparseOptions.LATENTS, SparseOptions.SPARSITY_K, START_K, ANNEAL_EPOCHS, ENCODE_ALPHA);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.SPARSE_CODES);
    }

    @Override
    public KSparseConfig configure(OptionValues o, DataShape data) {
        int[] lk = SparseOptions.latentsAndK(o, data);
        int k = lk[1];
        int start = o.integer(START_K.name(), Math.max(k, KSparseConfig.PAPER_START_K), 1, 1 << 26);
        o.require(start >= k, "--sparsity-k-start " + start + " is below --sparsity-k " + k + ": the schedule lowers k to its target");
        double epochs = o.number(ANNEAL_EPOCHS.name(), KSparseConfig.DEFAULT_ANNEAL_EPOCHS, 0, 1e6);
        double alpha = o.number(ENCODE_ALPHA.name(), 1.0, 1.0, 1e6);
        return KSparseConfig.of(data.features(), lk[0], k).withSchedule(start, epochs).withEncodeAlpha(alpha);
    }

    @Override
    public LatentModel create(KSparseConfig config, Rng rng) {
        return new KSparseAutoencoder(config, rng);
    }
}
