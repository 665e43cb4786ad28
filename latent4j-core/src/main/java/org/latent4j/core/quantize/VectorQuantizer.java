package org.latent4j.core.quantize;

import java.util.LinkedHashMap;
import java.util.Map;
import org.latent4j.core.model.StepState;
import org.latent4j.core.nn.Linear;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.init.Initializer;
import org.latent4j.tensor.linalg.SymmetricEigen;
import org.latent4j.tensor.ops.LinearAlgebra;
import org.latent4j.tensor.ops.QuantOps;
import org.latent4j.tensor.random.Rng;

/**
 * The vector quantizer of VQ-VAE (van den Oord et al. 2017, "Neural Discrete Representation Learning"), with the
 * remedies for codebook collapse that later work added, each chosen by its {@link VectorQuantizerConfig}:
 *
 * <ul>
 * <li><b>Lookup.</b> Each row z of the input [n, dim] gets the code e nearest in squared L2 distance, through the fused
 *     search of {@link QuantOps#nearestCodes} (no [n, K] matrix), or with {@code COSINE} the code of largest cosine:
 *     z and the codes are l2-normalised (differentiably) and the search is {@link QuantOps#maxInnerProductCodes}.</li>
 * <li><b>Losses</b> (per row, summed over features, averaged over rows; see {@link Quantized#loss}): the codebook
 *     loss ||sg[z] - e||^2, which moves the codes to the inputs, and the commitment loss beta ||z - sg[e]||^2, which
 *     keeps the encoder near its codes. With EMA updates there is no codebook loss.</li>
 * <li><b>Encoder gradient.</b> {@code STE}: the output is z + sg[e - z], whose value is e and whose gradient to z is
 *     the identity. {@code ROTATION}, the rotation trick (Fifty et al. 2024, "Restructuring Vector Quantization with
 *     the Rotation Trick"): the output is sg[lambda R] z with lambda = ||e|| / ||z|| and R the rotation taking z/||z||
 *     to e/||e|| (R = I - 2 r r^T + 2 q^ e^T with e^ = z/||z||, q^ = e/||e||, r = (e^ + q^)/||e^ + q^||): its value is
 *     e, and the gradient to z is lambda R^T g, so the angle and relative size of z and its code reach the encoder.
 *     It is computed without forming R: lambda (z - 2 r (r.z) + 2 q^ (e^.z)) with r, q^, e^ and lambda detached.</li>
 * <li><b>EMA codebook</b> (the paper's appendix; Razavi et al. 2019): after each optimizer step, with n_i the rows
 *     assigned to code i and s_i their sum, N_i = gamma N_i + (1 - gamma) n_i, m_i = gamma m_i + (1 - gamma) s_i, and
 *     e_i = m_i / N~_i with the Laplace-smoothed sizes N~_i = (N_i + eps) / (N + K eps) N, N = sum_i N_i. N and m
 *     are buffers ("cluster_size", "embed_sum"), so a resumed run continues exactly; they start at 1 and the codes.</li>
 * <li><b>Initialisation</b>: k-means++ and Lloyd iterations ({@link KMeans}) on encoder outputs, through
 *     {@link #initialise}; or random, uniform in +-sqrt(6/d) (PyTorch's kaiming_uniform of a [K, d] matrix, the
 *     random start of vector-quantize-pytorch).</li>
 * <li><b>Dead-code restart</b>: "unused_steps" counts, per code, the training steps since it was last chosen; after
 *     each step, every code unused for {@code restartDeadAfter} steps is replaced by a distinct recent encoder output
 *     drawn from a pool ("restart_pool": {@code restartPool} rows, a quarter renewed per step with rows of the step's
 *     input), all draws from the hook's generator. An EMA code restarts with size 1.</li>
 * <li><b>Low-dimensional lookup</b> ({@code projectionDim} > 0; the factorized codes of Yu et al. 2021, "Vector-quantized
 *     Image Modeling with Improved VQGAN"): z is mapped to the lookup space by a learned linear map "project_in",
 *     quantized there (losses included), and the chosen code mapped back by "project_out".</li>
 * <li><b>SimVQ</b> (Zhu et al. 2024, "Addressing Representation Collapse in Vector Quantized Models with One Linear
 *     Layer"): the codes are C W^T, C [K, d] a frozen buffer ("frozen_codebook") drawn from N(0, 1/d) and W [d, d]
 *     ("simvq_weight", torch.nn.Linear's layout) learned through the codebook loss; every step moves all codes together,
 *     so none is left behind. With init {@code MOMENTS} (SimVQ's default) the map has a bias ("simvq_bias") and both are
 *     set before the first step so that the codes have the mean and covariance of encoder outputs; with {@code RANDOM}
 *     the map is Glorot-uniform with no bias, as the paper starts.</li>
 * </ul>
 *
 * <p>Metrics of {@link #quantize} (per call): "codebook_loss" and "commitment_loss", the two terms as the loss adds
 * them (per row; codebook_loss 0 with EMA updates); "perplexity", exp of the entropy of the batch's code frequencies;
 * "codes_used" in the batch; "dead_codes", the codes that will have gone unused for {@code restartDeadAfter} steps
 * (100 when restarts are off) after this step, which are the codes this step's hook restarts when restarts are on.
 *
 * <p>Parameter and buffer names: "codebook" (a parameter, or a buffer with EMA updates), "cluster_size" and
 * "embed_sum" (EMA), "frozen_codebook", "simvq_weight" and "simvq_bias" (SimVQ), "project_in.weight/bias" and
 * "project_out.weight/bias" (projection), "unused_steps", and with restarts "restart_pool" and "restart_pool_state".
 */
