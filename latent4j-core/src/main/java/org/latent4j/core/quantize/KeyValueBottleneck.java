package org.latent4j.core.quantize;

import java.util.LinkedHashMap;
import java.util.Map;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.QuantOps;
import org.latent4j.tensor.random.Rng;

/**
 * The discrete key-value bottleneck (Träuble, Goyal, Rahaman, Mozer, Kawaguchi, Bengio and Schölkopf 2023, "Discrete
 * Key-Value Bottleneck", ICML): the input is cut into C heads; each head has its own codebook of K pairs (key, value);
 * the nearest key (squared L2) of a head's input selects its value, and the output is the heads' values side by side.
 *
 * <p>What is trained and what is not, as in the paper:
 * <ul>
 * <li>Keys are initialised from data ({@link #initialise}: k-means, or random data points) and then frozen: they are
 *     buffers ("keys", [C, K, keyDim]), which no optimizer touches and no hook changes.</li>
 * <li>Values are parameters ("values", [C, K, dim / C]), drawn N(0, 1) and set by {@link #initialise} to the mean of
 *     the input piece each key selects (the keys themselves when the heads cut the input), so that training starts
 *     from a vector quantizer of the input; a step's gradient reaches only the values its batch selected
 *     (the rows of the others are exactly zero), so learning is local to the keys the data fall on. (With a momentum
 *     optimizer such as Adam a value keeps moving for a few steps after its last selection; SGD updates exactly the
 *     selected ones.)</li>
 * <li>Nothing flows back through the selection: the encoder in front of the bottleneck gets no gradient from it (in the
 *     paper it is a frozen pre-trained encoder; in a model trained from scratch it stays at its initialisation, a random
 *     feature map, and the keys it was initialised with stay meaningful because it does not move).</li>
 * </ul>
 *
 * <p>Heads: with {@code keyDim = 0} the input [n, dim] is cut into C consecutive pieces of dim / C (the paper's
 * "partition x directly" for low-dimensional inputs); with {@code keyDim > 0} each head sees its own fixed Gaussian
 * random projection of the whole input to keyDim dimensions (entries N(0, 1 / dim); a buffer "projections",
 * [C, dim, keyDim]), as the paper does for the encoder's output. Either way the output has the input's width: C values
 * of dim / C. The auxiliary loss is zero. Indices are [n, C]: one code per head, each head a codebook (a "stage" of
 * {@link Quantizer}'s contract). Metrics of {@link #quantize}: "perplexity" and "codes_used", each the mean over the
 * heads of that head's value for the batch.
 */
public final class KeyValueBottleneck extends Quantizer {
    /** How the keys are drawn from the data. */
    public enum KeyInit {
        /** k-means++ seeding, then Lloyd iterations, on the initialisation vectors (the default). */
        KMEANS,
        /** Distinct random rows of the initialisation vectors. */
        RANDOM
    }

    /** Lloyd iterations after the k-means++ seeding. */
    public static final int KMEANS_ITERATIONS = 20;

    private final int dim, heads, keys, keyDim, valueDim;
    private final KeyInit keyInit;
    private final Tensor keyBook;
    private final Tensor projections;
    private final Tensor values;

