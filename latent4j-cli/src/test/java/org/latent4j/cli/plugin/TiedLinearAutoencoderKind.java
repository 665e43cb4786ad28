package org.latent4j.cli.plugin;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.latent4j.core.distributions.GaussianLikelihood;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.Capability;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.OptionValues;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.init.Initializer;
import org.latent4j.tensor.ops.LinearAlgebra;
import org.latent4j.tensor.random.Rng;

/**
 * A model kind from outside latent4j-core, registered only by this test module's
 * {@code META-INF/services/org.latent4j.core.model.ModelKind}: a linear autoencoder with tied weights (code = x W^T,
 * reconstruction = code W), which the command line must train, save, list and evaluate without an edit anywhere.
 */
public final class TiedLinearAutoencoderKind implements ModelKind<TiedLinearAutoencoderKind.Config> {
    public static final String NAME = "tied-linear-ae";
    static final ModelOption WIDTH = new ModelOption("tied-width", "N", "code width of the tied linear autoencoder (default 3)");

    /** @param dataDim features; @param width code width */
    public record Config(@Json.Required int dataDim, int width) {
        public Config {
            if (dataDim < 1 || width < 1) throw new IllegalArgumentException("Config: dataDim " + dataDim + " and width " + width + " must be >= 1");
        }

        static Config defaults() {
            return new Config(1, 3);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "a test plug-in: linear autoencoder with tied weights";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public List<ModelOption> options() {
        return List.of(WIDTH);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DETERMINISTIC_CODES);
    }

    @Override
    public Config configure(OptionValues options, DataShape data) {
        return new Config(data.features(), options.integer(WIDTH.name(), 3, 1, 1000));
    }

    @Override
    public LatentModel create(Config config, Rng rng) {
        return new Model(config, rng);
    }

    static final class Model extends LatentModel {
        private final Config config;
        private final Tensor weight;
        private final GaussianLikelihood likelihood = GaussianLikelihood.fixed(1.0);

        Model(Config config, Rng rng) {
            this.config = config;
            this.weight = parameter("weight", Initializer.glorotUniform().fill(Tensor.persistentZeros(config.width(), config.dataDim()),
                    config.dataDim(), config.width(), rng));
        }

        @Override
        public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
            Tensor r = likelihood.logProb(decode(encode(batch.x(), null).vector(), null), batch.x()).mean().neg();
            return new LossResult(r, r, Tensor.scalar(0f), Map.of("weight_norm", (double) weight.square().sum().item()));
        }

        @Override
        public LatentCode encode(Tensor x, Tensor condition) {
            return new LatentCode.Deterministic(LinearAlgebra.linear(x, weight));
        }

        @Override
        public Tensor decode(Tensor latents, Tensor condition) {
            return latents.matmul(weight);
        }

        @Override
        public Record config() {
            return config;
        }

        @Override
        public String kind() {
            return NAME;
        }

        @Override
        public int dataDim() {
            return config.dataDim();
        }

        @Override
        public int latentDim() {
            return config.width();
        }

        @Override
        public Likelihood likelihood() {
            return likelihood;
        }
    }
}
