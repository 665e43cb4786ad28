package org.latent4j.core.quantize;

import java.util.ArrayList;
import java.util.List;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.random.Rng;

/**
 * The configuration of a {@link ResidualVectorQuantizer} of {@link VectorQuantizer} stages: {@code stages} stages,
 * each a vector quantizer of {@code stage}'s configuration with a codebook of its own (EMA, k-means++ initialisation on
 * its residuals, dead-code restarts, the rotation trick, SimVQ, ... as that configuration says), and quantizer dropout.
 *
 * @param stages  number of stages S (required)
 * @param stage   every stage's vector quantizer (required)
 * @param dropout the probability that a training batch uses only a random prefix of 1..S stages (SoundStream's
 *                quantizer dropout, drawn per batch); default 0, never
 */
public record ResidualVectorQuantizerConfig(@Json.Required int stages, @Json.Required VectorQuantizerConfig stage, double dropout) {
    private static final String NAME = "ResidualVectorQuantizerConfig";

    /** Checks the stages and the dropout. */
    public ResidualVectorQuantizerConfig {
        if (stages < 1) throw new IllegalArgumentException(NAME + ".stages must be >= 1, got " + stages);
        if (stage == null) throw new IllegalArgumentException(NAME + ".stage must be set");
        if (!(dropout >= 0 && dropout <= 1)) throw new IllegalArgumentException(NAME + ".dropout must be in [0, 1], got " + dropout);
    }

    /**
     * {@code stages} stages of {@code stage}, no dropout.
     *
     * @param stages the number of stages
     * @param stage each stage's configuration
     * @return the config
     */
    public static ResidualVectorQuantizerConfig of(int stages, VectorQuantizerConfig stage) {
        return new ResidualVectorQuantizerConfig(stages, stage, 0);
    }

    /** The defaults of every field a saved config may lack (stages and stage are required). */
    static ResidualVectorQuantizerConfig defaults() {
        return of(1, VectorQuantizerConfig.of(1, 1));
    }

    /**
     * The width of the vectors quantized.
     *
     * @return the width
     */
    public int dim() {
        return stage.dim();
    }

    /**
     * {@return this config with another quantizer dropout}
     *
     * @param p the probability, in [0, 1]
     */
    public ResidualVectorQuantizerConfig withDropout(double p) {
        return new ResidualVectorQuantizerConfig(stages, stage, p);
    }

    /**
     * The quantizer: S vector quantizers drawn one after the other from {@code rng}.
     *
     * @param rng draws the codebooks
     * @return the quantizer
     */
    public ResidualVectorQuantizer create(Rng rng) {
        List<VectorQuantizer> s = new ArrayList<>();
        for (int i = 0; i < stages; i++) s.add(new VectorQuantizer(stage, rng));
        return new ResidualVectorQuantizer(s, dropout);
    }
}
