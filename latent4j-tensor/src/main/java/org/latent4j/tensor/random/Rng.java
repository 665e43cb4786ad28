package org.latent4j.tensor.random;

import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.kernel.VectorKernels;

import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;

/**
 * A reproducible random number generator on {@link Philox4x32}: a 64-bit key (the seed), a 64-bit stream
 * id and a position counting the 128-bit blocks used so far.
 *
 * <p>Each call takes the next whole blocks of its stream, and element {@code i} of a fill is made from
 * the words of block {@code position + i/4} only (normals: from the 8 blocks of its group of 32, see
 * {@link VectorKernels#normals}). A seed therefore gives the same tensors whatever the thread count and
 * however the fill is split, and large fills run in parallel.
 *
 * <p>Uniform and Bernoulli draws use 24 bits per element, which is every float in [0, 1) on the 2^-24
 * grid. Gumbel draws use 32 bits, evaluated in double with {@link StrictMath}, so their tails reach about
 * 22 with no infinity. Normal draws use 32 bits per radius and per angle, in float arithmetic that the
 * scalar and the Vector-API kernels carry out operation for operation (the transform is a tenth of an
 * IWAE training step in double with StrictMath, 20 ns a value); their tails reach 6.66. Results are the
 * same on every JVM and CPU.
 *
 * <p>One generator must not be shared by threads without external locking. For independent streams use
 * {@link #fork(long)} (named by an id, e.g. a worker or epoch number) or {@link #split()}.
 */
public final class Rng {
    /** Elements per parallel task: a multiple of 4, so every task starts on a block boundary. */
    static final int GRAIN = 16_384;
    /** Words generated at a time inside a task (a multiple of 4). */
    private static final int BATCH = 256;
    /** Changes the key for {@link #fork}, so a fork's identity is never an output block of this stream. */
    private static final long FORK_KEY_TWEAK = 0x5851F42D4C957F2DL;

    private final long key;
    private final long stream;
    private long position;

    /**
     * Stream 0 of {@code seed}, from its start.
     *
     * @param seed the seed, used as the key
     */
    public Rng(long seed) {
        this(seed, 0L, 0L);
    }

    private Rng(long key, long stream, long position) {
        this.key = key;
        this.stream = stream;
        this.position = position;
    }

    /**
     * A generator at the state given by {@link #key()}, {@link #stream()} and {@link #position()} (checkpoints).
     *
     * @param key the key
     * @param stream the stream
     * @param position the blocks used
     * @return the generator
     */
    public static Rng restore(long key, long stream, long position) {
        return new Rng(key, stream, position);
    }

    /** {@return the key, for checkpoints} */
    public long key() {
        return key;
    }

    /** {@return the stream, for checkpoints} */
    public long stream() {
        return stream;
    }

    /**
     * Blocks of 4 words used so far: the low 64 bits of the next counter, read as unsigned.
     *
     * @return the position
     */
    public long position() {
        return position;
    }

    /**
     * The independent stream named {@code id} under this one: a function of (key, stream, id) only, not of
     * the position, so {@code fork(epoch)} gives the same generator however much this one was used.
     *
     * @param id the stream's name
     * @return the generator
     */
    public Rng fork(long id) {
        int[] w = new int[4];
        long tweaked = key ^ FORK_KEY_TWEAK;
        Philox4x32.block((int) id, (int) (id >>> 32), (int) stream, (int) (stream >>> 32),
                (int) tweaked, (int) (tweaked >>> 32), w, 0);
        return new Rng(join(w[0], w[1]), join(w[2], w[3]), 0L);
    }

    /**
     * A new independent generator keyed by the next block of this one (which advances by one block).
     *
     * @return the generator
     */
    public Rng split() {
        int[] w = new int[4];
        Philox4x32.blocks(key, stream, reserve(1), 1, w, 0);
        return new Rng(join(w[0], w[1]), join(w[2], w[3]), 0L);
    }

    private static long join(int lo, int hi) {
        return (lo & 0xFFFF_FFFFL) | ((long) hi << 32);
    }

    /** Takes the next {@code blocks} blocks; returns the first. */
    private long reserve(long blocks) {
        long first = position;
        position += blocks;
        return first;
    }

    // ------------------------------------------------------------------ tensors

    /**
     * Uniform in [lo, hi), 24-bit resolution.
     *
     * @param lo the lower bound
     * @param hi the upper bound
     * @param shape the dimensions
     * @return the tensor
     */
    public Tensor uniform(float lo, float hi, int... shape) {
        return fillUniform(Tensor.empty(shape), lo, hi);
    }

