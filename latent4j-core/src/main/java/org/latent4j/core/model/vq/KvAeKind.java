package org.latent4j.core.model.vq;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.latent4j.core.model.Capability;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.OptionValues;
import org.latent4j.core.quantize.KeyValueBottleneck;
import org.latent4j.core.quantize.KeyValueBottleneckConfig;
import org.latent4j.tensor.random.Rng;

/**
 * "kv-ae": a {@link QuantizedAutoencoder} around a discrete {@link KeyValueBottleneck} (Träuble et al. 2023), MLP or
 * convolutional. The keys are drawn from the encoder's outputs before the first step (k-means by default) and frozen;
 * the values and the decoder are trained. Nothing flows back through the keys' selection, so the encoder stays at its
 * random initialisation: a fixed random feature map, as the paper's frozen (there pre-trained) encoder. Options: the
 * networks' ({@link VqOptions#NETWORK}; --code-dim, default 64, is the width of the bottleneck), --codebook-size (keys
 * per head, default 512), --heads (default {@value #DEFAULT_HEADS}), --key-dim (default 0: each head keys its piece of
 * the code; N: a fixed random projection to N dimensions) and --key-init (kmeans or random).
 */
public final class KvAeKind implements ModelKind<KvAeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public KvAeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "kv-ae";
    /** The number of codebooks when {@code --heads} is not given. */
    public static final int DEFAULT_HEADS = 8;

    /** The {@code --heads} option. */
    public static final ModelOption HEADS = new ModelOption("heads", "C",
            "codebooks of kv-ae's key-value bottleneck, each keying its own piece of the code (--code-dim must be a multiple; default 8)");
    /** The {@code --key-dim} option. */
    public static final ModelOption KEY_DIM = new ModelOption("key-dim", "N",
            "kv-ae: 0 (default) keys each head on its piece of the code; N > 0 keys it on a fixed Gaussian random projection of the whole "
                    + "code to N dimensions, as the paper's heads");
    /** The {@code --key-init} option. */
    public static final ModelOption KEY_INIT = new ModelOption("key-init", "NAME",
            "kv-ae's keys, drawn from encoder outputs before training and then frozen: kmeans (default: k-means++ and 20 Lloyd iterations) or "
                    + "random (distinct data points)");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "discrete key-value bottleneck autoencoder (Träuble et al. 2023): frozen keys from the data select trained values, per head";
    }

    @Override
    public Class<KvAeConfig> configType() {
        return KvAeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        List<ModelOption> o = new ArrayList<>(VqOptions.NETWORK);
        o.addAll(List.of(VqOptions.CODEBOOK_SIZE, HEADS, KEY_DIM, KEY_INIT));
        return List.copyOf(o);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DISCRETE_CODES, Capability.PRIOR_SAMPLING);
    }

    @Override
    public KvAeConfig configure(OptionValues o, DataShape data) {
        int dim = VqOptions.codeDim(o);
        int heads = o.integer(HEADS.name(), DEFAULT_HEADS, 1, 1_000_000);
        o.require(dim % heads == 0, "--code-dim " + dim + " must be a multiple of --heads " + heads + " (each head keys dim / heads features)");
        int keyDim = o.integer(KEY_DIM.name(), 0, 0, 1_000_000);
        KeyValueBottleneck.KeyInit init = o.choice(KEY_INIT.name(), KeyValueBottleneck.KeyInit.KMEANS, KeyValueBottleneck.KeyInit.class);
        KeyValueBottleneckConfig bottleneck = new KeyValueBottleneckConfig(dim, heads, VqOptions.codebookSize(o), keyDim, init);
        return new KvAeConfig(VqOptions.network(o, data, dim), bottleneck);
    }

    @Override
    public LatentModel create(KvAeConfig config, Rng rng) {
        return new QuantizedAutoencoder(NAME, config, config.network(), config.bottleneck().create(rng), rng);
    }
}
