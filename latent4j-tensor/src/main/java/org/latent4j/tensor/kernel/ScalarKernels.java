package org.latent4j.tensor.kernel;

/** Plain-Java twin of {@link SimdKernels}: the reference for tests and the fallback without the Vector API. */
public final class ScalarKernels implements VectorKernels {
    public static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {}

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i];
    }

    @Override
    public void sub(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] - b[bo + i];
    }

    @Override
    public void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] * b[bo + i];
    }

    @Override
    public void div(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] / b[bo + i];
    }

    @Override
    public void addScalar(float[] a, int ao, float s, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] + s;
    }

    @Override
    public void mulScalar(float[] a, int ao, float s, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] * s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    @Override
    public float sum(float[] a, int ao, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += a[ao + i];
        return s;
    }

    @Override
    public float sumOfSquares(float[] a, int ao, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += a[ao + i] * a[ao + i];
        return s;
    }

    @Override
    public int positionsNotBelow(float[] a, int ao, int n, float t, int[] out, int oo) {
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (!(a[ao + i] < t)) out[oo + m++] = i;
        }
        return m;
    }

    @Override
    public float max(float[] a, int ao, int n) {
        float m = a[ao];
        for (int i = 1; i < n; i++) {
            float v = a[ao + i];
            if (v > m || Float.isNaN(v)) m = v;
            if (Float.isNaN(m)) return m;
        }
        return m;
    }

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    @Override
    public float squaredDistance(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            float d = a[ao + i] - b[bo + i];
            s += d * d;
        }
        return s;
    }

    @Override
    public void exp(float[] a, int ao, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = (float) Math.exp(a[ao + i]);
    }

    @Override
    public void tanh(float[] a, int ao, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = (float) Math.tanh(a[ao + i]);
    }

    @Override
    public void relu(float[] a, int ao, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = Math.max(a[ao + i], 0f);
    }

    @Override
    public void divScalar(float[] a, int ao, float s, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] / s;
    }

    @Override
    public void abs(float[] a, int ao, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = Math.abs(a[ao + i]);
    }

    @Override
    public void absBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            out[oo + i] = v > 0 ? g[go + i] : v < 0 ? -g[go + i] : 0f;
        }
    }

    @Override
    public void sqrt(float[] a, int ao, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = (float) Math.sqrt(a[ao + i]);
    }

    @Override
    public void clamp(float[] a, int ao, float lo, float hi, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = Math.min(Math.max(a[ao + i], lo), hi);
    }

    @Override
    public void clampBackward(float[] x, int xo, float lo, float hi, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            out[oo + i] = v >= lo && v <= hi ? g[go + i] : 0f;
        }
    }

    @Override
    public void select(float[] mask, int mo, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = mask[mo + i] != 0f ? a[ao + i] : b[bo + i];
    }

    @Override
    public void log(float[] a, int ao, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = (float) Math.log(a[ao + i]);
    }

    @Override
    public void log1p(float[] a, int ao, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = (float) Math.log1p(a[ao + i]);
    }

    @Override
    public float expShifted(float[] a, int ao, float shift, float[] out, int oo, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(a[ao + i] - shift);
            out[oo + i] = e;
            s += e;
        }
        return s;
    }

    @Override
    public void sigmoid(float[] a, int ao, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float x = a[ao + i];
            // exp(-|x|) never overflows; for x < 0 the numerator e keeps tiny results from flushing to 0.
            float e = (float) Math.exp(-Math.abs(x));
            out[oo + i] = (x >= 0 ? 1f : e) / (1f + e);
        }
    }

    @Override
    public void sigmoidBackward(float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float v = y[yo + i];
            out[oo + i] = g[go + i] * (v * (1f - v));
        }
    }

    @Override
    public void tanhBackward(float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float v = y[yo + i];
            // fma rounds 1 - y^2 once, which keeps the small gradients near |y| = 1 accurate.
            out[oo + i] = g[go + i] * Math.fma(-v, v, 1f);
        }
    }

    @Override
    public void leakyRelu(float[] a, int ao, float slope, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float x = a[ao + i];
            out[oo + i] = x > 0 ? x : slope * x;
        }
    }

    @Override
    public void leakyReluBackward(float[] x, int xo, float[] g, int go, float slope, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = x[xo + i] > 0 ? g[go + i] : slope * g[go + i];
    }

    @Override
    public void elu(float[] a, int ao, float alpha, float scale, float[] out, int oo, int n) {
        float sa = scale * alpha;
        for (int i = 0; i < n; i++) {
            float x = a[ao + i];
            out[oo + i] = x > 0 ? scale * x : sa * (float) Math.expm1(x);
        }
    }

    @Override
    public void eluBackward(float[] x, int xo, float[] g, int go, float alpha, float scale, float[] out, int oo, int n) {
        float sa = scale * alpha;
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            // exp(x) is recomputed rather than taken as y + scale*alpha, which cancels for very negative x.
            out[oo + i] = v > 0 ? scale * g[go + i] : g[go + i] * (sa * (float) Math.exp(v));
        }
    }

    @Override
    public void softplus(float[] a, int ao, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double x = a[ao + i];
            out[oo + i] = (float) (Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
        }
    }

    @Override
    public void erf(float[] a, int ao, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = erf(a[ao + i]);
    }

    @Override
    public void gelu(float[] a, int ao, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float x = a[ao + i];
            out[oo + i] = x * normalCdf(x);
        }
    }

    @Override
    public void geluBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            float xc = Math.min(Math.max(v, -GELU_CLAMP), GELU_CLAMP);
            float pdf = halfSquareExp(xc) * INV_SQRT_2PI;
            out[oo + i] = g[go + i] * Math.fma(xc, pdf, normalCdf(v));
        }
    }

    // ---- erf: our own fit (weighted least squares iterated towards minimax, Lawson's method) against
    // 40-digit erf. |x| < ERF_SPLIT: erf(x) = x P(x^2), relative error 8.5e-9 before float rounding.
    // |x| >= ERF_SPLIT: erfc(x) = exp(-x^2) t R(t), t = 1 / (1 + x/2) (the substitution of the
    // Chebyshev fit in Numerical Recipes, section 6.2), relative error 3.4e-9 on [0.875, 10.1].
    // SimdKernels evaluates the same polynomials.

    static final float ERF_SPLIT = 0.875f;
    static final float ERF_P0 = 1.1283791065216064f, ERF_P1 = -0.3761255145072937f, ERF_P2 = 0.11282455921173096f,
            ERF_P3 = -0.026791485026478767f, ERF_P4 = 0.005032208748161793f, ERF_P5 = -0.0006203385419212282f;
    static final float ERFC_R0 = 0.28208255767822266f, ERFC_R1 = 0.2824265956878662f, ERFC_R2 = 0.24297955632209778f,
            ERFC_R3 = 0.20139244198799133f, ERFC_R4 = -0.016473092138767242f, ERFC_R5 = 0.24685026705265045f,
            ERFC_R6 = -0.4376174509525299f, ERFC_R7 = 0.2443503886461258f, ERFC_R8 = -0.04586530104279518f;
    /** Beyond this |x| erfc(x) underflows float; clamping keeps x^2 and t finite. */
    static final float ERFC_CLAMP = 10.5f;
    /** Beyond this |x| Phi(x) is 0 or 1 in float. */
    static final float GELU_CLAMP = 15f;
    static final float INV_SQRT2 = 0.70710678118654752f;
    static final float INV_SQRT_2PI = 0.39894228040143268f;

    /** erf(x) / x for |x| < ERF_SPLIT, as a polynomial in z = x^2. */
    static float erfSmallPoly(float z) {
        float p = Math.fma(ERF_P5, z, ERF_P4);
        p = Math.fma(p, z, ERF_P3);
        p = Math.fma(p, z, ERF_P2);
        p = Math.fma(p, z, ERF_P1);
        return Math.fma(p, z, ERF_P0);
    }

    /** erfc(x) exp(x^2) for x >= ERF_SPLIT. */
    static float erfcScaled(float x) {
        float t = 1f / Math.fma(0.5f, x, 1f);
        float r = Math.fma(ERFC_R8, t, ERFC_R7);
        r = Math.fma(r, t, ERFC_R6);
        r = Math.fma(r, t, ERFC_R5);
        r = Math.fma(r, t, ERFC_R4);
        r = Math.fma(r, t, ERFC_R3);
        r = Math.fma(r, t, ERFC_R2);
        r = Math.fma(r, t, ERFC_R1);
        r = Math.fma(r, t, ERFC_R0);
        return t * r;
    }

    /**
     * exp(-x^2), with x^2 split into its rounded value and the exact remainder (by fma): rounding x^2
     * alone would cost a relative error of x^2 * 2^-24 in the result, 6e-6 at x = 10.
     */
    static float squareExp(float x) {
        float sq = x * x;
        float lo = Math.fma(x, x, -sq);
        return (float) Math.exp(-sq) * (1f - lo);
    }

    /** exp(-x^2 / 2), split like {@link #squareExp}. */
    static float halfSquareExp(float x) {
        float sq = x * x;
        float lo = Math.fma(x, x, -sq);
        return (float) Math.exp(-0.5f * sq) * (1f - 0.5f * lo);
    }

    /** erf(x) to a few ulp; NaN stays NaN. */
    public static float erf(float x) {
        float ax = Math.abs(x);
        if (ax < ERF_SPLIT) return x * erfSmallPoly(x * x);
        float c = Math.min(ax, ERFC_CLAMP);
        float erfc = squareExp(c) * erfcScaled(c);
        return Math.copySign(1f - erfc, x);
    }

    /**
     * The standard normal CDF Phi(x) = erfc(-x / sqrt 2) / 2; the lower tail comes from erfc directly, so
     * it keeps its relative accuracy where 1 + erf(x / sqrt 2) would cancel.
     */
    static float normalCdf(float x) {
        float xc = Math.min(Math.max(x, -GELU_CLAMP), GELU_CLAMP);
        float z = xc * INV_SQRT2;
        float az = Math.abs(z);
        if (az < ERF_SPLIT) return Math.fma(0.5f, z * erfSmallPoly(z * z), 0.5f);
        float half = 0.5f * halfSquareExp(xc) * erfcScaled(az);
        return xc < 0 ? half : 1f - half;
    }

    @Override
    public void bceWithLogits(float[] x, int xo, float[] t, int to, float[] out, int oo, int n) {
        bce(x, xo, t, to, out, oo, n);
    }

    /** The scalar BCE loop, also the SIMD implementation's tail. */
    static void bce(float[] x, int xo, float[] t, int to, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double xv = x[xo + i], tv = t[to + i];
            double linear = xv >= 0 ? xv * (1 - tv) : -xv * tv;
            out[oo + i] = (float) (linear + Math.log1p(Math.exp(-Math.abs(xv))));
        }
    }

    @Override
    public void bceWithLogitsBackward(float[] x, int xo, float[] t, int to, float[] g, int go, float[] out, int oo, int n) {
        bceBackward(x, xo, t, to, g, go, out, oo, n);
    }

    /** The scalar BCE gradient loop, also the SIMD implementation's tail. */
    static void bceBackward(float[] x, int xo, float[] t, int to, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double xv = x[xo + i], tv = t[to + i];
            double e = Math.exp(-Math.abs(xv));
            double tail = e / (1 + e);
            out[oo + i] = (float) (g[go + i] * (xv >= 0 ? (1 - tv) - tail : tail - tv));
        }
    }

    @Override
    public void philox4x32(long key, long stream, long firstBlock, int blocks, int[] out, int at) {
        org.latent4j.tensor.random.Philox4x32.blocks(key, stream, firstBlock, blocks, out, at);
    }

    @Override
    public void normals(int[] words, int wo, float mean, float std, float[] out, int oo, int n) {
        int half = NORMAL_GROUP / 2;
        for (int g = 0; g < n; g += NORMAL_GROUP) {
            for (int i = 0; i < half; i++) {
                float radius = normalRadius(words[wo + g + i]) * std;
                int b = words[wo + g + half + i];
                if (g + i < n) out[oo + g + i] = Math.fma(radius, cosOfTurn(b), mean);
                if (g + half + i < n) out[oo + g + half + i] = Math.fma(radius, sinOfTurn(b), mean);
            }
        }
    }

    // ---- the float arithmetic of the normal kernels, operation for operation as SimdKernels does it

    static final float SQRT2 = 1.41421356237309505f;
    /** ln 2 in two parts, the first with trailing zero bits so that n * LN2_HI is exact for |n| < 2^11. */
    static final float LN2_HI = 0.693145751953125f;
    static final float LN2_LO = 1.42860682030941723212e-6f;

    /** sqrt(-2 ln u), u = (floor(w / 2) + 1/2) 2^-31. */
    static float normalRadius(int w) {
        float u = ((float) (w >>> 1) + 0.5f) * 0x1p-31f;
        return (float) Math.sqrt(-2f * logOfNormal(u));
    }

    /** ln x for positive normal x, as SimdKernels' logNormalLanes computes it. */
    static float logOfNormal(float x) {
        int bits = Float.floatToRawIntBits(x);
        float ef = (float) ((bits >>> 23) - 127);
        float m = Float.intBitsToFloat((bits & 0x007fffff) | 0x3f800000);
        if (m > SQRT2) {
            m = m * 0.5f;
            ef = ef + 1f;
        }
        float f = m - 1f;
        float s = f / (f + 2f);
        float z = s * s;
        float r = Math.fma(z, 2f / 9, 2f / 7);
        r = Math.fma(r, z, 2f / 5);
        r = Math.fma(r, z, 2f / 3) * z;
        float lm = Math.fma(-s, f - r, f);
        return Math.fma(ef, LN2_HI, Math.fma(ef, LN2_LO, lm));
    }

    /** The quarter turn of the angle 2 pi w 2^-32 nearest to it (0..3). */
    static int quarterOfTurn(int w) {
        return (w + (1 << 29)) >>> 30;
    }

    /** The rest of the angle after {@link #quarterOfTurn}, in radians, in [-pi/4, pi/4). */
    static float restOfTurn(int w) {
        return (float) (w - (quarterOfTurn(w) << 30)) * TURN_PER_WORD;
    }

    /** 2 pi 2^-32: radians per unit of a word read as a fraction of a turn. */
    static final float TURN_PER_WORD = (float) (2 * Math.PI * 0x1p-32);
    // minimax polynomials of sin and cos on [-pi/4, pi/4] (the coefficients of Cephes' sinf and cosf)
    static final float SIN3 = -1.6666654611e-1f, SIN5 = 8.3321608736e-3f, SIN7 = -1.9515295891e-4f;
    static final float COS4 = 4.166664568298827e-2f, COS6 = -1.388731625493765e-3f, COS8 = 2.443315711809948e-5f;

    static float sinReduced(float x) {
        float z = x * x;
        float p = Math.fma(Math.fma(z, SIN7, SIN5), z, SIN3);
        return Math.fma(x * z, p, x);
    }

    static float cosReduced(float x) {
        float z = x * x;
        float p = Math.fma(Math.fma(z, COS8, COS6), z, COS4);
        return Math.fma(z * z, p, Math.fma(z, -0.5f, 1f));
    }

    /** cos(2 pi w 2^-32): the reduced sine or cosine by quarter turn, the sign flipped in bits. */
    static float cosOfTurn(int w) {
        int q = quarterOfTurn(w);
        float x = restOfTurn(w);
        float v = (q & 1) == 0 ? cosReduced(x) : sinReduced(x);
        return Float.intBitsToFloat(Float.floatToRawIntBits(v) ^ (((q + 1) & 2) << 30));
    }

    /** sin(2 pi w 2^-32). */
    static float sinOfTurn(int w) {
        int q = quarterOfTurn(w);
        float x = restOfTurn(w);
        float v = (q & 1) == 0 ? sinReduced(x) : cosReduced(x);
        return Float.intBitsToFloat(Float.floatToRawIntBits(v) ^ ((q & 2) << 30));
    }

    @Override
    public void adamStep(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, AdamCoefficients c, int n) {
        adam(p, po, g, go, m, mo, v, vo, c, n);
    }

    /** The scalar Adam loop, also the SIMD implementation's tail. */
    static void adam(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, AdamCoefficients c, int n) {
        float shrink = c.shrink, l2 = c.l2, b1 = c.b1, c1 = c.c1, b2 = c.b2, c2 = c.c2;
        float stepSize = c.stepSize, correction2 = c.correction2, eps = c.eps;
        for (int i = 0; i < n; i++) {
            float w = p[po + i] * shrink;
            float gi = g[go + i] + l2 * w;
            float mi = b1 * m[mo + i] + c1 * gi;
            float vi = b2 * v[vo + i] + c2 * (gi * gi);
            m[mo + i] = mi;
            v[vo + i] = vi;
            p[po + i] = w - stepSize * (mi / ((float) Math.sqrt(vi) / correction2 + eps));
        }
    }
}
