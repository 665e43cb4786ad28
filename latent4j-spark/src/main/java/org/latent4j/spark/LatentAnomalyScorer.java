package org.latent4j.spark;

import java.nio.file.Path;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.latent4j.core.eval.AnomalyScore;
import org.latent4j.core.eval.AnomalyScorer;

/**
 * One anomaly score per row, a {@code double}, higher for more anomalous rows: the scores of {@code latent4j score}
 * ({@link AnomalyScore}: {@code nll}, {@code neg-elbo}, {@code reconstruction}, {@code reconstruction-probability}).
 * A row's random draws (its importance samples, its code samples) come from the stream of its key
 * ({@link AnomalyScorer#score(org.latent4j.core.model.LatentModel, org.latent4j.tensor.Tensor, org.latent4j.tensor.Tensor,
 * AnomalyScore, int, int, long, long[], org.latent4j.core.eval.ProgressListener)}), so its score does not depend on the
 * partitioning.
 */
public final class LatentAnomalyScorer extends LatentModelTransformer<LatentAnomalyScorer> {
    private static final long serialVersionUID = 1L;

    /** Which score. */
    private final Param<String> score;
    /** The importance samples k of nll and neg-elbo. */
    private final IntParam importanceSamples;
    /** The code samples L of reconstruction-probability. */
    private final IntParam codeSamples;

    /**
     * A scorer of a packed model.
     *
     * @param model the packed model
     */
    public LatentAnomalyScorer(byte[] model) {
        this(Identifiable.randomUID("latent4jAnomalyScorer"), model);
    }

    /**
     * A scorer of the model saved in a directory.
     *
     * @param model the model's directory
     */
    public LatentAnomalyScorer(Path model) {
        this(packed(model));
    }

    LatentAnomalyScorer(String uid, byte[] model) {
        super(uid, model, "score");
        score = new Param<>(uid, "score", "which score: " + String.join(", ", AnomalyScore.words()) + " (default: nll when the model has a likelihood, "
                + "else reconstruction)");
        importanceSamples = new IntParam(uid, "importanceSamples", "k, the importance samples of nll and neg-elbo", ParamValidators.inRange(1, 1_000_000));
        codeSamples = new IntParam(uid, "codeSamples", "L, the code samples of reconstruction-probability", ParamValidators.inRange(1, 1_000_000));
        setDefault(score, AnomalyScore.supportedBy(model()).contains(AnomalyScore.NLL) ? AnomalyScore.NLL.word() : AnomalyScore.RECONSTRUCTION.word());
        setDefault(importanceSamples, 100);
        setDefault(codeSamples, 100);
    }

    @Override
    LatentAnomalyScorer newInstance(String uid, byte[] payload) {
        return new LatentAnomalyScorer(uid, payload);
    }

    /** {@return which score} */
    public Param<String> score() {
        return score;
    }

    /** {@return k, the importance samples of nll and neg-elbo} */
    public IntParam importanceSamples() {
        return importanceSamples;
    }

    /** {@return L, the code samples of reconstruction-probability} */
    public IntParam codeSamples() {
        return codeSamples;
    }

    /**
     * Sets the score.
     *
     * @param word one of {@link AnomalyScore#words()}
     * @return this
     */
    public LatentAnomalyScorer setScore(String word) {
        set(score, word);
        return this;
    }

    /**
     * Sets k.
     *
     * @param k importance samples per row
     * @return this
     */
    public LatentAnomalyScorer setImportanceSamples(int k) {
        set(importanceSamples, k);
        return this;
    }

    /**
     * Sets L.
     *
     * @param l code samples per row
     * @return this
     */
    public LatentAnomalyScorer setCodeSamples(int l) {
        set(codeSamples, l);
        return this;
    }

    /** {@return the score, checked against the model: an unknown word or one the model cannot give is refused} */
    public AnomalyScore getScore() {
        String word = getOrDefault(score);
        AnomalyScore s;
        try {
            s = AnomalyScore.fromWord(word);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("LatentAnomalyScorer: " + e.getMessage(), e);
        }
        String refused = s.unsupportedReason(model());
        if (refused != null) throw new IllegalArgumentException("LatentAnomalyScorer: score " + word + ": " + refused.replace("use --score", "use setScore"));
        return s;
    }

    @Override
    public org.apache.spark.sql.types.StructType transformSchema(org.apache.spark.sql.types.StructType schema) {
        getScore();
        return super.transformSchema(schema);
    }

    @Override
    DataType outputType() {
        return DataTypes.DoubleType;
    }

    @Override
    ModelOperation modelOperation() {
        AnomalyScore s = getScore();
        int k = (Integer) getOrDefault(importanceSamples), l = (Integer) getOrDefault(codeSamples);
        long seed = getSeed();
        return (saved, x, keys) -> {
            double[] scores = AnomalyScorer.score(saved.model(), x, null, s, k, l, seed, keys, null);
            Object[] out = new Object[scores.length];
            for (int i = 0; i < scores.length; i++) out[i] = scores[i];
            return out;
        };
    }

    /** {@return the reader of saved scorers} */
    public static MLReader<LatentAnomalyScorer> read() {
        return new PayloadReader<>(LatentAnomalyScorer.class, LatentAnomalyScorer::new);
    }

    /**
     * Loads a saved scorer.
     *
     * @param path where it was saved
     * @return the scorer
     */
    public static LatentAnomalyScorer load(String path) {
        return read().load(path);
    }
}