    /**
     * Normal with the given mean and standard deviation (Box-Muller on pairs of 32-bit words).
     *
     * @param mean the mean
     * @param std the standard deviation
     * @param shape the dimensions
     * @return the tensor
     */
    public Tensor normal(float mean, float std, int... shape) {
        return fillNormal(Tensor.empty(shape), mean, std);
    }

    /**
     * Standard Gumbel, -log(-log u) with u strictly inside (0, 1): always finite.
     *
     * @param shape the dimensions
     * @return the tensor
     */
    public Tensor gumbel(int... shape) {
        return fillGumbel(Tensor.empty(shape));
    }

    /**
     * 1 with probability p[i], else 0, for each element of {@code probabilities} (values in [0, 1]).
     *
     * @param probabilities the probability of each 1
     * @return a tensor of 0s and 1s
     */
    public Tensor bernoulli(Tensor probabilities) {
        return fillBernoulli(Tensor.empty(probabilities.shape()), probabilities);
    }

    /**
     * Fills {@code t} in place (not recorded by autodiff) with uniform values in [lo, hi).
     *
     * @param t the tensor
     * @param lo the lower bound
     * @param hi the upper bound
     * @return {@code t}
     */
    public Tensor fillUniform(Tensor t, float lo, float hi) {
        if (!(Float.isFinite(lo) && Float.isFinite(hi) && lo < hi)) {
            throw new IllegalArgumentException("uniform: needs finite lo < hi, got lo=" + lo + ", hi=" + hi);
        }
        fill("uniform", t, 1, (words, out, at, element, n) -> {
            for (int j = 0; j < n; j++) out[at + j] = uniformOf(words[j], lo, hi);
        });
        return t;
    }

    /**
     * Fills {@code t} in place (not recorded by autodiff) with normal values.
     *
     * @param t the tensor
     * @param mean the mean
     * @param std the standard deviation
     * @return {@code t}
     */
    public Tensor fillNormal(Tensor t, float mean, float std) {
        if (!(Float.isFinite(mean) && Float.isFinite(std) && std >= 0)) {
            throw new IllegalArgumentException("normal: needs a finite mean and a finite std >= 0, got mean=" + mean + ", std=" + std);
        }
        VectorKernels kernels = Kernels.vector();
        fill("normal", t, VectorKernels.NORMAL_GROUP, (words, out, at, element, n) -> kernels.normals(words, 0, mean, std, out, at, n));
        return t;
    }

    /**
     * Fills {@code t} in place (not recorded by autodiff) with standard Gumbel values.
     *
     * @param t the tensor
     * @return {@code t}
     */
    public Tensor fillGumbel(Tensor t) {
        fill("gumbel", t, 1, (words, out, at, element, n) -> {
            for (int j = 0; j < n; j++) {
                out[at + j] = gumbelOf(words[j]);
            }
        });
        return t;
    }

