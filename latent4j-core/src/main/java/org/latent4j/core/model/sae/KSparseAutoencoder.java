package org.latent4j.core.model.sae;

import java.util.LinkedHashMap;
import java.util.Map;
import org.latent4j.core.distributions.GaussianLikelihood;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.nn.Module;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.LinearAlgebra;
import org.latent4j.tensor.random.Rng;

/**
 * The k-sparse autoencoder of Makhzani and Frey (2013, "k-Sparse Autoencoders"): a linear autoencoder with tied weights
 * whose only non-linearity is keeping each row's k largest hidden units:
 * <pre>
 *   z = W x + b              (linear: no ReLU, the kept values may be negative)
 *   z_k = z on supp_k(z), 0 elsewhere   (the k largest values, not the largest magnitudes)
 *   x^ = W^T z_k + b'        (tied: the decoder is the encoder's transpose)
 *   loss = ||x - x^||^2      (sum over features, mean over the batch)
 * </pre>
 * The error is back-propagated through the k kept units only. W is stored [L, d] ("encoder.weight", torch.nn.Linear's
 * layout; row j is unit j's filter and, tied, its decoder atom), b is "encoder.bias" [L], b' "decoder.bias" [d].
 *
 * <p><b>Scheduled k.</b> Training starts with the config's startK largest units (default 100, the paper's) and lowers
 * k linearly to its target over {@code annealEpochs} epochs, then keeps it: the paper found that starting sparse lets
 * the first units to win a group of inputs keep it, leaving the others dead, and scheduled k over the first half of
 * training. The model does not know the run's length, so the epochs are a config value (default 25, half of
 * {@code train}'s default 50); the metric {@code sparsity_k} shows the k of each epoch.
 *
 * <p><b>Encoding</b> ({@link #encode}, also what evaluation and reconstructions use) keeps the alpha k largest units,
 * alpha >= 1 (default 1): the paper encodes the features it classifies with at alpha k, alpha tuned per task.
 *
 * <p><b>The likelihood.</b> The loss is the negative log-likelihood of a Gaussian with the fixed standard deviation
 * 1 / sqrt(2) (variance 1/2) less its constant (d / 2) log(pi); {@link #likelihood()} is that Gaussian, so evaluation
 * reports the NLL with the constant. Unlike {@link TopKSae}, the inputs are not rescaled (the paper trains on the data
 * as they are; the command line standardizes data outside [0, 1]).
 *
 * <p><b>Initialisation</b> (the paper fixes none): the rows of W are Gaussian with variance 1 / d, so each filter has
 * about unit norm; b is 0; b' starts at the training data's mean in {@link #initialise}, so the first reconstructions
 * are the mean.
 *
 * <p><b>Metrics</b> per step: {@code l0} (non-zero values per row), {@code fvu} (the batch's squared error over its
 * variance about its own mean) and {@code sparsity_k} (the scheduled k).
 */
public final class KSparseAutoencoder extends LatentModel {
    private final KSparseConfig config;
    private final EncoderLayer encoder;
    private final Tensor outputBias;
    private final Likelihood likelihood = GaussianLikelihood.fixed(Math.sqrt(0.5));

    /** The decoder's own parameter, b' (its weight is the encoder's). */
    private static final class DecoderBias extends Module {
        final Tensor bias;

        DecoderBias(int features) {
            bias = parameter("bias", Tensor.persistentZeros(features));
        }
    }

    /**
     * Creates the model with fresh weights.
     *
     * @param config the sizes and schedule
     * @param rng draws the initial weights
     */
    public KSparseAutoencoder(KSparseConfig config, Rng rng) {
        this.config = config;
        encoder = child("encoder", new EncoderLayer(config.dataDim(), config.latents()));
        outputBias = child("decoder", new DecoderBias(config.dataDim())).bias;
        encoder.weight.copyFrom(rng.normal(0f, (float) (1 / Math.sqrt(config.dataDim())), config.latents(), config.dataDim()));
    }

    /**
     * W, [L, d]: the filters, and (tied) the decoder's atoms.
     *
     * @return the weight
     */
    public Tensor weight() {
        return encoder.weight;
    }

    private void checkRows(Tensor x, String op) {
        SparseEncoding.checkRows(KSparseKind.NAME, op, x, config.dataDim());
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        SparseEncoding.noCondition(KSparseKind.NAME, "loss", batch.condition());
        Tensor x = batch.x();
        checkRows(x, "loss");
        int k = config.kAt(progress.epoch());
        int[] idx = SparseEncoding.topK(SparseEncoding.preActivations(x, encoder.weight, encoder.bias), k);
        Tensor values = SparseEncoding.chosen(idx, x, encoder.weight, encoder.bias);
        Tensor recon = x.sub(LinearAlgebra.sparseRowsMatmul(idx, values, encoder.weight).add(outputBias)).square().sum(-1, false).mean();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("l0", SparseEncoding.l0(values));
        metrics.put("fvu", SparseEncoding.batchFvu(x, (double) recon.item() * x.dim(0)));
        metrics.put("sparsity_k", (double) k);
        return new LossResult(recon, recon, Tensor.scalar(0f), metrics);
    }

    /** The alpha k largest units of each row, their values as they are (linear). */
    @Override
    public LatentCode.Sparse encode(Tensor x, Tensor condition) {
        SparseEncoding.noCondition(KSparseKind.NAME, "encode", condition);
        checkRows(x, "encode");
        int[] idx = SparseEncoding.topK(SparseEncoding.preActivations(x, encoder.weight, encoder.bias), config.encodingK());
        return new LatentCode.Sparse(idx, SparseEncoding.chosen(idx, x, encoder.weight, encoder.bias), config.latents());
    }

    @Override
    public Tensor decode(Tensor latents, Tensor condition) {
        SparseEncoding.noCondition(KSparseKind.NAME, "decode", condition);
        if (latents.rank() < 2 || latents.dim(latents.rank() - 1) != config.latents()) {
            throw new ShapeException(KSparseKind.NAME + ".decode: latents " + Shape.str(latents.shape()) + " must be [..., " + config.latents() + "]");
        }
        return latents.matmul(encoder.weight).add(outputBias);
    }

    /** The reconstruction through the sparse decoder (alpha k atoms a row). */
    @Override
    public Tensor reconstruct(Tensor x, Tensor condition) {
        LatentCode.Sparse code = encode(x, condition);
        return LinearAlgebra.sparseRowsMatmul(code.indices(), code.values(), encoder.weight).add(outputBias);
    }

    /** b' starts at the training data's mean. */
    @Override
    public void initialise(TrainingData data, Rng rng) {
        likelihood.initialiseOutputBias(outputBias, data.featureMeans());
    }

    @Override
    public Record config() {
        return config;
    }

    @Override
    public String kind() {
        return KSparseKind.NAME;
    }

    @Override
    public int dataDim() {
        return config.dataDim();
    }

    @Override
    public int latentDim() {
        return config.latents();
    }

    @Override
    public Likelihood likelihood() {
        return likelihood;
    }
}