public final class VectorQuantizer extends Quantizer {
    /** The window of the "dead_codes" metric when restarts are off. */
    public static final int DEFAULT_DEAD_WINDOW = 100;
    /** Counters stop here, exactly representable in float (far beyond any window). */
    private static final float COUNTER_CAP = 1 << 23;

    private final VectorQuantizerConfig config;
    private final int k;
    private final int d;
    private final Tensor codebook;
    private final Tensor clusterSize;
    private final Tensor embedSum;
    private final Tensor frozenCodebook;
    private final Tensor simWeight;
    private final Tensor simBias;
    private final Linear projectIn;
    private final Linear projectOut;
    private final Tensor unusedSteps;
    private final Tensor pool;
    private final Tensor poolState;

    /**
     * What {@link #afterOptimizerStep} needs from a training call: the codes, their counts and the inputs in the lookup
     * space (row-major [n, dim]). Shards of a data-parallel step concatenate codes and rows and add counts, which is the
     * state of one call on their rows together.
     *
     * @param indices the chosen code of every row
     * @param counts  how many rows chose each code
     * @param vectors the rows in the lookup space, [n, dim] row-major
     * @param dim     the lookup space's width
     */
    record Step(int[] indices, int[] counts, float[] vectors, int dim) implements StepState {
        @Override
        public StepState concat(java.util.List<? extends StepState> following) {
            java.util.List<int[]> indices = new java.util.ArrayList<>(java.util.List.of(this.indices));
            java.util.List<float[]> vectors = new java.util.ArrayList<>(java.util.List.of(this.vectors));
            int[] counts = this.counts.clone();
            for (StepState f : following) {
                if (!(f instanceof Step s) || s.dim != dim || s.counts.length != counts.length) {
                    throw new IllegalArgumentException("VectorQuantizer: cannot merge a step state with " + f);
                }
                indices.add(s.indices);
                vectors.add(s.vectors);
                for (int c = 0; c < counts.length; c++) counts[c] += s.counts[c];
            }
            return new Step(StepState.concatInts(indices), counts, StepState.concatFloats(vectors), dim);
        }

        /** {@return the rows} */
        int rows() {
            return indices.length;
        }
    }

