package org.latent4j.core.quantize;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latent4j.core.nn.Linear;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.init.Initializer;
import org.latent4j.tensor.ops.QuantOps;
import org.latent4j.tensor.random.Rng;

/**
 * Finite scalar quantization (FSQ; Mentzer, Minnen, Agustsson and Tschannen 2023, "Finite Scalar Quantization: VQ-VAE
 * Made Simple"): each of d dimensions is bounded to a small interval and rounded to one of L_i integer levels, so the
 * codebook is the implicit grid of prod(L_i) points; there is no codebook to learn, no auxiliary loss (the
 * {@link Quantized#loss()} is zero), and every grid point is reachable, which is why FSQ does not collapse.
 *
 * <p>Per dimension i with L = L_i levels, for an input z (after the optional projection to d dimensions):
 * <pre>
 *   half_l = (L - 1)(1 - eps) / 2        eps = 1e-3, so that the bound stays strictly inside the outer levels
 *   offset = 0 for odd L, 0.5 for even L
 *   shift  = atanh(offset / half_l)      (so that f(0) = 0)
 *   f(z)   = tanh(z + shift) half_l - offset
 *   code   = round(f(z)) / floor(L / 2)  round half to even, with a straight-through gradient ({@link QuantOps#roundSte})
 * </pre>
 * For odd L, f(z) lies in (-(L-1)/2, (L-1)/2) and rounds to the L integers -(L-1)/2 .. (L-1)/2, symmetric about 0
 * (L = 5: -2..2, codes -1, -0.5, 0, 0.5, 1). For even L the interval is shifted down by the half-width offset
 * 0.5, to (-L/2, L/2 - 1), so that it still holds exactly L integers, -L/2 .. L/2 - 1 (L = 8: -4..3, codes -1 .. 0.75
 * in steps of 0.25); the shift inside the tanh keeps z = 0 on the level 0. (The paper's listing writes
 * {@code tan(offset / half_l)} for the shift; the value that makes f(0) = 0 is the atanh used here, and the two differ
 * by less than 0.01 for L >= 4.) For L = 2, offset / half_l exceeds 1 and no shift keeps z = 0 on a level: the shift
 * is 0, f(z) lies in (-1, 0) and rounds to -1 below z = 0 and to 0 above it (codes -1 and 0), a sign bit per
 * dimension as in lookup-free quantization.
 *
 * <p>The index of a code is the mixed-radix number of its levels: with level indices k_i = round(f(z_i)) + floor(L_i/2)
 * in 0..L_i-1, index = k_0 + L_0 (k_1 + L_1 (k_2 + ...)): the first dimension varies fastest. {@link #decode} inverts
 * it. The codebook size is prod(L_i). Metrics of {@link #quantize}: "perplexity" (exp of the entropy of the batch's
 * code frequencies) and "codes_used" (distinct codes in the batch).
 *
 * <p>The paper's recommended levels for a target codebook size (its Table 1; we add 2^9: of the two 512-code grids
 * tried in the codebook-collapse benchmark, [8, 4, 4, 4] reconstructed better than [8, 8, 8], the setting
 * of its ImageNet comparisons):
 * <table>
 * <caption>levels per target size</caption>
 * <tr><th>target size</th><th>levels</th><th>codes</th></tr>
 * <tr><td>2^8</td><td>[8, 6, 5]</td><td>240</td></tr>
 * <tr><td>2^9</td><td>[8, 4, 4, 4] or [8, 8, 8]</td><td>512</td></tr>
 * <tr><td>2^10</td><td>[8, 5, 5, 5]</td><td>1000</td></tr>
 * <tr><td>2^12</td><td>[7, 5, 5, 5, 5]</td><td>4375</td></tr>
 * <tr><td>2^14</td><td>[8, 8, 8, 6, 5]</td><td>15360</td></tr>
 * <tr><td>2^16</td><td>[8, 8, 8, 5, 5, 5]</td><td>64000</td></tr>
 * </table>
 *
 * <p>When the vectors quantized are wider (or narrower) than the number of levels, a linear projection maps them to d
 * dimensions ("project_in") and the codes back ("project_out"), as in the paper's "project down to a few dimensions";
 * with {@code dim == levels.length} there is none and the quantizer has no parameters at all.
 */
