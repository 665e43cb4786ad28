package org.latent4j.tensor.kernel;

/**
 * Element-wise and reduction primitives over float arrays, with a scalar implementation
 * ({@link ScalarKernels}) and a Vector-API one ({@link SimdKernels}); {@link Kernels#vector()} gives the
 * one chosen at start-up. Every method reads {@code n} elements from each source at its offset and
 * writes {@code n} elements at the destination offset; sources and destination may be the same array.
 * Implementations must give the same results as the scalar twin up to float rounding.
 */
public interface VectorKernels {
    /** A short name for reports: "scalar" or "simd-256" etc. */
    String name();

    void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);

    void sub(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);

    void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);

    void div(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);

    /** out = a + s */
    void addScalar(float[] a, int ao, float s, float[] out, int oo, int n);

    /** out = a * s */
    void mulScalar(float[] a, int ao, float s, float[] out, int oo, int n);

    /** y += alpha * x */
    void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

    /** Sum of a[ao..ao+n). */
    float sum(float[] a, int ao, int n);

    /** Sum of squares of a[ao..ao+n). */
    float sumOfSquares(float[] a, int ao, int n);

    /** Largest element of a[ao..ao+n), n >= 1 (NaN if any element is NaN). */
    float max(float[] a, int ao, int n);

    float dot(float[] a, int ao, float[] b, int bo, int n);

    /**
     * Writes to out[oo ...], in ascending order, the positions i in [0, n) where {@code !(a[ao + i] < t)}
     * (a[i] >= t, or a[i] is NaN), and returns how many: the filter of a partial selection (top-k). Pure
     * comparisons, so both implementations give the same positions.
     */
    int positionsNotBelow(float[] a, int ao, int n, float t, int[] out, int oo);

    /** Sum over i of (a[i] - b[i])^2. */
    float squaredDistance(float[] a, int ao, float[] b, int bo, int n);

    /** out = exp(a) */
    void exp(float[] a, int ao, float[] out, int oo, int n);

    /** out = tanh(a), accurate to a few ulp including tiny a */
    void tanh(float[] a, int ao, float[] out, int oo, int n);

    /** out = max(a, 0) */
    void relu(float[] a, int ao, float[] out, int oo, int n);

    /** out = a / s (a true division, not a multiply by 1/s, so it matches the element-wise {@link #div}) */
    void divScalar(float[] a, int ao, float s, float[] out, int oo, int n);

    /** out = |a| */
    void abs(float[] a, int ao, float[] out, int oo, int n);

    /** out = g * sign(x), with sign(0) = 0: the backward of abs. */
    void absBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n);

    /** out = sqrt(a) (correctly rounded, so both implementations agree exactly) */
    void sqrt(float[] a, int ao, float[] out, int oo, int n);

    /** out = min(max(a, lo), hi); NaN stays NaN. */
    void clamp(float[] a, int ao, float lo, float hi, float[] out, int oo, int n);

    /** out = g where lo <= x <= hi, else 0: the backward of clamp. */
    void clampBackward(float[] x, int xo, float lo, float hi, float[] g, int go, float[] out, int oo, int n);

    /** out = mask != 0 ? a : b */
    void select(float[] mask, int mo, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);

    /** out = ln(a); ln(0) = -Inf, ln(negative) = NaN. */
    void log(float[] a, int ao, float[] out, int oo, int n);

    /** out = ln(1 + a), accurate for tiny a. */
    void log1p(float[] a, int ao, float[] out, int oo, int n);

    /**
     * out = exp(a - shift), returning the sum of the written values: the inner loop of softmax and
     * log-sum-exp. The order in which the sum is accumulated is implementation-specific.
     */
    float expShifted(float[] a, int ao, float shift, float[] out, int oo, int n);

    /** out = 1 / (1 + exp(-a)), without overflow for any a. */
    void sigmoid(float[] a, int ao, float[] out, int oo, int n);

    /** out = g * y * (1 - y), where y = sigmoid(x) is the forward output. */
    void sigmoidBackward(float[] y, int yo, float[] g, int go, float[] out, int oo, int n);

    /** out = g * (1 - y^2), where y = tanh(x) is the forward output. */
    void tanhBackward(float[] y, int yo, float[] g, int go, float[] out, int oo, int n);

    /** out = a > 0 ? a : slope * a */
    void leakyRelu(float[] a, int ao, float slope, float[] out, int oo, int n);

    /** out = x > 0 ? g : slope * g: the backward of relu (slope 0) and leaky relu. */
    void leakyReluBackward(float[] x, int xo, float[] g, int go, float slope, float[] out, int oo, int n);

    /** out = scale * (a > 0 ? a : alpha * (exp(a) - 1)): ELU (scale 1) and SELU. */
    void elu(float[] a, int ao, float alpha, float scale, float[] out, int oo, int n);

    /** out = g * scale * (x > 0 ? 1 : alpha * exp(x)): the backward of {@link #elu}. */
    void eluBackward(float[] x, int xo, float[] g, int go, float alpha, float scale, float[] out, int oo, int n);

    /** out = ln(1 + exp(a)), computed as max(a, 0) + ln(1 + exp(-|a|)) so it neither overflows nor loses tiny values. */
    void softplus(float[] a, int ao, float[] out, int oo, int n);

    /** out = erf(a), to a few ulp over the whole float range. */
    void erf(float[] a, int ao, float[] out, int oo, int n);

    /** out = a * Phi(a), Phi the standard normal CDF (the exact, erf-based GELU). */
    void gelu(float[] a, int ao, float[] out, int oo, int n);

    /** out = g * (Phi(x) + x * phi(x)): the backward of {@link #gelu}. */
    void geluBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n);

    /**
     * Binary cross-entropy of logits x against targets t in [0, 1]: out = max(x, 0) - x t + ln(1 + exp(-|x|)),
     * written as (x >= 0 ? x (1 - t) : -x t) + ln(1 + exp(-|x|)) so that neither term cancels (at x = 50,
     * t = 1 the loss is 2e-22, not 0).
     */
    void bceWithLogits(float[] x, int xo, float[] t, int to, float[] out, int oo, int n);

    /**
     * out = g (sigmoid(x) - t), the backward of {@link #bceWithLogits} with respect to x, as
     * g ((1 - t) - s) for x >= 0 and g (s - t) below, s = sigmoid(-|x|): exact where sigmoid(x) rounds to 0 or 1.
     */
    void bceWithLogitsBackward(float[] x, int xo, float[] t, int to, float[] g, int go, float[] out, int oo, int n);

    /**
     * The Philox4x32-10 words of {@code blocks} consecutive blocks, exactly as
     * {@link org.latent4j.tensor.random.Philox4x32#blocks} writes them (which is the reference).
     */
    void philox4x32(long key, long stream, long firstBlock, int blocks, int[] out, int at);

    /** Random words per group of {@link #normals}: 16 radii, then 16 angles. */
    int NORMAL_GROUP = 32;

    /**
     * Normal values mean + std z by Box-Muller, from groups of {@link #NORMAL_GROUP} random words: in a
     * group, word i (i < 16) gives the radius r = sqrt(-2 ln u) with u = (floor(w / 2) + 1/2) 2^-31 in
     * (0, 1] (so r <= 6.66), word 16 + i the angle 2 pi w 2^-32, and z = r cos(angle) goes to element i,
     * r sin(angle) to element 16 + i. {@code words} holds whole groups covering n; only
     * out[oo, oo + n) is written. Both implementations do the same float arithmetic (the logarithm and the
     * sine and cosine as polynomials, with fused multiply-adds), so every machine gets the same bits.
     */
    void normals(int[] words, int wo, float mean, float std, float[] out, int oo, int n);

    /**
     * One Adam or AdamW step on n parameters, in place: w = p * shrink, g' = g + l2 * w,
     * m = b1 m + c1 g', v = b2 v + c2 g'^2, p = w - stepSize * m / (sqrt(v) / correction2 + eps) (see
     * {@code org.latent4j.tensor.optim.Adam}). Every operation is rounded as written, with no fused
     * multiply-add, so both implementations give the same bits.
     */
    void adamStep(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, AdamCoefficients c, int n);

    /**
     * The per-step constants of {@link #adamStep}. Mutable, so that an optimizer sets one instance per step
     * instead of allocating (a record per parameter per step showed up as garbage in steady-state training).
     */
    final class AdamCoefficients {
        float shrink, l2, b1, c1, b2, c2, stepSize, correction2, eps;

        public AdamCoefficients set(float shrink, float l2, float b1, float c1, float b2, float c2, float stepSize, float correction2, float eps) {
            this.shrink = shrink;
            this.l2 = l2;
            this.b1 = b1;
            this.c1 = c1;
            this.b2 = b2;
            this.c2 = c2;
            this.stepSize = stepSize;
            this.correction2 = correction2;
            this.eps = eps;
            return this;
        }
    }
}