    /**
     * Creates the quantizer.
     *
     * @param config the codebook's settings
     * @param rng draws the initial codebook
     */
    public VectorQuantizer(VectorQuantizerConfig config, Rng rng) {
        this.config = config;
        this.k = config.codebookSize();
        this.d = config.lookupDim();
        boolean ema = config.update() == VectorQuantizerConfig.Update.EMA;
        if (config.codebook() == VectorQuantizerConfig.Codebook.SIMVQ) {
            this.codebook = null;
            this.frozenCodebook = buffer("frozen_codebook", Tensor.persistentZeros(k, d));
            rng.fillNormal(frozenCodebook, 0f, (float) (1 / Math.sqrt(d)));
            this.simWeight = parameter("simvq_weight", Initializer.glorotUniform().fill(Tensor.persistentZeros(d, d), d, d, rng));
            this.simBias = config.init() == VectorQuantizerConfig.Init.MOMENTS ? parameter("simvq_bias", Tensor.persistentZeros(d)) : null;
        } else {
            float bound = (float) Math.sqrt(6.0 / d);
            Tensor c = rng.fillUniform(Tensor.persistentZeros(k, d), -bound, bound);
            this.codebook = ema ? buffer("codebook", c) : parameter("codebook", c);
            this.frozenCodebook = null;
            this.simWeight = null;
            this.simBias = null;
        }
        if (ema) {
            this.clusterSize = buffer("cluster_size", Tensor.persistentZeros(k).fill(1f));
            this.embedSum = buffer("embed_sum", Tensor.persistentZeros(k, d).copyFrom(codebook));
        } else {
            this.clusterSize = null;
            this.embedSum = null;
        }
        if (config.projectionDim() > 0) {
            this.projectIn = child("project_in", new Linear(config.dim(), d, Initializer.glorotUniform(), rng));
            this.projectOut = child("project_out", new Linear(d, config.dim(), Initializer.glorotUniform(), rng));
        } else {
            this.projectIn = null;
            this.projectOut = null;
        }
        this.unusedSteps = buffer("unused_steps", Tensor.persistentZeros(k));
        if (config.restartDeadAfter() > 0) {
            if (config.codebook() == VectorQuantizerConfig.Codebook.SIMVQ) {
                throw new IllegalArgumentException("VectorQuantizer: SimVQ's codes are C W, not free vectors; dead-code restarts do not apply");
            }
            this.pool = buffer("restart_pool", Tensor.persistentZeros(config.restartPool(), d));
            // [next row to write, rows filled]
            this.poolState = buffer("restart_pool_state", Tensor.persistentZeros(2));
        } else {
            this.pool = null;
            this.poolState = null;
        }
    }

    /** {@return the settings} */
    public VectorQuantizerConfig config() {
        return config;
    }

    @Override
    public int dim() {
        return config.dim();
    }

    @Override
    public int[] codebookSizes() {
        return new int[] {k};
    }

    /**
     * The codes as the lookup uses them, [K, lookupDim]: the codebook (l2-normalised for cosine), or C W^T (+ b) for SimVQ;
     * differentiable in the learned parameters.
     *
     * @return the codes
     */
    public Tensor codes() {
        Tensor c = frozenCodebook == null ? codebook : simBias == null ? LinearAlgebra.linear(frozenCodebook, simWeight)
                : LinearAlgebra.linear(frozenCodebook, simWeight).add(simBias);
        return cosine() ? normaliseRows(c) : c;
    }

    private boolean cosine() {
        return config.distance() == VectorQuantizerConfig.Distance.COSINE;
    }

    private boolean ema() {
        return config.update() == VectorQuantizerConfig.Update.EMA;
    }

    /** The input in the lookup space: projected, and normalised for cosine. */
    private Tensor toLookup(Tensor z) {
        Tensor v = projectIn == null ? z : projectIn.forward(z);
        return cosine() ? normaliseRows(v) : v;
    }

    private Tensor fromLookup(Tensor v) {
        return projectOut == null ? v : projectOut.forward(v);
    }

    /** Rows divided by their l2 norm (plus a tiny epsilon under the root, so a zero row stays finite); differentiable. */
    static Tensor normaliseRows(Tensor x) {
        return x.div(x.square().sum(-1, true).add(1e-12f).sqrt());
    }

    private int[] search(Tensor v, Tensor codes) {
        int n = v.dim(0);
        int[] idx = new int[n];
        if (cosine()) QuantOps.maxInnerProductCodesInto(v, codes, idx, null);
        else QuantOps.nearestCodesInto(v, codes, QuantOps.codeNorms(codes), idx, null);
        return idx;
    }

    /**
     * The code of each row of z [n, dim] (no gradient).
     *
     * @param z the rows
     * @return the codes
     */
    public int[] assign(Tensor z) {
        try (var noGrad = GradMode.disabled()) {
            checkInput(z);
            return search(toLookup(z), codes());
        }
    }

    private void checkInput(Tensor z) {
        if (z.rank() != 2 || z.dim(1) != config.dim()) {
            throw new ShapeException("VectorQuantizer: input " + Shape.str(z.shape()) + " must be [n, " + config.dim() + "]");
        }
    }