public final class FiniteScalarQuantizer extends Quantizer {
    /** The paper's margin that keeps the bounded values strictly inside the outer levels. */
    public static final double EPS = 1e-3;
    /** The largest implicit codebook accepted (indices are ints, and evaluation counts every code). */
    public static final long MAX_CODES = 1L << 24;

    private final int dim;
    private final int[] levels;
    private final int codes;
    private final int[] halfWidth;
    private final Linear projectIn;
    private final Linear projectOut;
    /** Per-dimension constants [d]: shift, half_l, offset and 1 / floor(L/2); persistent, derived from the levels. */
    private final Tensor shift, halfL, offset, inverseHalfWidth;

    /**
     * Creates the quantizer, with input and output projections when the width differs from the levels' number.
     *
     * @param dim    width of the vectors quantized and returned
     * @param levels levels per dimension, each >= 2, with a product of at most {@link #MAX_CODES}
     * @param rng    draws the projections' weights when {@code dim != levels.length}
     */
    public FiniteScalarQuantizer(int dim, List<Integer> levels, Rng rng) {
        checkLevels(levels);
        if (dim < 1) throw new IllegalArgumentException("FiniteScalarQuantizer: dim must be >= 1, got " + dim);
        this.dim = dim;
        this.levels = levels.stream().mapToInt(Integer::intValue).toArray();
        int d = this.levels.length;
        this.codes = (int) codebookSize(levels);
        this.halfWidth = new int[d];
        float[] s = new float[d], h = new float[d], o = new float[d], w = new float[d];
        for (int i = 0; i < d; i++) {
            int l = this.levels[i];
            double half = (l - 1) * (1 - EPS) / 2;
            double off = l % 2 == 0 ? 0.5 : 0.0;
            // L = 2: offset / half_l exceeds 1, so no shift puts z = 0 on a level; none is used, and the sign of z picks
            // the level (f(0) = -0.5 sits on the boundary between the levels -1 and 0)
            s[i] = l == 2 ? 0f : (float) atanh(off / half);
            h[i] = (float) half;
            o[i] = (float) off;
            halfWidth[i] = l / 2;
            w[i] = 1f / halfWidth[i];
        }
        this.shift = persistent(s);
        this.halfL = persistent(h);
        this.offset = persistent(o);
        this.inverseHalfWidth = persistent(w);
        if (dim != d) {
            this.projectIn = child("project_in", new Linear(dim, d, Initializer.glorotUniform(), rng));
            this.projectOut = child("project_out", new Linear(d, dim, Initializer.glorotUniform(), rng));
        } else {
            this.projectIn = null;
            this.projectOut = null;
        }
    }

    /**
     * Checks levels: at least one, each >= 2, a product of at most {@link #MAX_CODES}; the message says what is wrong.
     *
     * @param levels the levels
     */
    public static void checkLevels(List<Integer> levels) {
        if (levels == null || levels.isEmpty()) throw new IllegalArgumentException("FSQ levels: at least one dimension is needed");
        for (Integer l : levels) {
            if (l == null || l < 2) {
                throw new IllegalArgumentException("FSQ levels must each be >= 2 (a dimension of one level carries nothing), got " + levels);
            }
        }
        if (codebookSize(levels) > MAX_CODES) {
            throw new IllegalArgumentException("FSQ levels " + levels + " make " + codebookSize(levels) + " codes, more than " + MAX_CODES);
        }
    }

    /**
     * prod(levels), saturating above {@link #MAX_CODES}.
     *
     * @param levels the levels
     * @return the product
     */
    public static long codebookSize(List<Integer> levels) {
        long p = 1;
        for (int l : levels) p = Math.min(p * l, MAX_CODES + 1);
        return p;
    }

    private static double atanh(double x) {
        return 0.5 * Math.log((1 + x) / (1 - x));
    }

    private static Tensor persistent(float[] v) {
        return Tensor.persistentZeros(v.length).copyFrom(Tensor.of(v, v.length));
    }

    @Override
    public int dim() {
        return dim;
    }

    /**
     * The levels per dimension.
     *
     * @return the levels
     */
    public int[] levels() {
        return levels.clone();
    }

    @Override
    public int[] codebookSizes() {
        return new int[] {codes};
    }

    /**
     * The bounded values f(z) [n, d] of the projected inputs z [n, d], before rounding (differentiable).
     *
     * @param projected the projected inputs
     * @return the bounded values
     */
    public Tensor bound(Tensor projected) {
        return projected.add(shift).tanh().mul(halfL).sub(offset);
    }

