package org.latent4j.core.model.sae;

import java.util.LinkedHashMap;
import java.util.Map;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.StepContext;
import org.latent4j.core.model.StepState;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.kernel.VectorKernels;
import org.latent4j.tensor.ops.IndexOps;
import org.latent4j.tensor.ops.LinearAlgebra;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * A top-k sparse autoencoder, as Gao et al. (2024, "Scaling and evaluating sparse autoencoders") define and train it:
 * <pre>
 *   x' = s x                                   (input normalisation, saved with the model)
 *   z  = TopK(ReLU(W_enc (x' - b_pre) + b_enc))  (k of L latents a row)
 *   x^ = W_dec z + b_pre                       (the decoder: k rows of W_dec a row, a sparse product)
 *   loss = ||x' - x^||^2 + alpha ||e - e^||^2  (sum over features, mean over the batch)
 * </pre>
 *
 * <p><b>The likelihood.</b> The reconstruction term is the squared error of the normalised data, Gao et al.'s loss.
 * It is the negative log-likelihood of a Gaussian with the fixed variance 1 / (2 s^2) in data units, less its constant
 * (d / 2) log(pi / s^2): {@link #likelihood()} is that Gaussian ({@link SquaredErrorLikelihood}), so the evaluation's NLL
 * is a true density and the loss is that NLL without the constant, which changes no gradient.
 *
 * <p><b>Input normalisation.</b> s makes the mean squared norm of the training inputs equal to d (Gao et al.), so that
 * the same learning rate and initial scale suit data of any units; it is measured on a sample of up to
 * {@value #INITIALISATION_ROWS} training rows in {@link #initialise}, kept in the buffer {@code input_scale}, applied by
 * {@link #loss} and {@link #encode}, and undone by {@link #decode} and {@link #reconstruct}, which return data units.
 *
 * <p><b>b_pre</b> ("pre_bias"), subtracted before the encoder and added back after the decoder, starts at the geometric
 * median of that sample, as in Gao et al. (after Bricken et al.): the median, unlike the mean, is not pulled by a few
 * outlying rows, and it is the point from which the decoder's atoms have the least total distance to cover. It is
 * found by Weiszfeld's iteration from the mean, in double.
 *
 * <p><b>The decoder</b> W_dec has a unit-norm atom per latent. It is stored [L, d] ("W_dec", the layout SAELens uses:
 * row j is latent j's atom, the column j of the paper's [d, L] matrix), so that a top-k code decodes as the sum of k
 * rows ({@link LinearAlgebra#sparseRowsMatmul}) instead of a product with a [b, L] matrix of zeros. Before each
 * optimizer step ({@link #beforeOptimizerStep}) the component of each atom's gradient along the atom is removed (it
 * would only change the norm); after it ({@link #afterOptimizerStep}) the atoms are scaled back to unit norm (Adam's
 * per-element scaling leaves the step not quite orthogonal). The atoms start as random directions (uniform on the
 * sphere) and the encoder ("encoder.weight" [L, d], torch.nn.Linear's layout, "encoder.bias" [L]) starts as the
 * decoder's transpose: in this layout, the same matrix. Gao et al.'s released code also rescales that initial encoder
 * so that a reconstruction has the input's norm; they report no clear benefit, and it is not done here.
 *
 * <p><b>AuxK.</b> With e = x' - x^ the error (a constant for this term), e^ is decoded from the k_aux largest
 * pre-activations (after ReLU) among the dead latents, and alpha ||e - e^||^2 is added to the loss (alpha = 1/32,
 * k_aux the power of two nearest d / 2: Gao et al.'s defaults), so that dead latents get a gradient towards what the
 * live ones miss. e^ has no b_pre: the error is already centred. No term is added when no latent is dead, or when AuxK
 * is off. With few dead latents per chosen one, e^ is computed densely over the dead latents, else as a sparse product
 * ({@link #DENSE_AUXK_RATIO}); the dead latents are padded to a multiple of 256 so that the workspace sees few shapes.
 *
 * <p><b>Dead latents</b> are counted in training rows ("tokens"): the buffer {@code tokens_since_fired} [L] holds, per
 * latent, how many rows the batches since its last firing (a non-zero value in the top-k) held, stopping at the window
 * N; a latent is dead once that count reaches N. A batch's AuxK sees the counts as this batch leaves them (a latent
 * firing in this batch is not dead), and {@link #afterOptimizerStep} stores them, from what the loss kept in its
 * {@link LossResult#state()}; evaluation batches (validation) change nothing. The counts are float32 like every
 * buffer: whole numbers up to N &lt;= 2^24, hence exact, so a run resumed from a checkpoint continues bit for bit.
 * N is the config's {@code deadTokens}, by default one pass over the training rows (at most Gao et al.'s 10M),
 * resolved in {@link #initialise} into the buffer {@code dead_window}.
 *
 * <p><b>Metrics</b> per step (averaged per epoch into history.csv): {@code l0} (non-zero latents per row, at most k:
 * the ReLU may zero some of the k), {@code fvu} (the batch's squared error over its variance about its own mean),
 * {@code dead_fraction} (latents dead at this batch) and, with AuxK on, {@code auxk} (||e - e^||^2, unweighted).
 */
public final class TopKSae extends LatentModel {
    /** Rows of the training data that the input scale and the geometric median are measured on. */
    public static final int INITIALISATION_ROWS = 8192;
    private static final int MEDIAN_ITERATIONS = 200;

    private final TopKSaeConfig config;
    private final Tensor preBias;
    private final EncoderLayer encoder;
    private final Tensor decoder;
    private final Tensor inputScale;
    private final Tensor tokensSinceFired;
    private final Tensor deadWindow;
    private final SquaredErrorLikelihood likelihood;
    /** Per-latent marks of the latents firing in the batch of the last loss (a mark is the batch's number). */
    private final int[] firedMark;
    private int markCounter;

    /**
     * What a training step's loss hands to its hooks: the latents that fired in the batch, and its rows.
     *
     * @param latents the latents that fired, ascending
     * @param rows    the batch's rows
     */
    record Fired(int[] latents, int rows) implements StepState {
        /** Shards of a data-parallel step: the union of their firing latents (ascending), and their rows added. */
        @Override
        public StepState concat(java.util.List<? extends StepState> following) {
            java.util.TreeSet<Integer> union = new java.util.TreeSet<>();
            for (int j : latents) union.add(j);
            int total = rows;
            for (StepState f : following) {
                if (!(f instanceof Fired other)) throw new IllegalArgumentException("TopKSae: cannot merge a step state with " + f);
                for (int j : other.latents) union.add(j);
                total += other.rows;
            }
            return new Fired(union.stream().mapToInt(Integer::intValue).toArray(), total);
        }
    }

    /**
     * Creates the model with fresh weights.
     *
     * @param config the sizes and the AuxK settings
     * @param rng draws the initial weights
     */
    public TopKSae(TopKSaeConfig config, Rng rng) {
        this.config = config;
        int d = config.dataDim(), l = config.latents();
        preBias = parameter("pre_bias", Tensor.persistentZeros(d));
        encoder = child("encoder", new EncoderLayer(d, l));
        decoder = parameter("W_dec", Tensor.persistentZeros(l, d));
        inputScale = buffer("input_scale", Tensor.persistentZeros(1).fill(1f));
        tokensSinceFired = buffer("tokens_since_fired", Tensor.persistentZeros(l));
        deadWindow = buffer("dead_window", Tensor.persistentZeros(1).fill(config.deadWindow(TopKSaeConfig.PAPER_DEAD_TOKENS)));
        likelihood = new SquaredErrorLikelihood(inputScale);
        firedMark = new int[l];
        // Gaussian rows, normalised: directions uniform on the sphere
        decoder.copyFrom(rng.normal(0f, 1f, l, d));
        normaliseRows(decoder);
        encoder.weight.copyFrom(decoder);
    }

    /**
     * The decoder's atoms, [L, d]: row j is latent j's unit-norm direction in the normalised data space.
     *
     * @return the atoms
     */
    public Tensor decoderAtoms() {
        return decoder;
    }

    /**
     * The encoder's weight, [L, d] (W_enc; torch.nn.Linear's layout).
     *
     * @return the weight
     */
    public Tensor encoderWeight() {
        return encoder.weight;
    }

    /**
     * b_enc, [L].
     *
     * @return the bias
     */
    public Tensor encoderBias() {
        return encoder.bias;
    }

    /**
     * b_pre, [d], in the normalised data space.
     *
     * @return the bias
     */
    public Tensor preBias() {
        return preBias;
    }

    /**
     * s, the factor the inputs are multiplied by before the encoder.
     *
     * @return the factor
     */
    public float inputScale() {
        return inputScale.data()[inputScale.offset()];
    }

    /**
     * N, the dead-latent window in training rows.
     *
     * @return the window
     */
    public int deadWindow() {
        return (int) deadWindow.data()[deadWindow.offset()];
    }

    /**
     * Per latent, the training rows since it last fired (stopping at the window); a copy.
     *
     * @return the counts
     */
    public float[] tokensSinceFired() {
        return tokensSinceFired.toArray();
    }

    /**
     * Whether latent j counts as dead (it has not fired in the last {@link #deadWindow()} training rows).
     *
     * @param latent the latent's index
     * @return true when dead
     */
    public boolean isDead(int latent) {
        return tokensSinceFired.data()[tokensSinceFired.offset() + latent] >= deadWindow();
    }

    private Tensor normalised(Tensor x, String op) {
        SparseEncoding.checkRows(TopKSaeKind.NAME, op, x, config.dataDim());
        float s = inputScale();
        return s == 1f ? x : x.mul(s);
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        SparseEncoding.noCondition(TopKSaeKind.NAME, "loss", batch.condition());
        Tensor xc = normalised(batch.x(), "loss").sub(preBias);
        int b = xc.dim(0), k = config.k(), l = config.latents();
        Tensor pre = SparseEncoding.preActivations(xc, encoder.weight, encoder.bias);
        int[] idx = SparseEncoding.topK(pre, k);
        Tensor values = SparseEncoding.chosen(idx, xc, encoder.weight, encoder.bias).relu();
        Tensor error = xc.sub(LinearAlgebra.sparseRowsMatmul(idx, values, decoder));
        Tensor recon = error.square().sum(-1, false).mean();

        // the latents firing in this batch, and those dead as this batch leaves the counts
        int[] fired = firedLatents(idx, values);
        int[] dead = deadLatents(b);
        Map<String, Double> metrics = new LinkedHashMap<>();
        double reconValue = recon.item();
        metrics.put("l0", SparseEncoding.l0(values));
        metrics.put("fvu", SparseEncoding.batchFvu(xc, reconValue * b));
        metrics.put("dead_fraction", (double) dead.length / l);
        Tensor regularization;
        Tensor loss;
        if (config.auxK()) {
            Tensor aux = dead.length == 0 ? Tensor.scalar(0f) : auxK(pre, dead, xc, error.detach(), denseAuxK(dead.length));
            metrics.put("auxk", (double) aux.item());
            regularization = aux.mul((float) config.auxKAlpha());
            loss = recon.add(regularization);
        } else {
            regularization = Tensor.scalar(0f);
            loss = recon;
        }
        return new LossResult(loss, recon, regularization, metrics, new Fired(fired, b));
    }

    /**
     * Up to this many dead latents per chosen one (m &lt;= 8 k_aux), AuxK runs dense over the dead latents: their
     * pre-activations and the decoding as products with the [m, d] rows of the m dead latents, the [b, m] code masked to
     * each row's top k_aux. Beyond it, sparse, as the main code (k_aux atoms a row). The sparse kernels read a weight
     * row per chosen latent and row, mostly from memory, at a small fraction of GEMM's flop rate, so the dense form, m /
     * k_aux times the work, is the faster up to a ratio near 9: at b = 256, d = 784, k_aux = 512 on the build machine,
     * forward and backward (with the dense pre-activations both need), 29, 35, 44 and 55 ms dense against 70, 74, 63
     * and 65 ms sparse for 600, 1,200, 2,400 and 3,600 dead latents. Both compute the same function.
     */
    static final int DENSE_AUXK_RATIO = 8;
    /**
     * The dead latents are padded to a multiple of this (with masked-out copies of the first), so that AuxK's tensors
     * take a few shapes rather than one per count of dead latents: the workspace pools buffers by length.
     */
    private static final int DEAD_PADDING = 256;

    /** ||e - e^||^2 (sum over features, mean over the batch), e^ decoded from each row's top k_aux dead latents. */
    private Tensor auxK(Tensor pre, int[] dead, Tensor xc, Tensor error, boolean dense) {
        int b = xc.dim(0), m = dead.length;
        int padded = Math.ceilDiv(m, DEAD_PADDING) * DEAD_PADDING;
        int[] columns = java.util.Arrays.copyOf(dead, padded);
        java.util.Arrays.fill(columns, m, padded, dead[0]);
        // each row's k_aux largest among the real columns (the padding is -Infinity, and at most m are real)
        int kChoose = Math.min(config.auxKK(), padded), kAux = Math.min(config.auxKK(), m);
        int[] local;
        try (var noGrad = GradMode.disabled()) {
            Tensor candidates = IndexOps.indexSelect(pre, 1, columns);
            float[] cd = candidates.data();
            int co = candidates.offset();
            for (int i = 0; i < b; i++) java.util.Arrays.fill(cd, co + i * padded + m, co + (i + 1) * padded, Float.NEGATIVE_INFINITY);
            local = IndexOps.topK(candidates, kChoose, 1).indices();
        }
        Tensor eHat;
        if (dense) {
            Tensor preDead = LinearAlgebra.linear(xc, IndexOps.indexSelect(encoder.weight, 0, columns))
                    .add(IndexOps.indexSelect(encoder.bias, 0, columns));
            Tensor mask = Tensor.zeros(b, padded);
            float[] md = mask.data();
            int mo = mask.offset();
            for (int i = 0; i < b; i++) for (int j = 0; j < kAux; j++) md[mo + i * padded + local[i * kChoose + j]] = 1f;
            eHat = preDead.relu().mul(mask).matmul(IndexOps.indexSelect(decoder, 0, columns));
        } else {
            int[] idx = new int[b * kAux];
            for (int i = 0; i < b; i++) for (int j = 0; j < kAux; j++) idx[i * kAux + j] = columns[local[i * kChoose + j]];
            Tensor values = SparseEncoding.chosen(idx, xc, encoder.weight, encoder.bias).relu();
            eHat = LinearAlgebra.sparseRowsMatmul(idx, values, decoder);
        }
        return error.sub(eHat).square().sum(-1, false).mean();
    }

    /** Whether AuxK over m dead latents runs dense ({@link #DENSE_AUXK_RATIO}). */
    private boolean denseAuxK(int m) {
        return (long) m <= (long) DENSE_AUXK_RATIO * Math.min(config.auxKK(), m);
    }

    /**
     * The AuxK term of {@link #loss} for inputs x, the dead latents {@code dead} and an error held fixed (the loss holds
     * this batch's error fixed), dense or sparse as asked: for checking its gradients apart from the error's own
     * dependence on the parameters, and the two forms against each other.
     */
    Tensor auxKLoss(Tensor x, int[] dead, Tensor error, boolean dense) {
        Tensor xc = normalised(x, "auxKLoss").sub(preBias);
        return auxK(SparseEncoding.preActivations(xc, encoder.weight, encoder.bias), dead, xc, error, dense);
    }

    /** The distinct latents with a non-zero value in the batch's code, ascending. */
    private int[] firedLatents(int[] idx, Tensor values) {
        int mark = ++markCounter;
        if (mark == Integer.MAX_VALUE) {
            java.util.Arrays.fill(firedMark, 0);
            markCounter = mark = 1;
        }
        Tensor v = values.contiguous();
        float[] vd = v.data();
        int vo = v.offset(), count = 0;
        for (int p = 0; p < idx.length; p++) {
            if (vd[vo + p] != 0f && firedMark[idx[p]] != mark) {
                firedMark[idx[p]] = mark;
                count++;
            }
        }
        int[] out = new int[count];
        for (int j = 0, n = 0; j < firedMark.length; j++) if (firedMark[j] == mark) out[n++] = j;
        return out;
    }

    /**
     * The latents dead once a batch of {@code rows} rows is counted: not firing in it (the marks of the last
     * {@link #firedLatents}) and with the count reaching the window.
     */
    private int[] deadLatents(int rows) {
        int mark = markCounter;
        long window = deadWindow();
        float[] c = tokensSinceFired.data();
        int co = tokensSinceFired.offset(), n = 0;
        for (int j = 0; j < firedMark.length; j++) if (firedMark[j] != mark && (long) c[co + j] + rows >= window) n++;
        int[] out = new int[n];
        for (int j = 0, m = 0; j < firedMark.length; j++) if (firedMark[j] != mark && (long) c[co + j] + rows >= window) out[m++] = j;
        return out;
    }

    @Override
    public LatentCode.Sparse encode(Tensor x, Tensor condition) {
        SparseEncoding.noCondition(TopKSaeKind.NAME, "encode", condition);
        Tensor xc = normalised(x, "encode").sub(preBias);
        int[] idx = SparseEncoding.topK(SparseEncoding.preActivations(xc, encoder.weight, encoder.bias), config.k());
        return new LatentCode.Sparse(idx, SparseEncoding.chosen(idx, xc, encoder.weight, encoder.bias).relu(), config.latents());
    }

    /** Data-unit reconstructions [..., d] of dense codes [..., L]. */
    @Override
    public Tensor decode(Tensor latents, Tensor condition) {
        SparseEncoding.noCondition(TopKSaeKind.NAME, "decode", condition);
        if (latents.rank() < 2 || latents.dim(latents.rank() - 1) != config.latents()) {
            throw new ShapeException(TopKSaeKind.NAME + ".decode: latents " + Shape.str(latents.shape()) + " must be [..., " + config.latents() + "]");
        }
        return unnormalise(latents.matmul(decoder).add(preBias));
    }

    /** The reconstruction of x in data units, through the sparse decoder (k atoms a row). */
    @Override
    public Tensor reconstruct(Tensor x, Tensor condition) {
        LatentCode.Sparse code = encode(x, condition);
        return unnormalise(LinearAlgebra.sparseRowsMatmul(code.indices(), code.values(), decoder).add(preBias));
    }

    private Tensor unnormalise(Tensor y) {
        float s = inputScale();
        return s == 1f ? y : y.div(s);
    }

    /**
     * Measures s on a sample of the training rows, sets b_pre to the sample's geometric median (in normalised units),
     * resolves the dead window for the training rows and clears the dead-latent counts.
     */
    @Override
    public void initialise(TrainingData data, Rng rng) {
        Tensor sample = data.sample(Math.min(data.rows(), INITIALISATION_ROWS)).contiguous();
        int n = sample.dim(0), d = config.dataDim();
        float[] v = sample.data();
        int o = sample.offset();
        double squaredNorms = 0;
        for (int i = 0; i < n * d; i++) squaredNorms += (double) v[o + i] * v[o + i];
        double meanSquaredNorm = n == 0 ? 0 : squaredNorms / n;
        float s = meanSquaredNorm > 0 && Double.isFinite(meanSquaredNorm) ? (float) Math.sqrt(d / meanSquaredNorm) : 1f;
        inputScale.fill(s);
        double[] median = geometricMedian(v, o, n, d);
        float[] b = preBias.data();
        for (int j = 0; j < d; j++) b[preBias.offset() + j] = (float) (s * median[j]);
        deadWindow.fill(config.deadWindow(data.rows()));
        tokensSinceFired.fill(0f);
    }

    /**
     * The geometric median of the n rows of x (the point of least total Euclidean distance to them) by Weiszfeld's
     * iteration from the mean: each step moves to the mean of the rows weighted by their inverse distances. A row at
     * the current point is left out of that step (its weight would be infinite), the usual safeguard.
     */
    static double[] geometricMedian(float[] x, int offset, int n, int d) {
        double[] y = new double[d];
        if (n == 0) return y;
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) y[j] += x[offset + i * d + j];
        for (int j = 0; j < d; j++) y[j] /= n;
        double[] next = new double[d];
        for (int it = 0; it < MEDIAN_ITERATIONS; it++) {
            java.util.Arrays.fill(next, 0);
            double weights = 0, spread = 0;
            for (int i = 0; i < n; i++) {
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double t = x[offset + i * d + j] - y[j];
                    dist += t * t;
                }
                dist = Math.sqrt(dist);
                spread += dist;
                if (dist == 0) continue;
                double w = 1 / dist;
                weights += w;
                for (int j = 0; j < d; j++) next[j] += w * x[offset + i * d + j];
            }
            if (weights == 0) break;
            double moved = 0;
            for (int j = 0; j < d; j++) {
                next[j] /= weights;
                moved += (next[j] - y[j]) * (next[j] - y[j]);
                y[j] = next[j];
            }
            // stop once a step moves the point by a millionth of the mean distance to the rows
            if (Math.sqrt(moved) <= 1e-6 * (spread / n)) break;
        }
        return y;
    }

    /** Removes from each atom's gradient its component along the atom. */
    @Override
    public void beforeOptimizerStep(StepContext step) {
        Tensor g = decoder.grad();
        if (g == null) return;
        int l = config.latents(), d = config.dataDim();
        float[] w = decoder.data(), gd = g.data();
        int wo = decoder.offset(), go = g.offset();
        VectorKernels kv = Kernels.vector();
        Parallel.range(l, Math.max(1, (1 << 15) / d), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                float ww = kv.dot(w, wo + r * d, w, wo + r * d, d);
                if (ww == 0f) continue;
                float along = kv.dot(gd, go + r * d, w, wo + r * d, d) / ww;
                kv.axpy(-along, w, wo + r * d, gd, go + r * d, d);
            }
        });
    }

    /** Renormalises the atoms, and counts the batch's rows into the dead-latent counts. */
    @Override
    public void afterOptimizerStep(StepContext step) {
        normaliseRows(decoder);
        if (step.result().state() instanceof Fired f) countRows(f);
    }

    /** Every count moves on by the batch's rows (stopping at the window); the latents that fired start again at 0. */
    void countRows(Fired f) {
        float[] c = tokensSinceFired.data();
        int co = tokensSinceFired.offset();
        long window = deadWindow();
        for (int j = 0; j < config.latents(); j++) c[co + j] = (float) Math.min(window, (long) c[co + j] + f.rows());
        for (int j : f.latents()) c[co + j] = 0f;
    }

    private static void normaliseRows(Tensor w) {
        int rows = w.dim(0), d = w.dim(1);
        float[] data = w.data();
        int off = w.offset();
        VectorKernels kv = Kernels.vector();
        Parallel.range(rows, Math.max(1, (1 << 15) / d), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                float norm = (float) Math.sqrt(kv.dot(data, off + r * d, data, off + r * d, d));
                if (norm > 0f) kv.mulScalar(data, off + r * d, 1f / norm, data, off + r * d, d);
            }
        });
    }

    @Override
    public Record config() {
        return config;
    }

    @Override
    public String kind() {
        return TopKSaeKind.NAME;
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