    /**
     * The Gumbel-max draws of {@code samples} x {@code rows} categorical variables: for sample s and row r, the
     * first index c of the largest {@code logits[offset + r * categories + c] + g[s, r, c]} (the sum in float), g being
     * exactly the values {@code gumbel(samples, rows, categories)} would give at this point of the stream, which this
     * consumes alike. So the result is bit for bit that of drawing the noise tensor and taking the argmax, without
     * the noise tensor and, for most variables, without a logarithm.
     *
     * <p>How, exactly: a Gumbel value rises with its word, so the top {@value #BUCKET_BITS} bits of the word bound it
     * from below and above ({@link #GUMBEL_LOW}, {@link #GUMBEL_HIGH}: the values at the bucket's ends, widened by 1e-5,
     * five times the float rounding they may differ by). With those bounds and the float sum's rounding (2^-24 of
     * |logit| + |g|, doubled here) every sum lies in a known interval; the categories whose interval reaches the
     * largest lower end are the only ones that can win. When there is one (nearly always: an interval is about 3e-3
     * wide in the bulk of the distribution), it wins; otherwise those candidates' values are computed as
     * {@link #gumbel} computes them and the first largest float sum wins, as in the argmax of the noise tensor. A row
     * with a logit that is not finite takes the exact path whole.
     *
     * @param logits     the values to perturb, {@code rows x categories} row-major from {@code offset}
     * @param offset     where they start
     * @param rows       the variables
     * @param categories the values of each (at least 1)
     * @param samples    the draws per variable
     * @return the indices, [samples, rows] row-major
     */
    public int[] gumbelArgmax(float[] logits, int offset, int rows, int categories, int samples) {
        long total = (long) samples * rows * categories;
        if (rows < 0 || samples < 0 || categories < 1 || total > Integer.MAX_VALUE || offset < 0 || offset + (long) rows * categories > logits.length) {
            throw new IllegalArgumentException("gumbelArgmax: bad sizes " + samples + " x " + rows + " x " + categories + " at " + offset + " of " + logits.length);
        }
        int k = categories, units = samples * rows;
        long first = reserve((total + 3) / 4);
        // per row, twice the bound on a float sum's rounding (NaN for a row with a logit that is not finite)
        double[] rounding = new double[rows];
        for (int r = 0; r < rows; r++) {
            double maxAbs = 0;
            for (int c = 0; c < k; c++) maxAbs = Math.max(maxAbs, Math.abs(logits[offset + r * k + c]));
            rounding[r] = Double.isFinite(maxAbs) ? 0x1p-23 * (maxAbs + 23) + 1e-12 : Double.NaN;
        }
        int[] out = new int[units];
        VectorKernels kernels = Kernels.vector();
        int chunk = Math.max(1, BATCH / k);
        Parallel.range(units, Math.max(1, GRAIN / k), (lo, hi) -> {
            int[] words = new int[(chunk * k + 3) / 4 * 4 + 4];
            for (int u0 = lo; u0 < hi; u0 += chunk) {
                int u1 = Math.min(hi, u0 + chunk);
                long e0 = (long) u0 * k, b0 = e0 / 4, b1 = ((long) u1 * k + 3) / 4;
                kernels.philox4x32(key, stream, first + b0, (int) (b1 - b0), words, 0);
                int shift = (int) (e0 - 4 * b0);
                for (int u = u0; u < u1; u++) {
                    int r = u % rows, w = shift + (u - u0) * k, at = offset + r * k;
                    double low = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < k; c++) low = Math.max(low, logits[at + c] + GUMBEL_LOW[words[w + c] >>> (32 - BUCKET_BITS)]);
                    // each float sum lies within rounding[r] / 2 of its interval, so the winner's is at least
                    // low - rounding[r] / 2; a category whose sum can reach that is a candidate, and the cut leaves four
                    // times that room (a NaN rounding makes every category a candidate)
                    double cut = low - 2 * rounding[r];
                    int candidate = -1, candidates = 0;
                    for (int c = 0; c < k; c++) {
                        if (!(logits[at + c] + GUMBEL_HIGH[words[w + c] >>> (32 - BUCKET_BITS)] < cut)) {
                            if (candidates++ == 0) candidate = c;
                        }
                    }
                    out[u] = candidates == 1 ? candidate : exactGumbelArgmax(logits, at, k, words, w, cut);
                }
            }
        });
        return out;
    }

    /** Words are bucketed by their top bits to bound their Gumbel values: 1,024 buckets, 16 KB of bounds. */
    static final int BUCKET_BITS = 10;
    /** Below every Gumbel value of a bucket's words: the value of its first word, less 1e-5. */
    static final double[] GUMBEL_LOW = new double[1 << BUCKET_BITS];
    /** Above every Gumbel value of a bucket's words: the value of its last word, plus 1e-5. */
    static final double[] GUMBEL_HIGH = new double[1 << BUCKET_BITS];

    static {
        // gumbelOf rises with the (unsigned) word; its float values are within an ulp (2e-6 below 32) of a rising
        // function, so 1e-5 covers any wobble of the double logarithms
        for (int i = 0; i < 1 << BUCKET_BITS; i++) {
            GUMBEL_LOW[i] = gumbelOf(i << (32 - BUCKET_BITS)) - 1e-5;
            GUMBEL_HIGH[i] = gumbelOf(((i + 1) << (32 - BUCKET_BITS)) - 1) + 1e-5;
        }
    }

    /**
     * The argmax of logits + the Gumbel values of words as a float sum, the first index winning a tie, over the
     * categories whose bound reaches {@code cut} (all of them for a NaN cut): the others' sums lie below the largest.
     */
    private static int exactGumbelArgmax(float[] logits, int at, int k, int[] words, int w, double cut) {
        int best = 0;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            if (logits[at + c] + GUMBEL_HIGH[words[w + c] >>> (32 - BUCKET_BITS)] < cut) continue;
            float v = logits[at + c] + gumbelOf(words[w + c]);
            if (v > bestValue) {
                bestValue = v;
                best = c;
            }
        }
        return best;
    }

    /**
     * Fills {@code out} in place with 1 where a uniform draw falls below {@code probabilities}, else 0.
     *
     * @param out the tensor to fill
     * @param probabilities the probability of each 1, out's shape
     * @return {@code out}
     */
    public Tensor fillBernoulli(Tensor out, Tensor probabilities) {
        if (!java.util.Arrays.equals(out.shape(), probabilities.shape())) {
            throw new ShapeException("bernoulli: output shape " + Shape.str(out.shape()) + " differs from probabilities shape "
                    + Shape.str(probabilities.shape()));
        }
        float[] p = probabilities.isContiguous() ? probabilities.data() : probabilities.toArray();
        int pOff = probabilities.isContiguous() ? probabilities.offset() : 0;
        fill("bernoulli", out, 1, (words, o, at, element, n) -> {
            for (int j = 0; j < n; j++) {
                float pj = p[pOff + element + j];
                if (!(pj >= 0f && pj <= 1f)) {
                    throw new IllegalArgumentException("bernoulli: probability " + pj + " at element " + (element + j) + " is not in [0, 1]");
                }
                o[at + j] = unit24(words[j]) < pj ? 1f : 0f;
            }
        });
        return out;
    }

    /**
     * A uniformly random permutation of 0..n-1 (Fisher-Yates; each swap index is drawn from 64 bits by a
     * multiply-high, so the bias is below n / 2^64).
     *
     * @param n the length
     * @return the permutation
     */
    public int[] permutation(int n) {
        if (n < 0) throw new IllegalArgumentException("permutation: n must be >= 0, got " + n);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        if (n < 2) return a;
        int swaps = n - 1;
        long first = reserve(((long) 2 * swaps + 3) / 4);
        int[] words = new int[BATCH];
        int perBatch = BATCH / 2;
        for (int k0 = 0; k0 < swaps; k0 += perBatch) {
            int m = Math.min(perBatch, swaps - k0);
            Philox4x32.blocks(key, stream, first + (2L * k0) / 4, (2 * m + 3) / 4, words, 0);
            for (int j = 0; j < m; j++) {
                int i = n - 1 - (k0 + j);
                long x = join(words[2 * j], words[2 * j + 1]);
                int r = (int) Math.unsignedMultiplyHigh(x, i + 1L);
                int tmp = a[i];
                a[i] = a[r];
                a[r] = tmp;
            }
        }
        return a;
    }

    // ------------------------------------------------------------------ machinery

    /** Turns one batch of words into {@code n} elements starting at element index {@code element}. */
    @FunctionalInterface
    private interface Transform {
        void apply(int[] words, float[] out, int at, int element, int n);
    }

    /**
     * Fills t through f from words generated for whole groups of {@code group} elements (1, or
     * NORMAL_GROUP for normals; BATCH and GRAIN are multiples of both, so no group is split); the stream
     * moves past every word generated.
     */
    private void fill(String op, Tensor t, int group, Transform f) {
        if (!t.isContiguous()) {
            throw new IllegalStateException(op + ": target of shape " + Shape.str(t.shape()) + " must be contiguous");
        }
        int n = t.size();
        long first = reserve((roundUp(n, group) + 3) / 4);
        float[] d = t.data();
        int off = t.offset();
        VectorKernels kernels = Kernels.vector();
        Parallel.range(n, GRAIN, (lo, hi) -> {
            int[] words = new int[BATCH];
            for (int s = lo; s < hi; s += BATCH) {
                int m = Math.min(BATCH, hi - s);
                kernels.philox4x32(key, stream, first + s / 4, (int) ((roundUp(m, group) + 3) / 4), words, 0);
                f.apply(words, d, off + s, s, m);
            }
        });
    }

    /** The uniform value in [lo, hi) made from one word. */
    static float uniformOf(int w, float lo, float hi) {
        float v = (float) (lo + ((double) hi - lo) * unit24(w));
        // Rounding to float lands on hi for the top words when hi's ulp exceeds (hi - lo) * 2^-24, e.g. in [1, 2).
        return v < hi ? v : Math.nextDown(hi);
    }

    /** The standard Gumbel value made from one word. */
    static float gumbelOf(int w) {
        return (float) -StrictMath.log(-StrictMath.log(unit32Open(w)));
    }

    private static long roundUp(long n, int group) {
        return (n + group - 1) / group * group;
    }

    /** [0, 1) on the 2^-24 grid: exactly representable as float. */
    static float unit24(int w) {
        return (w >>> 8) * 0x1p-24f;
    }

    /** (0, 1) strictly, at the midpoints of the 2^-32 grid: safe under log(-log). */
    static double unit32Open(int w) {
        return ((w & 0xFFFF_FFFFL) + 0.5) * 0x1p-32;
    }

    @Override
    public String toString() {
        return "Rng[key=" + Long.toHexString(key) + ", stream=" + Long.toHexString(stream) + ", position=" + position + "]";
    }
}