    /**
     * What the straight-through estimator differentiates: the output of {@link #quantize} with the rounding left out,
     * project_out(f(project_in(z)) / floor(L / 2)). Its gradient is the gradient {@link #quantize} passes to z.
     *
     * @param z the inputs
     * @return the surrogate
     */
    public Tensor surrogate(Tensor z) {
        Tensor projected = projectIn == null ? z : projectIn.forward(z);
        Tensor normalised = bound(projected).mul(inverseHalfWidth);
        return projectOut == null ? normalised : projectOut.forward(normalised);
    }

    @Override
    public Quantized quantize(Tensor z, boolean training) {
        if (z.rank() != 2 || z.dim(1) != dim) throw new ShapeException("FSQ: input " + Shape.str(z.shape()) + " must be [n, " + dim + "]");
        int n = z.dim(0), d = levels.length;
        Tensor projected = projectIn == null ? z : projectIn.forward(z);
        Tensor bounded = bound(projected);
        // inside a Surrogate freeze (a finite-difference check of the estimator) the rounding is written as what it
        // stands for, f + sg[round(f) - f], so that the check holds the rounding still; the values are the same
        Tensor rounded = Surrogate.frozen() ? bounded.add(Surrogate.stopGradient(QuantOps.round(bounded).sub(bounded))) : QuantOps.roundSte(bounded);
        // + 0 turns the -0 that rint gives small negative values into +0: level 0 has one code vector, as decode gives it
        Tensor normalised = rounded.mul(inverseHalfWidth).add(0f);
        Tensor out = projectOut == null ? normalised : projectOut.forward(normalised);
        float[] r = rounded.toArray();
        int[] indices = new int[n];
        for (int row = 0; row < n; row++) {
            int index = 0;
            for (int i = d - 1; i >= 0; i--) {
                int k = (int) Math.rint(r[row * d + i]) + halfWidth[i];
                // a NaN input rounds to NaN, whose int is 0: clamp so the index stays a code
                k = Math.max(0, Math.min(levels[i] - 1, k));
                index = index * levels[i] + k;
            }
            indices[row] = index;
        }
        indices = Surrogate.choice(indices);
        return new Quantized(out, indices, Tensor.scalar(0f), batchMetrics(indices), null);
    }

    /** Perplexity and the number of distinct codes of one batch's indices (by sorting: the codebook may be large). */
    static Map<String, Double> batchMetrics(int[] indices) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (indices.length == 0) return m;
        int[] sorted = indices.clone();
        Arrays.sort(sorted);
        // The runs of equal indices are the counts of the codes used (the grid may be too large to count densely).
        int[] runs = new int[sorted.length];
        int used = 0;
        for (int i = 0; i < sorted.length;) {
            int j = i;
            while (j < sorted.length && sorted[j] == sorted[i]) j++;
            runs[used++] = j - i;
            i = j;
        }
        double entropy = CodeFrequencies.entropy(used, r -> runs[r]);
        m.put("perplexity", Math.exp(entropy));
        m.put("codes_used", (double) used);
        return m;
    }

    /**
     * The normalised codes [n, d] (each coordinate in [-1, 1]) of indices [n], before the output projection.
     *
     * @param indices the codes
     * @return the vectors
     */
    public Tensor codes(int[] indices) {
        int n = indices.length, d = levels.length;
        float[] v = new float[n * d];
        for (int row = 0; row < n; row++) {
            int index = indices[row];
            if (index < 0 || index >= codes) throw new IllegalArgumentException("FSQ: index " + index + " is outside 0.." + (codes - 1));
            for (int i = 0; i < d; i++) {
                int k = index % levels[i];
                index /= levels[i];
                v[row * d + i] = (float) (k - halfWidth[i]) / halfWidth[i];
            }
        }
        return Tensor.of(v, n, d);
    }

    /**
     * Every code of the implicit codebook, [prod(levels), d], in index order.
     *
     * @return the codebook
     */
    public Tensor implicitCodebook() {
        int[] all = new int[codes];
        for (int i = 0; i < codes; i++) all[i] = i;
        return codes(all);
    }

    @Override
    public Tensor decode(int[] indices, int n) {
        if (indices.length != n) throw new ShapeException("FSQ.decode: " + indices.length + " indices for " + n + " rows of one stage");
        Tensor c = codes(indices);
        return projectOut == null ? c : projectOut.forward(c);
    }
}
