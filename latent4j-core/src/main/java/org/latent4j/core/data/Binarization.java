package org.latent4j.core.data;

import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * How pixel intensities in [0, 1] become the binary data a Bernoulli likelihood models.
 *
 * <p>Every sample comes from the engine's counter-based {@link Rng} through a stream that is a function of
 * the seed and of where the data is used (never of how much randomness was drawn before), so a resumed run
 * sees exactly the samples an uninterrupted one sees.
 */
public enum Binarization {
    /** The intensities are used as they are. */
    NONE,
    /**
     * A fresh Bernoulli(intensity) sample for every minibatch, training and evaluation alike, as in Burda et
     * al. (2016); the sample of a batch depends on (seed, epoch, batch index).
     */
    DYNAMIC,
    /** One Bernoulli(intensity) sample of the whole dataset, made once from the seed and kept. */
    STATIC;

    /**
     * The "epoch" of evaluation batches (validation, test): evaluation then sees the same sample every time,
     * so that losses of different epochs differ by the model and not by the draw. No training epoch is negative.
     */
    public static final long EVALUATION_EPOCH = -1L;

    /** Domain separators under the seed, so the streams here never coincide with other uses of the seed. */
    private static final long DYNAMIC_DOMAIN = 0x42494E_44594EL;
    private static final long STATIC_DOMAIN = 0x42494E_535441L;
    private static final long KEYED_DOMAIN = 0x42494E_4B4559L;

    /**
     * For {@link #STATIC}, a copy of {@code data} with every feature replaced by one Bernoulli sample of it,
     * drawn from (seed, stream); the dataset itself otherwise. Use a different {@code stream} for each
     * separately supplied dataset (train, test) so their samples are unrelated.
     *
     * @param data the data set, values in [0, 1]
     * @param seed the run's seed
     * @param stream the stream of this data set (the trainer uses one for training and one for validation data)
     * @return the data set to train on
     */
    public Dataset prepare(Dataset data, long seed, long stream) {
        if (this != STATIC) return data;
        Tensor probabilities = data.features();
        // Tensor.wrap keeps the sample out of any workspace: the dataset must outlive every training step.
        Tensor sample = Tensor.wrap(new float[probabilities.size()], probabilities.shape());
        new Rng(seed).fork(STATIC_DOMAIN).fork(stream).fillBernoulli(sample, probabilities);
        return data.withFeatures(sample);
    }

    /**
     * One Bernoulli(intensity) sample of each row of x [n, features], row r's drawn from (seed, stream, rowKeys[r]): a
     * function of the row's key, not of its position, its batch or the other rows (see {@link ModelInput}).
     *
     * @param x       the rows, values in [0, 1]
     * @param seed    the seed
     * @param stream  the stream of this use
     * @param rowKeys a key per row
     * @return the sampled rows, a new tensor
     */
    public static Tensor sampleRows(Tensor x, long seed, long stream, long[] rowKeys) {
        int n = x.dim(0), d = x.dim(1);
        Rng root = new Rng(seed).fork(KEYED_DOMAIN).fork(stream);
        float[] p = x.contiguous().toArray(), out = new float[p.length];
        for (int r = 0; r < n; r++) {
            Tensor row = Tensor.wrap(new float[d], d);
            root.fork(rowKeys[r]).fillBernoulli(row, Tensor.wrap(java.util.Arrays.copyOfRange(p, r * d, (r + 1) * d), d));
            System.arraycopy(row.data(), row.offset(), out, r * d, d);
        }
        return Tensor.wrap(out, n, d);
    }

    /**
     * For {@link #DYNAMIC}, a Bernoulli sample of the batch {@code x} (a new tensor, pooled inside a
     * workspace scope) drawn from (seed, epoch, batchIndex); {@code x} itself otherwise.
     *
     * @param x the batch, values in [0, 1]
     * @param seed the run's seed
     * @param epoch the epoch, from 0
     * @param batchIndex the batch's position in the epoch
     * @return the batch to train on
     */
    public Tensor sampleBatch(Tensor x, long seed, long epoch, long batchIndex) {
        if (this != DYNAMIC) return x;
        return batchStream(seed, epoch, batchIndex).bernoulli(x);
    }

    /** The stream of a dynamically binarized batch. */
    static Rng batchStream(long seed, long epoch, long batchIndex) {
        return new Rng(seed).fork(DYNAMIC_DOMAIN).fork(epoch).fork(batchIndex);
    }
}