    @Override
    public Quantized quantize(Tensor z, boolean training) {
        checkInput(z);
        int n = z.dim(0);
        Tensor v = toLookup(z);
        Tensor codes = codes();
        Tensor codesFixed = Surrogate.stopGradient(codes);
        Tensor vFixed = Surrogate.stopGradient(v);
        int[] idx = Surrogate.choice(search(vFixed, codesFixed));
        int[] counts = QuantOps.bincount(idx, k);
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (!training) {
            Tensor out = fromLookup(codesFixed.indexSelect(0, idx));
            usage(counts, metrics);
            return new Quantized(out, idx, Tensor.scalar(0f), metrics, null);
        }
        Tensor q = codes.indexSelect(0, idx);
        Tensor qFixed = Surrogate.stopGradient(q);
        float perRow = 1f / Math.max(1, n);
        Tensor commitment = v.sub(qFixed).square().sum().mul((float) config.beta() * perRow);
        Tensor loss = commitment;
        double codebookLoss = 0;
        if (!ema()) {
            Tensor cb = vFixed.sub(q).square().sum().mul(perRow);
            codebookLoss = cb.item();
            loss = cb.add(commitment);
        }
        Tensor out = config.gradient() == VectorQuantizerConfig.Gradient.ROTATION ? rotate(v, vFixed, qFixed) : v.add(Surrogate.stopGradient(qFixed.sub(vFixed)));
        metrics.put("codebook_loss", codebookLoss);
        metrics.put("commitment_loss", (double) commitment.item());
        usage(counts, metrics);
        metrics.put("dead_codes", (double) deadAfter(counts));
        return new Quantized(fromLookup(out), idx, loss, metrics, new Step(idx, counts, vFixed.contiguous().toArray(), vFixed.dim(1)));
    }

    /** Perplexity and codes used of a batch's counts. */
    private static void usage(int[] counts, Map<String, Double> metrics) {
        int used = 0;
        for (int c : counts) if (c > 0) used++;
        metrics.put("perplexity", Math.exp(CodeFrequencies.entropy(counts.length, i -> counts[i])));
        metrics.put("codes_used", (double) used);
    }

    /** The window after which an unused code is dead: the restart window, or {@link #DEFAULT_DEAD_WINDOW}. */
    private int deadWindow() {
        return config.restartDeadAfter() > 0 ? config.restartDeadAfter() : DEFAULT_DEAD_WINDOW;
    }

    /** Codes that will have been unused for the window after a step with these counts. */
    private int deadAfter(int[] counts) {
        float[] u = unusedSteps.data();
        int window = deadWindow(), dead = 0;
        for (int c = 0; c < k; c++) if (counts[c] == 0 && u[c] + 1 >= window) dead++;
        return dead;
    }

    /**
     * The rotation trick's output for the live rows v, their detached values and the detached codes: value q, gradient
     * lambda R^T g to v. Rows with a zero input or code (no direction) fall back to the straight-through estimator, and
     * an exactly opposite pair (rotation by pi, not unique) to R = -I, which also takes v/||v|| to q/||q||.
     */
    private Tensor rotate(Tensor v, Tensor vFixed, Tensor qFixed) {
        int n = v.dim(0);
        float[] z = vFixed.contiguous().toArray(), q = qFixed.contiguous().toArray();
        float[] a = new float[n], r = new float[n * d], r2 = new float[n * d], q2 = new float[n * d], e = new float[n * d];
        for (int i = 0; i < n; i++) {
            int o = i * d;
            double nz = 0, nq = 0;
            for (int j = 0; j < d; j++) {
                nz += (double) z[o + j] * z[o + j];
                nq += (double) q[o + j] * q[o + j];
            }
            nz = Math.sqrt(nz);
            nq = Math.sqrt(nq);
            if (!(nz > 1e-20) || !(nq > 1e-20)) {
                a[i] = 1f; // straight-through: the correction below supplies the value
                continue;
            }
            double lambda = nq / nz, nw = 0;
            for (int j = 0; j < d; j++) {
                double w = z[o + j] / nz + q[o + j] / nq;
                nw += w * w;
            }
            nw = Math.sqrt(nw);
            if (nw < 1e-6) {
                a[i] = (float) -lambda;
                continue;
            }
            a[i] = (float) lambda;
            for (int j = 0; j < d; j++) {
                double eh = z[o + j] / nz, qh = q[o + j] / nq, rr = (eh + qh) / nw;
                r[o + j] = (float) rr;
                r2[o + j] = (float) (2 * lambda * rr);
                q2[o + j] = (float) (2 * lambda * qh);
                e[o + j] = (float) eh;
            }
        }
        Tensor ta = Surrogate.stopGradient(Tensor.of(a, n, 1));
        Tensor tr = Surrogate.stopGradient(Tensor.of(r, n, d));
        Tensor tr2 = Surrogate.stopGradient(Tensor.of(r2, n, d));
        Tensor tq2 = Surrogate.stopGradient(Tensor.of(q2, n, d));
        Tensor te = Surrogate.stopGradient(Tensor.of(e, n, d));
        Tensor rotated = v.mul(ta).sub(tr2.mul(tr.mul(v).sum(-1, true))).add(tq2.mul(te.mul(v).sum(-1, true)));
        // the rotated vector is q up to rounding; the detached difference makes the value q (to an ulp) and changes no gradient
        return rotated.add(Surrogate.stopGradient(qFixed.sub(rotated.detach())));
    }