    /**
     * Creates the bottleneck with provisional keys and values, which {@link #initialise} replaces.
     *
     * @param dim     width of the vectors quantized and returned (a multiple of {@code heads})
     * @param heads   codebooks C (>= 1)
     * @param keys    pairs per codebook K (>= 1)
     * @param keyDim  0 to cut the input into C pieces of dim / C, else the width of each head's random projection
     * @param keyInit how {@link #initialise} draws the keys
     * @param rng     draws the projections, the provisional keys (N(0, 1), replaced by {@link #initialise}) and the
     *                values (N(0, 1), replaced by {@link #initialise})
     */
    public KeyValueBottleneck(int dim, int heads, int keys, int keyDim, KeyInit keyInit, Rng rng) {
        if (dim < 1 || heads < 1 || keys < 1 || keyDim < 0) {
            throw new IllegalArgumentException("KeyValueBottleneck: dim, heads and keys must be >= 1 and keyDim >= 0, got " + dim + ", " + heads + ", "
                    + keys + ", " + keyDim);
        }
        if (dim % heads != 0) throw new IllegalArgumentException("KeyValueBottleneck: dim " + dim + " is not a multiple of the " + heads + " heads");
        if (keyInit == null) throw new IllegalArgumentException("KeyValueBottleneck: keyInit must be set");
        this.dim = dim;
        this.heads = heads;
        this.keys = keys;
        this.valueDim = dim / heads;
        this.keyDim = keyDim == 0 ? valueDim : keyDim;
        this.keyInit = keyInit;
        if (keyDim > 0) {
            this.projections = buffer("projections", Tensor.persistentZeros(heads, dim, keyDim));
            rng.fillNormal(projections, 0f, (float) (1 / Math.sqrt(dim)));
        } else {
            this.projections = null;
        }
        this.keyBook = buffer("keys", Tensor.persistentZeros(heads, keys, this.keyDim));
        rng.fillNormal(keyBook, 0f, 1f);
        this.values = parameter("values", Tensor.persistentZeros(heads, keys, valueDim));
        rng.fillNormal(values, 0f, 1f);
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public int[] codebookSizes() {
        int[] s = new int[heads];
        java.util.Arrays.fill(s, keys);
        return s;
    }

    /** {@return the number of codebooks C} */
    public int heads() {
        return heads;
    }

    /** {@return the width of the keys} */
    public int keyDim() {
        return keyDim;
    }

    /**
     * The frozen keys, [C, K, keyDim] (a buffer: read it, do not write it).
     *
     * @return the keys
     */
    public Tensor keys() {
        return keyBook;
    }

    /**
     * The values, [C, K, dim / C] (a parameter).
     *
     * @return the values
     */
    public Tensor values() {
        return values;
    }

    /** Head h's input [n, keyDim] for inputs z [n, dim]: its piece, or its projection. No gradient. */
    private Tensor headInput(Tensor z, int h) {
        if (projections == null) return z.slice(1, h * valueDim, (h + 1) * valueDim).contiguous();
        return z.matmul(projections.slice(0, h, h + 1).reshape(dim, keyDim));
    }

    /** Head h's keys [K, keyDim]. */
    private Tensor headKeys(int h) {
        return keyBook.slice(0, h, h + 1).reshape(keys, keyDim);
    }

    /**
     * The codes [n, C] (row-major) of z [n, dim]: each head's nearest key.
     *
     * @param z the rows
     * @return the codes
     */
    public int[] assign(Tensor z) {
        if (z.rank() != 2 || z.dim(1) != dim) throw new ShapeException("KeyValueBottleneck: input " + Shape.str(z.shape()) + " must be [n, " + dim + "]");
        int n = z.dim(0);
        int[] indices = new int[n * heads];
        try (var noGrad = GradMode.disabled()) {
            Tensor zd = z.detach();
            int[] nearest = new int[n];
            for (int h = 0; h < heads; h++) {
                QuantOps.nearestCodesInto(headInput(zd, h), headKeys(h), QuantOps.codeNorms(headKeys(h)), nearest, null);
                for (int i = 0; i < n; i++) indices[i * heads + h] = nearest[i];
            }
        }
        return indices;
    }

    @Override
    public Quantized quantize(Tensor z, boolean training) {
        int[] indices = Surrogate.choice(assign(z));
        int n = z.dim(0);
        Tensor out = select(indices, n);
        Map<String, Double> metrics = new LinkedHashMap<>();
        double perplexity = 0, used = 0;
        int[] column = new int[n];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < n; i++) column[i] = indices[i * heads + h];
            Map<String, Double> m = FiniteScalarQuantizer.batchMetrics(column);
            perplexity += m.getOrDefault("perplexity", 0.0);
            used += m.getOrDefault("codes_used", 0.0);
        }
        metrics.put("perplexity", perplexity / heads);
        metrics.put("codes_used", used / heads);
        return new Quantized(out, indices, Tensor.scalar(0f), metrics, null);
    }

    /** The values of codes [n, C] side by side, [n, dim]; differentiable in the values (only the selected rows). */
    private Tensor select(int[] indices, int n) {
        int[] flat = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int h = i % heads;
            if (indices[i] < 0 || indices[i] >= keys) throw new IllegalArgumentException("KeyValueBottleneck: code " + indices[i] + " is outside 0.." + (keys - 1));
            flat[i] = h * keys + indices[i];
        }
        return values.reshape(heads * keys, valueDim).indexSelect(0, flat).reshape(n, dim);
    }

    @Override
    public Tensor decode(int[] indices, int n) {
        if (indices.length != n * heads) throw new ShapeException("KeyValueBottleneck.decode: " + indices.length + " indices for " + n + " rows of " + heads + " heads");
        return select(indices, n);
    }

    /**
     * Draws every head's keys from the vectors [m, dim] (encoder outputs): k-means (k-means++ seeding and
     * {@link #KMEANS_ITERATIONS} Lloyd iterations) or distinct random rows (with fewer rows than keys, rows repeat, with
     * a little noise so that no two keys coincide); then sets the values from the same vectors (see
     * {@link #initialValues}).
     */
    @Override
    public void initialise(Tensor vectors, Rng rng) {
        if (vectors.rank() != 2 || vectors.dim(1) != dim) {
            throw new ShapeException("KeyValueBottleneck.initialise: vectors " + Shape.str(vectors.shape()) + " must be [m, " + dim + "]");
        }
        if (vectors.dim(0) < 1) throw new IllegalArgumentException("KeyValueBottleneck.initialise: no vectors");
        try (var noGrad = GradMode.disabled()) {
            Tensor v = vectors.detach();
            for (int h = 0; h < heads; h++) {
                float[] x = headInput(v, h).toArray();
                float[] chosen = keyInit == KeyInit.KMEANS ? KMeans.fit(Tensor.of(x, v.dim(0), keyDim), keys, KMEANS_ITERATIONS, false, rng.fork(h)).toArray()
                        : Keys.randomRows(x, v.dim(0), keyDim, keys, rng.fork(h));
                System.arraycopy(chosen, 0, keyBook.data(), keyBook.offset() + h * keys * keyDim, keys * keyDim);
                initialValues(v, h);
            }
        }
    }

    /**
     * Head h's values at the mean of the piece of the vectors (columns h * dim/C ..) that each key selects, a key that
     * selects none at the mean of all: with the keys cut from the input (keyDim 0) and k-means keys, the values start at
     * the keys, so the bottleneck starts as a vector quantizer of its input and the decoder learns from a faithful code
     * at once (values drawn at random, as the paper's reference code does, are noise the decoder must first learn to
     * ignore, and a value is updated only when selected, about batch / K times a step).
     */
    private void initialValues(Tensor v, int h) {
        int m = v.dim(0);
        int[] nearest = new int[m];
        QuantOps.nearestCodesInto(headInput(v, h), headKeys(h), QuantOps.codeNorms(headKeys(h)), nearest, null);
        Tensor piece = v.slice(1, h * valueDim, (h + 1) * valueDim).contiguous();
        float[] sums = QuantOps.segmentSum(piece, nearest, keys).toArray();
        int[] counts = QuantOps.bincount(nearest, keys);
        float[] all = piece.toArray();
        double[] mean = new double[valueDim];
        for (int i = 0; i < m; i++) for (int f = 0; f < valueDim; f++) mean[f] += all[i * valueDim + f];
        float[] out = values.data();
        int base = values.offset() + h * keys * valueDim;
        for (int j = 0; j < keys; j++) {
            for (int f = 0; f < valueDim; f++) {
                out[base + j * valueDim + f] = counts[j] > 0 ? sums[j * valueDim + f] / counts[j] : (float) (mean[f] / m);
            }
        }
    }

    /** Key initialisation from data rows x [m, d] (row-major floats). */
    static final class Keys {
        private Keys() {}

        /** {@code k} distinct random rows (all rows, shuffled, then repeats with noise when m < k). */
        static float[] randomRows(float[] x, int m, int d, int k, Rng rng) {
            int[] order = rng.permutation(m);
            float[] out = new float[k * d];
            for (int j = 0; j < k; j++) System.arraycopy(x, order[j % m] * d, out, j * d, d);
            if (k > m) jitterRepeats(out, m, d, k, x, rng);
            return out;
        }

        /** Keys m..k-1 repeat rows: nudge each by 1e-3 of the data's scale so that no two keys coincide. */
        private static void jitterRepeats(float[] out, int m, int d, int k, float[] x, Rng rng) {
            double sq = 0;
            for (int i = 0; i < m * d; i++) sq += (double) x[i] * x[i];
            float scale = (float) (1e-3 * Math.max(1e-6, Math.sqrt(sq / (m * d))));
            float[] noise = rng.normal(0f, scale, (k - m) * d).toArray();
            for (int i = 0; i < (k - m) * d; i++) out[m * d + i] += noise[i];
        }
    }
}
