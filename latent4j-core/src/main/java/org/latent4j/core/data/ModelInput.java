package org.latent4j.core.data;

import org.latent4j.core.io.ModelStore;
import org.latent4j.tensor.Tensor;

/**
 * Turns rows as a data loader gives them (intensities in [0, 1] for images, values as read for other data) into what a
 * trained model sees at inference: its saved standardization, then its binarization (one fixed Bernoulli sample, for
 * a model trained on binarized data). The command line and the Spark transformers both call this, so a row is
 * prepared the same way wherever it is scored.
 *
 * <p>The binarization's sample must not depend on where a row sits in the data when the data have no stable order:
 * a Spark partition's rows come in no order that survives a re-partitioning. So there are two rules:
 * <ul>
 *   <li>{@link #prepare(ModelStore.DataPreprocessing, Dataset, long)} samples the whole data set from one stream,
 *       row i's sample depending on i (what {@code latent4j eval}, {@code score} and {@code encode} have always done);</li>
 *   <li>{@link #prepareRows} samples each row from a stream of its own key ({@link #rowKey}: a 64-bit hash of its
 *       values, or an id the caller gives), so a row's sample is the same in any partition, batch or order.</li>
 * </ul>
 * The two rules draw different samples, so a binarizing model's scores of one row differ between them (as two
 * samples of the same row differ); for a model without binarization they agree bit for bit.
 */
public final class ModelInput {
    private ModelInput() {}

    /** The stream of the fixed Bernoulli sample that evaluation sees (training uses streams 0 and 1). */
    public static final long EVALUATION_STREAM = 2;

    /**
     * Prepares a data set with a model's preprocessing, the binarization's sample keyed by each row's position.
     *
     * @param p    the model's saved preprocessing
     * @param data rows as the loader gives them
     * @param seed the seed of the binarization's sample
     * @return the rows the model sees
     */
    public static Dataset prepare(ModelStore.DataPreprocessing p, Dataset data, long seed) {
        Dataset out = p.standardizer() == null ? data : p.standardizer().apply(data);
        // dynamic and static both evaluate on one fixed sample, so that repeated evaluations agree
        return p.binarization() == Binarization.NONE ? out : Binarization.STATIC.prepare(out, seed, EVALUATION_STREAM);
    }

    /**
     * Prepares rows [n, features] with a model's preprocessing, each row's binarization drawn from a stream of its key.
     *
     * @param p       the model's saved preprocessing
     * @param x       rows as the loader gives them
     * @param rowKeys one key per row ({@link #rowKey}, or the caller's ids)
     * @param seed    the seed of the binarization's samples
     * @return the rows the model sees (a new tensor, or x itself when there is nothing to do)
     */
    public static Tensor prepareRows(ModelStore.DataPreprocessing p, Tensor x, long[] rowKeys, long seed) {
        if (rowKeys.length != x.dim(0)) throw new IllegalArgumentException("ModelInput: " + rowKeys.length + " row keys for " + x.dim(0) + " rows");
        Tensor out = p.standardizer() == null ? x : p.standardizer().apply(x);
        return p.binarization() == Binarization.NONE ? out : Binarization.sampleRows(out, seed, EVALUATION_STREAM, rowKeys);
    }

    /**
     * A 64-bit key of a row made of its exact float32 values (their bits: -0.0 and 0.0 differ), the same for equal rows
     * wherever they are: FNV-1a over the values' bits, then the 64-bit finalizer of MurmurHash3 so that rows differing in
     * one value get unrelated keys.
     *
     * @param values the array holding the row
     * @param offset where the row starts
     * @param length the row's length
     * @return the key
     */
    public static long rowKey(float[] values, int offset, int length) {
        long h = 0xcbf29ce484222325L;
        for (int i = offset; i < offset + length; i++) {
            h ^= Float.floatToRawIntBits(values[i]) & 0xFFFFFFFFL;
            h *= 0x100000001b3L;
        }
        h ^= length;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * {@return the key ({@link #rowKey}) of every row of x [n, features]}
     *
     * @param x the rows, as given (before preprocessing)
     */
    public static long[] rowKeys(Tensor x) {
        float[] v = x.contiguous().toArray();
        int n = x.dim(0), d = x.dim(1);
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) keys[i] = rowKey(v, i * d, d);
        return keys;
    }

    /**
     * {@return decoder outputs in the units of the rows as given: the likelihood's mean, with any standardization undone}
     *
     * @param model  the model that decoded
     * @param p      its saved preprocessing
     * @param params the decoder's outputs ({@link org.latent4j.core.model.LatentModel#reconstruct} or decode)
     */
    public static Tensor dataUnits(org.latent4j.core.model.LatentModel model, ModelStore.DataPreprocessing p, Tensor params) {
        Tensor mean = model.likelihood().mean(params);
        return p.standardizer() == null ? mean : p.standardizer().invert(mean);
    }
}