    @Override
    public Tensor decode(int[] indices, int n) {
        if (indices.length != n) throw new ShapeException("VectorQuantizer.decode: " + indices.length + " indices for " + n + " rows of one stage");
        for (int i : indices) if (i < 0 || i >= k) throw new IllegalArgumentException("VectorQuantizer.decode: code " + i + " is outside 0.." + (k - 1));
        try (var noGrad = GradMode.disabled()) {
            return fromLookup(codes().indexSelect(0, indices));
        }
    }

    /**
     * k-means++ and Lloyd on the vectors (in the lookup space), or SimVQ's map from their moments, when the config asks
     * for it; primes the restart pool.
     */
    @Override
    public void initialise(Tensor vectors, Rng rng) {
        checkInput(vectors);
        Tensor v;
        try (var noGrad = GradMode.disabled()) {
            v = toLookup(vectors).contiguous();
        }
        if (config.init() == VectorQuantizerConfig.Init.MOMENTS) matchMoments(v);
        if (config.init() == VectorQuantizerConfig.Init.KMEANS) {
            Tensor centres = KMeans.fit(v, k, config.kmeansIterations(), cosine(), rng.fork(1));
            codebook.copyFrom(centres);
            if (ema()) {
                clusterSize.fill(1f);
                embedSum.copyFrom(centres);
            }
        }
        if (pool != null) {
            int rows = Math.min(v.dim(0), pool.dim(0));
            int[] pick = rng.fork(2).permutation(v.dim(0));
            float[] src = v.toArray(), dst = pool.data();
            for (int i = 0; i < rows; i++) System.arraycopy(src, pick[i] * d, dst, i * d, d);
            poolState.data()[0] = rows % pool.dim(0);
            poolState.data()[1] = rows;
        }
    }

    /**
     * SimVQ's map and bias set so that the codes C W^T + b have exactly the mean and covariance of the vectors v [n, d]:
     * W = Sigma^(1/2) S^(-1/2) and b = mean - W m, with Sigma the vectors' covariance and m, S the mean and covariance of
     * C's K rows (about 0 and I/d; with K <= d, or a singular S, those are used). Symmetric square roots, in double
     * precision; C being random, no other map with that covariance is better placed.
     */
    private void matchMoments(Tensor v) {
        double[] mean = new double[d], sigma = moments(v.toArray(), v.dim(0), mean);
        double[] codeMean = new double[d], s = moments(frozenCodebook.toArray(), k, codeMean);
        SymmetricEigen codeEig = k > d ? SymmetricEigen.of(s, d) : null;
        double[] whiten;
        if (codeEig != null && codeEig.values()[d - 1] > 1e-9 * codeEig.values()[0]) {
            whiten = symmetricPower(codeEig, -0.5);
        } else {
            whiten = new double[d * d];
            java.util.Arrays.fill(codeMean, 0);
            for (int a = 0; a < d; a++) whiten[a * d + a] = Math.sqrt(d);
        }
        double[] root = symmetricPower(SymmetricEigen.of(sigma, d), 0.5);
        float[] w = simWeight.data(), bias = simBias.data();
        for (int a = 0; a < d; a++) {
            double shift = 0;
            for (int b = 0; b < d; b++) {
                double sum = 0;
                for (int j = 0; j < d; j++) sum += root[a * d + j] * whiten[j * d + b];
                w[a * d + b] = (float) sum;
                shift += sum * codeMean[b];
            }
            bias[a] = (float) (mean[a] - shift);
        }
    }

    /** The mean (into {@code mean}) and the covariance (n - 1 in the denominator, lower triangle filled) of n rows of width d. */
    private double[] moments(float[] x, int n, double[] mean) {
        double[] cov = new double[d * d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        for (int i = 0; i < n; i++) {
            int o = i * d;
            for (int a = 0; a < d; a++) {
                double xa = x[o + a] - mean[a];
                for (int b = 0; b <= a; b++) cov[a * d + b] += xa * (x[o + b] - mean[b]);
            }
        }
        for (int a = 0; a < d; a++) for (int b = 0; b <= a; b++) cov[a * d + b] /= Math.max(1, n - 1);
        return cov;
    }

    /** V diag(max(lambda, 0)^p) V^T of a symmetric matrix's eigendecomposition, row-major. */
    private double[] symmetricPower(SymmetricEigen eig, double p) {
        double[] out = new double[d * d], f = new double[d];
        for (int j = 0; j < d; j++) f[j] = eig.values()[j] > 0 ? Math.pow(eig.values()[j], p) : 0;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                double sum = 0;
                for (int j = 0; j < d; j++) sum += eig.vector(j, a) * f[j] * eig.vector(j, b);
                out[a * d + b] = sum;
            }
        }
        return out;
    }

    /** EMA update, unused-step counters, the restart pool and dead-code restarts, in that order. */
    @Override
    public void afterOptimizerStep(Quantized step, Rng rng) {
        if (!(step.state() instanceof Step s)) return;
        if (ema()) emaUpdate(s);
        float[] u = unusedSteps.data();
        for (int c = 0; c < k; c++) u[c] = s.counts()[c] > 0 ? 0f : Math.min(COUNTER_CAP, u[c] + 1);
        if (pool != null) {
            remember(s, rng.fork(1));
            restartDead(rng.fork(2));
        }
    }

    private void emaUpdate(Step s) {
        float gamma = (float) config.decay(), rest = 1 - gamma;
        Tensor sums = QuantOps.segmentSum(Tensor.of(s.vectors(), s.rows(), s.dim()), s.indices(), k).contiguous();
        float[] size = clusterSize.data(), m = embedSum.data(), sd = sums.data(), cb = codebook.data();
        int so = sums.offset();
        int[] counts = s.counts();
        double total = 0;
        for (int c = 0; c < k; c++) {
            size[c] = gamma * size[c] + rest * counts[c];
            total += size[c];
        }
        for (int i = 0; i < k * d; i++) m[i] = gamma * m[i] + rest * sd[so + i];
        double eps = config.epsilon();
        for (int c = 0; c < k; c++) {
            float smoothed = (float) ((size[c] + eps) / (total + k * eps) * total);
            for (int j = 0; j < d; j++) cb[c * d + j] = m[c * d + j] / smoothed;
        }
        if (cosine()) codebook.copyFrom(KMeans.normalise(codebook));
    }

    /** Writes a quarter of the pool (or every row, if fewer) with rows of this step's input drawn at random. */
    private void remember(Step step, Rng rng) {
        int n = step.rows(), size = pool.dim(0);
        int rows = Math.min(n, Math.max(1, size / 4));
        float[] src = step.vectors(), dst = pool.data(), st = poolState.data();
        int[] pick = rng.permutation(n);
        int at = (int) st[0];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(src, pick[i] * d, dst, at * d, d);
            at = (at + 1) % size;
        }
        st[0] = at;
        st[1] = Math.min(size, st[1] + rows);
    }

    /** Replaces every code unused for the window by a distinct row of the pool (drawn with replacement if it holds too few). */
    private void restartDead(Rng rng) {
        float[] u = unusedSteps.data();
        int window = config.restartDeadAfter(), filled = (int) poolState.data()[1];
        if (filled == 0) return;
        int[] order = rng.permutation(filled);
        int next = 0;
        float[] src = pool.data(), cb = codebook.data();
        for (int c = 0; c < k; c++) {
            if (u[c] < window) continue;
            int row = order[next++ % filled];
            System.arraycopy(src, row * d, cb, c * d, d);
            if (ema()) {
                clusterSize.data()[c] = 1f;
                System.arraycopy(src, row * d, embedSum.data(), c * d, d);
            }
            u[c] = 0f;
        }
    }

    /**
     * Steps since each code was last chosen in training (a copy).
     *
     * @return the steps
     */
    public float[] unusedSteps() {
        return unusedSteps.toArray();
    }
}
